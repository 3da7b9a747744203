"""Receipts, allocations and adjustments: every change to what is owed and what was paid."""
