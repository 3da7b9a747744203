"""The receivables pages: receipts and their matching (receipts.py), the worklist (worklist.py)."""
