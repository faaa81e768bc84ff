"""Documents rendered with reportlab (receipts, and the reports built on them)."""
