"""Counter hardware: receipt printers, cash drawers, check readers, customer displays.

Devices know nothing of cashiering: a service hands them a finished document or a request.
"""
