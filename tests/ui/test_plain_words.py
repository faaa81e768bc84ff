"""Issue 24, defect 8: every message a person reads is in plain words: no file names, no
code identifiers, no "RULES.md", no jargon. The messages are read from the source: each
string given to an error (what the screens show) or put on a screen as a message."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import cashdesk

SOURCE = Path(cashdesk.__file__).parent
# Errors a person reads; TypeError, ValueError and AssertionError are programming errors.
ERRORS = re.compile(r"(Error|Denied|Refused)$")
NOT_FOR_PEOPLE = {"TypeError", "ValueError", "AssertionError", "NotImplementedError"}
SHOWN_BY = {"show_message", "showMessage", "show_error", "setText", "warning", "critical"}
BAD = (
    (re.compile(r"\b\w+\.(py|md|toml|json)\b"), "a file name"),
    (re.compile(r"RULES"), "the rules file"),
    (re.compile(r"no such tender", re.IGNORECASE), "jargon"),
    (re.compile(r"\b[a-z]+_[a-z0-9_]+\b"), "a code identifier"),
    (re.compile(r"\b(?!e\.g\b|i\.e\b)[a-z]+\.[a-z_]+\b"), "a dotted key"),
)
# Where a key or value is named on purpose: the workstation file's own keys in its
# validation (DESIGN.md: "an error that names the bad key", read by whoever edits the file),
# a technician's device setting, and the values a mail batch file's tender column takes.
ON_PURPOSE = {"config.py", "devices/drawer.py"}
FILE_VALUES = {"money_order"}


def _texts(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    elif isinstance(node, ast.BinOp):
        yield from _texts(node.left)
        yield from _texts(node.right)


def messages() -> Iterator[tuple[str, str]]:
    for path in sorted(SOURCE.rglob("*.py")):
        where = path.relative_to(SOURCE).as_posix()
        if where in ON_PURPOSE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            screen = where.startswith("ui/")
            if screen and isinstance(node, ast.ListComp) and isinstance(node.elt, ast.Tuple):
                # A screen's table rows built as tuples: their words are cells a person reads
                # ("matched", "not in the drawer" on the close screen).
                for cell in node.elt.elts:
                    for text in _texts(cell):
                        yield f"{where}:{node.lineno}", text
                continue
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in NOT_FOR_PEOPLE or not (ERRORS.search(name) or name in SHOWN_BY):
                continue
            for text in _texts(node.args[0]):
                yield f"{where}:{node.lineno}", text


def test_the_scan_reads_the_messages() -> None:
    found = dict(messages())
    assert len(found) > 200  # the scan sees the source's messages
    assert any("may not" in text for text in found.values())


def test_every_message_is_in_plain_words() -> None:
    problems = []
    for where, text in messages():
        for pattern, what in BAD:
            match = pattern.search(text)
            if match and match.group(0) not in FILE_VALUES:
                problems.append(f"{where}: {what} {match.group(0)!r} in {text!r}")
    assert problems == []


def test_table_cells_written_in_the_source_are_read_too() -> None:
    cells = {text for where, text in messages() if where.startswith("ui/drawer_close.py")}
    assert {"matched", "not in the drawer"} <= cells


def test_the_check_catches_developer_words() -> None:
    for text in ("see RULES.md section 3", "no such tender", "workstation.id is needed"):
        assert any(pattern.search(text) for pattern, _ in BAD), text
