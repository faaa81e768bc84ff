"""Reading one ``[devices.<role>]`` table: typed values, every problem naming its key.

The factory turns a :class:`DeviceConfigError` into an unavailable (Null) device, so a
misconfigured printer never stops the counter from starting.
"""

from __future__ import annotations

from typing import Any

from cashdesk.errors import ConfigError


class DeviceConfigError(ConfigError):
    """A device table that cannot be used; the message starts with the key."""


class Table:
    """A ``[devices.<role>]`` table; each read marks its key used, so leftovers are typos."""

    def __init__(self, role: str, data: dict[str, Any]) -> None:
        self.where = f"devices.{role}"
        self.data = data
        self.used = {"kind"}

    def key(self, name: str) -> str:
        return f"{self.where}.{name}"

    def fail(self, name: str, problem: str) -> DeviceConfigError:
        return DeviceConfigError(f"{self.key(name)}: {problem}")

    def _get(self, name: str, default: Any) -> Any:
        self.used.add(name)
        return self.data.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.data

    def text(self, name: str, default: str | None = None) -> str:
        value = self._get(name, default)
        if value is None:
            raise self.fail(name, "is required for this kind of device.")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, f"must be a non-empty string, not {value!r}.")
        return value.strip()

    def integer(
        self, name: str, default: int | None, *, low: int, high: int, hex_ok: bool = False
    ) -> int:
        value = self._get(name, default)
        if value is None:
            raise self.fail(name, "is required for this kind of device.")
        if hex_ok and isinstance(value, str):
            try:
                value = int(value, 0)
            except ValueError:
                raise self.fail(name, f'must be a number like 0x04b8, not "{value}".') from None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(name, f"must be a whole number, not {value!r}.")
        if not low <= value <= high:
            raise self.fail(name, f"must be between {low} and {high}, not {value}.")
        return value

    def seconds(self, name: str, default: float, *, low: float, high: float) -> float:
        value = self._get(name, default)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(name, f"must be a number of seconds, not {value!r}.")
        if not low <= value <= high:
            raise self.fail(name, f"must be between {low} and {high} seconds, not {value}.")
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, not {value!r}.")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self._get(name, default)
        if not isinstance(value, str) or value.lower() not in choices:
            raise self.fail(name, f"must be one of {', '.join(choices)}, not {value!r}.")
        return value.lower()

    def table(self, name: str) -> Table | None:
        value = self._get(name, None)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(name, "must be a table.")
        return Table(f"{self.where[len('devices.') :]}.{name}", value)

    def finish(self) -> None:
        """Refuse keys nobody read (a misspelt key must not silently fall back to a default)."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(unknown[0], "is not a setting of this kind of device.")
