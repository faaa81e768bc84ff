"""cashdesk: point-of-sale cashiering for a city's finance counter."""

__version__ = "0.1.0"
