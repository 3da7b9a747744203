"""Huikuan (回款): sales-contract receivables and collections."""
