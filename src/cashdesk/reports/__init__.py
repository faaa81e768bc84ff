"""Documents rendered with reportlab (receipts, licenses, day reports) from the services'
plain dataclasses, and GL exports."""
