"""``cashdesk --diagnostics``: one zip for support, with nothing secret in it.

The bundle holds what IT asks first when a counter misbehaves:

- ``summary.txt``: the short story (versions, workstation, store, devices, backups);
- ``config.toml``: the workstation's config file as written, secrets removed (a password in a
  URL or a ``password=`` parameter, a key named like a password or token);
- ``config-effective.json``: the settings in force (the defaults filled in), secrets removed;
- ``versions.json``: Python, the platform, cashdesk and the libraries it runs on;
- ``devices.json``: each device's status, from the devices the config describes;
- ``store.json``: the database's schema revision against this version's, the integrity
  checks' summary and problems, and the upgrade backups kept beside it;
- ``log.txt``: the last lines of ``cashdesk.log`` (card numbers and secrets redacted again).

Each part is gathered on its own: one that fails (a config that does not parse, a store that
cannot be read) says why in its place and in ``errors.txt``, and the rest is still written.
It only reads: the store through the read-only integrity checks (no lock, so it runs beside an
open window). Opening the devices does talk to them, as ``cashdesk devices list`` does.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import sqlite3
import sys
import zipfile
from collections import deque
from collections.abc import Callable
from contextlib import closing
from importlib import metadata
from pathlib import Path
from typing import Any

from cashdesk import __version__
from cashdesk.domain.privacy import redact_pans

LOG_LINES = 500
# The distributions whose versions support asks for (the names pip knows them by).
DISTRIBUTIONS = (
    "PySide6-Essentials",
    "shiboken6",
    "SQLAlchemy",
    "alembic",
    "python-escpos",
    "pyserial",
    "pyusb",
    "reportlab",
    "argon2-cffi",
    "platformdirs",
    "python-stdnum",
    "babel",
    "tzdata",
    "psycopg",
    "psycopg-binary",
)

_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s\"']*):[^@\s\"']*@", re.I)
_SECRET_WORDS = r"password|passwd|pwd|secret|token|api_?key"
_PARAM_SECRET = re.compile(rf"(?P<key>\b(?:{_SECRET_WORDS})\s*=\s*)(?P<value>[^&\s\"',;]+)", re.I)
_TOML_SECRET = re.compile(
    rf"^(?P<key>\s*[\w.\"-]*(?:{_SECRET_WORDS})[\w.\"-]*\s*=\s*).*$", re.I | re.M
)


def redact_secrets(text: str) -> str:
    """``text`` without passwords (in a URL's user part, a ``password=`` parameter, a config
    key named like a secret) and with card numbers cut to their last four digits."""
    text = _URL_PASSWORD.sub(r"\g<head>:***@", text)
    text = _TOML_SECRET.sub(r'\g<key>"***"', text)
    text = _PARAM_SECRET.sub(r"\g<key>***", text)
    return redact_pans(text)


def versions() -> dict[str, Any]:
    found: dict[str, str | None] = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return {
        "cashdesk": __version__,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "frozen": bool(getattr(sys, "frozen", False)),  # the installed bundle (PyInstaller)
        "executable": sys.executable,
        "libraries": found,
        "sqlite": sqlite3.sqlite_version,
    }


def last_log_lines(folder: Path, count: int = LOG_LINES) -> list[str]:
    """The last ``count`` lines of the log, across the newest rotated file when needed."""
    from cashdesk.logfile import LOG_NAME

    tail: deque[str] = deque(maxlen=count)
    for path in (folder / f"{LOG_NAME}.1", folder / LOG_NAME):
        if path.is_file():
            with open(path, encoding="utf-8", errors="replace") as f:
                tail.extend(line.rstrip("\n") for line in f)
    return [redact_secrets(line) for line in tail]


def _revision(db: Path) -> str | None:
    uri = f"{db.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no such table: never migrated
            return None
    return str(row[0]) if row else None


def store_report(db: Path) -> dict[str, Any]:
    from cashdesk.store.backup import list_backups
    from cashdesk.store.engine import store_error
    from cashdesk.store.integrity import check_database
    from cashdesk.store.lock import marker_path
    from cashdesk.store.migrate import head_revision

    report: dict[str, Any] = {"path": str(db), "exists": db.is_file()}
    report["head_revision"] = head_revision()
    report["backups"] = [
        {"file": p.name, "bytes": p.stat().st_size} for p in reversed(list_backups(db))
    ]
    if not db.is_file():
        return report
    report["bytes"] = db.stat().st_size
    try:
        report["revision"] = _revision(db)
    except sqlite3.DatabaseError as err:  # the message IT gets at start, naming the file
        raise store_error(err, path=db, outcome="it cannot be read") or err from err
    report["running_marker"] = marker_path(db).exists()  # open now, or not closed cleanly
    integrity = check_database(db)
    report["integrity"] = {
        "ok": integrity.ok,
        "summary": integrity.summary(),
        "counts": integrity.counts,
        "problems": [str(p) for p in integrity.problems[:200]],
    }
    return report


def device_report(devices_config: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    from cashdesk.devices.factory import build_devices

    devices = build_devices(devices_config)
    try:
        roles = ("printer", "drawer", "check_reader", "display")
        return [
            {"role": role, "name": s.name, "ok": s.ok, "message": s.message}
            for role, s in zip(roles, devices.statuses(), strict=True)
        ]
    finally:
        devices.close()


def write_bundle(
    *,
    config_path: Path | None,
    db_path: Path | None,
    out: Path | None = None,
    log_dir: Path | None = None,
    log_lines: int = LOG_LINES,
    now: dt.datetime | None = None,
    force: bool = False,
) -> Path:
    """Gather the bundle and write it to ``out`` (default: ``cashdesk-diagnostics-<workstation>-
    <UTC time>.zip`` in the current folder); returns the zip's path."""
    from cashdesk.config import Config, default_config_path, default_db_path, load_config
    from cashdesk.logfile import default_log_dir
    from cashdesk.outputs import atomic_output, protect_file, protect_store
    from cashdesk.services.audit import config_snapshot

    now = now or dt.datetime.now(dt.UTC)
    files: dict[str, str] = {}
    errors: list[str] = []

    def part(name: str, gather: Callable[[], Any]) -> Any:
        try:
            return gather()
        except Exception as err:  # one failing part must not cost the others
            errors.append(f"{name}: {type(err).__name__}: {redact_secrets(str(err))}")
            return None

    source = config_path or default_config_path()
    if source.is_file():
        raw = part("config file", lambda: source.read_text(encoding="utf-8", errors="replace"))
        files["config.toml"] = redact_secrets(raw or "")
    else:
        files["config.toml"] = f"# no config file at {source}: the defaults are in force\n"
    config: Config | None = part("config", lambda: load_config(config_path))
    snapshot = part("config", lambda: config_snapshot(config)) if config else None
    files["config-effective.json"] = redact_secrets(
        json.dumps({"source": str(source), "settings": snapshot}, indent=2)
    )
    files["versions.json"] = json.dumps(versions(), indent=2)
    devices = part("devices", lambda: device_report(config.devices)) if config else None
    files["devices.json"] = redact_secrets(json.dumps(devices, indent=2))
    db = db_path or (config.db_path if config else None) or default_db_path()
    store = part("store", lambda: store_report(db))
    files["store.json"] = redact_secrets(json.dumps(store, indent=2))
    folder = log_dir or default_log_dir()
    lines = part("log", lambda: last_log_lines(folder, log_lines)) or []
    files["log.txt"] = "\n".join(lines) + ("\n" if lines else "")

    summary = [
        f"cashdesk {__version__} diagnostics, {now.strftime('%Y-%m-%d %H:%M:%S')} UTC",
        f"python {sys.version.split()[0]} on {platform.platform()}"
        + (" (installed bundle)" if getattr(sys, "frozen", False) else ""),
        f"workstation: {config.workstation_id if config else '(config not readable)'}",
        f"config: {source}" + ("" if source.is_file() else " (none: defaults)"),
        f"store: {db}",
    ]
    if store:
        summary.append(
            f"schema: {store.get('revision', '(no database)')} (this version needs "
            f"{store['head_revision']}); backups kept: {len(store['backups'])}"
        )
        if "integrity" in store:
            summary.append(f"integrity: {store['integrity']['summary']}")
    for device in devices or []:
        mark = "ok" if device["ok"] else "NOT READY"
        summary.append(f"{device['role']}: {mark}: {device['name']}: {device['message']}")
    summary.append(f"log: {folder} (last {len(lines)} lines in log.txt)")
    summary += [f"could not gather {e}" for e in errors]
    files["summary.txt"] = redact_secrets("\n".join(summary) + "\n")
    if errors:
        files["errors.txt"] = "\n".join(errors) + "\n"

    if out is None:
        ident = config.workstation_id if config else "unknown"
        out = Path.cwd() / f"cashdesk-diagnostics-{ident}-{now.strftime('%Y%m%dT%H%M%SZ')}.zip"
    protect_store(db)  # with no store open, its path is known only here
    protect_file(source)
    with (
        atomic_output(out, force=force) as partial,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle,
    ):
        stamp = now.timetuple()[:6]
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, files[name])
    return out.expanduser()
