"""Documents rendered from the services' plain dataclasses: reportlab PDFs and GL exports."""
