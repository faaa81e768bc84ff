"""The error hierarchy. Every message is written for the person at the counter."""

from __future__ import annotations


class CashdeskError(Exception):
    """Base of every error cashdesk raises on purpose; ``str(err)`` is fit to show a cashier."""


class ValidationError(CashdeskError):
    """Input that a rule refuses: nothing was changed."""


class PermissionDenied(CashdeskError):
    """The signed-in user's role may not do this."""


class AuthenticationError(CashdeskError):
    """Wrong user name, password or PIN, or a locked account."""


class NotFound(CashdeskError):
    """A code, receipt or record that does not exist."""


class StateError(CashdeskError):
    """The action does not fit the current state (no open drawer, receipt already voided...)."""


class DeviceError(CashdeskError):
    """A device failed; the message says what the cashier can do about it."""


class SyncError(CashdeskError):
    """The central ledger could not be reached or refused a row."""


class ConfigError(CashdeskError):
    """The workstation configuration is missing or wrong; the message names the key."""
