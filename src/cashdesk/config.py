"""The workstation configuration: one TOML file per workstation.

Read and validated at start; every problem names the key it concerns. A missing file means
the defaults (a simulated counter), which is what the demo and a fresh install run on.

Example::

    [workstation]
    id = "W01"
    name = "Finance counter 1"
    timezone = "America/Los_Angeles"

    [store]
    path = "/var/lib/cashdesk/cashdesk.db"

    [ledger]
    url = "postgresql://cashdesk@ledger.example/riverbend"

    [drawer]
    starting_bank = "200.00"
    pickup_threshold = "2000.00"
    variance_threshold = "5.00"

    [devices.printer]
    kind = "simulator"

    [bank]                      # where deposits go (RULES.md section 14)
    name = "Riverbend Community Bank"
    routing = "121042882"
    account = "000123456789"

    [certificates]              # who signs license certificates
    signatory = "Dana Whitfield"
    title = "Finance Director"
    signature_image = "/etc/cashdesk/signature.png"

    [endorsement]               # the back of a check, per revenue category ("default": others)
    default = "City of Riverbend Finance Department"
    utility = "City of Riverbend Utility Billing"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cashdesk.domain.money import Money
from cashdesk.errors import ConfigError, ValidationError

APP_NAME = "cashdesk"
_WORKSTATION_ID = re.compile(r"^W\d{2,3}$")
DEVICE_ROLES = ("printer", "drawer", "check_reader", "display")
# The kinds of device each role may have; their other keys are read (and refused, naming the
# key) by cashdesk.devices.factory, which marks a badly configured device unavailable.
DEVICE_KINDS = {
    "printer": ("simulator", "none", "network", "usb", "serial", "file", "cups"),
    "drawer": ("simulator", "none", "printer", "serial"),
    "check_reader": ("simulator", "none", "serial"),
    "display": ("simulator", "none", "serial"),
}


@dataclass(frozen=True, slots=True)
class DrawerPolicy:
    starting_bank: Money = Money(cents=200_00)
    pickup_threshold: Money = Money(cents=2_000_00)
    variance_threshold: Money = Money(cents=5_00)


@dataclass(frozen=True, slots=True)
class BankAccount:
    """The city's operating account every deposit goes to (RULES.md section 14)."""

    name: str = "Riverbend Community Bank"
    routing: str = "121042882"
    account: str = "000123456789"


@dataclass(frozen=True, slots=True)
class CertificateSigning:
    """Who authorises license certificates; ``image``: a PNG or JPEG of the signature."""

    signatory: str = ""
    title: str = ""
    image: Path | None = None


# Revenue categories an endorsement text may be set for (revenue_codes.csv "category").
ENDORSEMENT_KEYS = ("default", "citation", "fee", "license", "misc", "program", "tax", "utility")
DEFAULT_ENDORSEMENT = "{city} Finance Department"


