"""The ``cashdesk`` command. Qt is imported only when a window opens, so headless commands
start fast and run on machines with no display."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from cashdesk import __version__
from cashdesk.errors import CashdeskError


def build_parser() -> argparse.ArgumentParser:
    from cashdesk.commands import MODULES

    parser = argparse.ArgumentParser(
        prog="cashdesk", description="Cashiering for the City of Riverbend finance counter."
    )
    parser.add_argument("--version", action="version", version=f"cashdesk {__version__}")
    parser.add_argument("--db", type=Path, help="the workstation database (SQLite file)")
    parser.add_argument("--config", type=Path, help="the workstation config (TOML)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="launch on a demo store (created and loaded if it does not exist)",
    )
    parser.add_argument(
        "--diagnostics",
        action="store_true",
        help="write a support bundle (config without secrets, versions, devices, store, "
        "last log lines) to a zip and exit",
    )
    parser.add_argument("--out", type=Path, help="with --diagnostics: the zip to write")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the file if it exists (never the store, its backups or the config)",
    )
    sub = parser.add_subparsers(dest="command")
    launch = sub.add_parser("launch", help="open the cashdesk window (the default)")
    launch.set_defaults(handler=_launch)
    for module in MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log_file = configure_logging()
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", _launch)
    _protect_own_files(args)
    if args.diagnostics:
        handler = _diagnostics
    try:
        status = handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        return status
    except BrokenPipeError:
        # The reader went away (`cashdesk … | head`): nobody is left to read more; end
        # quietly, with stdout pointed at nothing so the exit's own flush cannot complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except CashdeskError as err:
        logging.getLogger(__name__).info("refused: %s", err)
        print(f"cashdesk: {err}", file=sys.stderr)
        return 2
    except Exception as err:
        # A bug, not a refusal: no traceback on the counter's screen, all of it in the log.
        logging.getLogger(__name__).exception("unexpected error")
        where = f"the details are in {log_file}" if log_file else "no log file could be written"
        print(
            f"cashdesk: unexpected error ({type(err).__name__}: {err}); {where}.", file=sys.stderr
        )
        return 3


class _NoDetail(logging.Filter):
    """The terminal gets warnings, not the tracebacks behind a mapped error: the person sees
    the CashdeskError's message, the log file keeps the detail."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is None


def configure_logging() -> Path | None:
    """Warnings to stderr (no tracebacks); everything from INFO up, tracebacks included, to
    ``cashdesk.log`` in the platform's log folder (cashdesk.logfile: one line per event, card
    numbers redacted, owner-only, rotated at 5 MB with five kept). Returns the log file, or
    None when its folder cannot be written (the terminal says so)."""
    from cashdesk.logfile import LOG_NAME, default_log_dir, open_log_file

    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "cashdesk", False)]
    if ours:  # configured already (main() called twice in one process)
        files = [h for h in ours if isinstance(h, logging.FileHandler)]
        return Path(files[0].baseFilename) if files else None
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.addFilter(_NoDetail())
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.cashdesk = True  # type: ignore[attr-defined]
    root.addHandler(console)
    root.setLevel(logging.INFO)
    # Alembic narrates every start at INFO; cashdesk.store.backup logs the upgrades it makes.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    folder = default_log_dir()
    try:
        to_file = open_log_file(folder, logger=root)
    except OSError as err:
        logging.getLogger(__name__).warning("no log file (%s): %s", folder, err.strerror)
        return None
    to_file.cashdesk = True  # type: ignore[attr-defined]
    return folder / LOG_NAME


def _protect_own_files(args: argparse.Namespace) -> None:
    """No ``--out`` may name the store or the config (see cashdesk.outputs)."""
    from cashdesk.config import default_config_path, default_db_path
    from cashdesk.outputs import protect_file, protect_store

    protect_store(default_db_path())
    if args.db is not None:
        protect_store(args.db)
    protect_file(args.config or default_config_path())


def _diagnostics(args: argparse.Namespace) -> int:
    from cashdesk.diagnostics import write_bundle

    path = write_bundle(config_path=args.config, db_path=args.db, out=args.out, force=args.force)
    print(f"cashdesk: diagnostics written to {path}")
    return 0


def no_display() -> str | None:
    """Why no window can open here (Linux with neither X11 nor Wayland, and no Qt platform
    chosen), before Qt aborts the process with its own text; None when one can."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "There is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is "
        "set): start cashdesk from a desktop session, or use a headless command "
        "(cashdesk --help)."
    )


def _launch(args: argparse.Namespace) -> int:
    if (reason := no_display()) is not None:
        print(f"cashdesk: {reason}", file=sys.stderr)
        return 2
    from cashdesk.ui.main import run

    return int(run(db_path=args.db, config_path=args.config, demo=args.demo))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