@dataclass(frozen=True, slots=True)
class Config:
    workstation_id: str = "W01"
    workstation_name: str = "Finance counter"
    timezone: str = "America/Los_Angeles"
    city_name: str = "City of Riverbend"
    db_path: Path | None = None
    ledger_url: str = ""
    idle_lock_seconds: int = 120
    drawer: DrawerPolicy = field(default_factory=DrawerPolicy)
    devices: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {role: {"kind": "simulator"} for role in DEVICE_ROLES}
    )
    source: Path | None = None
    bank: BankAccount = field(default_factory=BankAccount)
    certificates: CertificateSigning = field(default_factory=CertificateSigning)
    endorsements: dict[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def endorsement_text(self, category: str) -> str:
        """The department line endorsed on a check paying ``category``."""
        return self.endorsements.get(
            category,
            self.endorsements.get("default", DEFAULT_ENDORSEMENT.format(city=self.city_name)),
        )


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "workstation.toml"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "cashdesk.db"


def _expect(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(f"{where}.{key} must be {kind.__name__}, not {value!r}.")
    return value


def _money(table: dict[str, Any], key: str, where: str, default: Money) -> Money:
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, str):
        raise ConfigError(f'{where}.{key} must be an amount in quotes, like "200.00".')
    try:
        return Money.parse(value, field=f"{where}.{key}")
    except ValidationError as err:
        raise ConfigError(str(err)) from None


_KNOWN = {
    "workstation": {"id", "name", "timezone", "city_name", "idle_lock_seconds"},
    "store": {"path"},
    "ledger": {"url"},
    "drawer": {"starting_bank", "pickup_threshold", "variance_threshold"},
    "devices": set(DEVICE_ROLES),
    "bank": {"name", "routing", "account"},
    "certificates": {"signatory", "title", "signature_image"},
    "endorsement": set(ENDORSEMENT_KEYS),
}


def parse_config(data: dict[str, Any], *, source: Path | None = None) -> Config:
    for section, value in data.items():
        if section not in _KNOWN:
            raise ConfigError(f"Unknown section [{section}] in the workstation config.")
        if not isinstance(value, dict):
            raise ConfigError(f"[{section}] must be a table.")
        for key in value:
            if key not in _KNOWN[section]:
                raise ConfigError(f"Unknown key {section}.{key} in the workstation config.")

    ws = data.get("workstation", {})
    values: dict[str, Any] = {}
    if "id" in ws:
        wid = _expect(ws, "id", str, "workstation")
        if not _WORKSTATION_ID.match(wid):
            raise ConfigError(f'workstation.id must look like "W01", not {wid!r}.')
        values["workstation_id"] = wid
    if "name" in ws:
        values["workstation_name"] = _expect(ws, "name", str, "workstation")
    if "city_name" in ws:
        values["city_name"] = _expect(ws, "city_name", str, "workstation")
    if "timezone" in ws:
        tz = _expect(ws, "timezone", str, "workstation")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
            raise ConfigError(f"workstation.timezone {tz!r} is not a known time zone.") from None
        values["timezone"] = tz
    if "idle_lock_seconds" in ws:
        seconds = _expect(ws, "idle_lock_seconds", int, "workstation")
        if not 15 <= seconds <= 3600:
            raise ConfigError("workstation.idle_lock_seconds must be between 15 and 3600.")
        values["idle_lock_seconds"] = seconds
    store = data.get("store", {})
    if "path" in store:
        raw_path = _expect(store, "path", str, "store")
        try:
            if "\x00" in raw_path:
                raise ValueError("a NUL character")
            values["db_path"] = Path(raw_path).expanduser()
        except (RuntimeError, ValueError):  # "~nobody/x": no such user's home folder
            raise ConfigError(f"store.path {raw_path!r} is not a usable file path.") from None
    ledger = data.get("ledger", {})
    if "url" in ledger:
        url = _expect(ledger, "url", str, "ledger")
        if url and not url.startswith(("postgresql://", "postgresql+psycopg://")):
            raise ConfigError("ledger.url must be a postgresql:// URL.")
        values["ledger_url"] = url
    drawer = data.get("drawer", {})
    base = DrawerPolicy()
    values["drawer"] = DrawerPolicy(
        starting_bank=_money(drawer, "starting_bank", "drawer", base.starting_bank),
        pickup_threshold=_money(drawer, "pickup_threshold", "drawer", base.pickup_threshold),
        variance_threshold=_money(drawer, "variance_threshold", "drawer", base.variance_threshold),
    )
    devices = {role: {"kind": "simulator"} for role in DEVICE_ROLES}
    for role, table in data.get("devices", {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"[devices.{role}] must be a table.")
        kind = table.get("kind", "simulator")
        if not isinstance(kind, str) or kind not in DEVICE_KINDS[role]:
            # A misspelt kind must not silently become a simulator.
            raise ConfigError(
                f"devices.{role}.kind {kind!r} is not a known device kind "
                f"(one of {', '.join(DEVICE_KINDS[role])})."
            )
        devices[role] = dict(table)
    values["devices"] = devices
    values["bank"] = _bank(data.get("bank", {}))
    values["certificates"] = _certificates(data.get("certificates", {}), source)
    endorsement = data.get("endorsement", {})
    values["endorsements"] = {
        key: _text(endorsement, key, "endorsement", limit=60) for key in endorsement
    }
    return Config(source=source, **values)


def _text(table: dict[str, Any], key: str, where: str, *, limit: int) -> str:
    value: str = _expect(table, key, str, where).strip()
    if not value or len(value) > limit:
        raise ConfigError(f"{where}.{key} must be 1 to {limit} characters.")
    return value


def _bank(table: dict[str, Any]) -> BankAccount:
    from cashdesk.domain.routing import validate_routing_number

    base = BankAccount()
    name = _text(table, "name", "bank", limit=60) if "name" in table else base.name
    routing = base.routing
    if "routing" in table:
        try:
            routing = validate_routing_number(_expect(table, "routing", str, "bank"))
        except ValidationError as err:
            raise ConfigError(f"bank.routing: {err}") from None
    account = base.account
    if "account" in table:
        account = _expect(table, "account", str, "bank").strip()
        if not (account.isascii() and account.isdigit() and 4 <= len(account) <= 17):
            raise ConfigError("bank.account must be 4 to 17 digits.")
    return BankAccount(name=name, routing=routing, account=account)


def _certificates(table: dict[str, Any], source: Path | None) -> CertificateSigning:
    image: Path | None = None
    if "signature_image" in table:
        raw = _expect(table, "signature_image", str, "certificates")
        image = Path(raw).expanduser()
        if not image.is_absolute() and source is not None:
            image = source.parent / image  # relative to the config file
        if image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ConfigError("certificates.signature_image must be a .png or .jpg file.")
        if not image.is_file():
            raise ConfigError(f"certificates.signature_image: {image} does not exist.")
    return CertificateSigning(
        signatory=(
            _text(table, "signatory", "certificates", limit=60) if "signatory" in table else ""
        ),
        title=_text(table, "title", "certificates", limit=60) if "title" in table else "",
        image=image,
    )


def load_config(path: Path | None) -> Config:
    """The config at ``path`` (or the platform default); defaults when no file exists."""
    explicit = path is not None
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"The config file {path} does not exist.")
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"The config file {path} is not valid TOML: {err}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"The config file {path} is not valid TOML: nested too deeply.") from None
    except OSError as err:
        raise ConfigError(f"The config file {path} cannot be read: {err.strerror}") from None
    return parse_config(data, source=path)
