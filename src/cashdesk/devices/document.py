"""The device-neutral receipt document and its plain-text rendering.

A service builds a ReceiptDocument from a posted receipt; each printer renders it its own way
(plain text for the simulator and the on-screen preview, ESC/POS bytes for a thermal printer,
PDF for the archive). The document carries display-ready strings: masking of check accounts
and card numbers is done before a document exists, so no renderer can leak them.
"""

from __future__ import annotations

import dataclasses
import enum
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

RECEIPT_WIDTH = 42  # Font A on an 80 mm printer (TM-T88V): 42 columns
LABEL_INDENT = "  "  # a value too long to stand beside its label goes under it, indented


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentLine:
    description: str
    amount: str
    reference: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptDocument:
    header: tuple[str, ...]
    receipt_number: str
    printed_time: str  # local date and time, formatted
    business_date: str
    workstation: str
    cashier: str
    payer: str
    lines: tuple[DocumentLine, ...]
    total: str
    tenders: tuple[DocumentLine, ...]
    change: str
    footer: tuple[str, ...] = ()
    copy_label: str = ""  # "REPRINT" / "DUPLICATE" / "VOID"
    notes: tuple[str, ...] = field(default_factory=tuple)


def map_text(doc: ReceiptDocument, convert: Callable[[str], str]) -> ReceiptDocument:
    """``doc`` with ``convert`` applied to every string it carries (a printer's code page
    reduction, the removal of control characters) before it is laid out, so the layout
    measures the text that is really printed."""
    changes: dict[str, object] = {}
    for f in dataclasses.fields(doc):
        value = getattr(doc, f.name)
        if isinstance(value, str):
            changes[f.name] = convert(value)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(
                convert(v)
                if isinstance(v, str)
                else DocumentLine(
                    description=convert(v.description),
                    amount=convert(v.amount),
                    reference=convert(v.reference),
                )
                for v in value
            )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def clean(text: str) -> str:
    """NFC text without control or format characters: a tab, a newline or an escape byte
    in a payer's name becomes a space and can never reach a printer as a command."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if category == "Cc" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in ("Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def display_width(text: str) -> int:
    """Columns a string takes on a receipt (combining marks take none)."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    text = unicodedata.normalize("NFC", text)
    return text if display_width(text) <= width else text[: width - 1] + "…"


def _two_columns(left: str, right: str, width: int) -> str:
    left = _fit(left, width - display_width(right) - 1)
    gap = width - display_width(left) - display_width(right)
    return left + " " * gap + right


def _item(left: str, right: str, width: int) -> list[str]:
    """A description with its amount: a description too long for one line wraps (a receipt
    must say in full what was paid for), and the amount stands on the last line."""
    room = width - display_width(right) - 1
    left = unicodedata.normalize("NFC", left)
    if display_width(left) <= room:
        return [_two_columns(left, right, width)]
    wrapped = textwrap.wrap(left, width) or [""]
    last = wrapped[-1]
    if display_width(last) <= room:
        return [*wrapped[:-1], _two_columns(last, right, width)]
    return [*wrapped, right.rjust(width)]


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(
        unicodedata.normalize("NFC", text), width, initial_indent=indent, subsequent_indent=indent
    )


def _labelled(label: str, value: str, width: int) -> list[str]:
    """A label with its value on one line when both fit; else the label alone and the value
    wrapped on word boundaries under it, so a long name never runs over its label."""
    value = unicodedata.normalize("NFC", value).strip()
    if display_width(label) + 1 + display_width(value) <= width:
        return [_two_columns(label, value, width)]
    return [label, *_wrap(value, width, LABEL_INDENT)]


def _centre(text: str, width: int) -> list[str]:
    """A heading centred; one too long for a line wraps (each part centred)."""
    return [
        " " * ((width - display_width(part)) // 2) + part for part in _wrap(text, width) or [""]
    ]


class Style(enum.Enum):
    """How a renderer may emphasise a laid-out line (plain text ignores it)."""

    PLAIN = "plain"
    TITLE = "title"  # the city's name
    LABEL = "label"  # REPRINT / DUPLICATE / VOID: large, so a copy is never taken for an original
    BOLD = "bold"  # TOTAL and CHANGE
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class LaidOutLine:
    text: str  # exactly ``width`` columns or fewer, already fitted
    style: Style = Style.PLAIN


def layout(doc: ReceiptDocument, width: int = RECEIPT_WIDTH) -> list[LaidOutLine]:
    """The receipt as fitted lines: the one layout every renderer draws, so the preview, the
    thermal print and the PDF never disagree on what a receipt says."""
    doc = map_text(doc, clean)
    rule = LaidOutLine("-" * width, Style.RULE)
    out: list[LaidOutLine] = []
    if doc.copy_label:
        # Printed at double width when it fits half the columns (REPRINT, VOID); a longer
        # one ("TRAINING — NOT A RECEIPT") stays whole on one bold line rather than break.
        starred = f"*** {doc.copy_label} ***"
        if display_width(starred) <= width // 2:
            out += [LaidOutLine(text, Style.LABEL) for text in _centre(starred, width // 2)]
        else:
            out += [LaidOutLine(text, Style.BOLD) for text in _centre(starred, width)]
    for i, heading in enumerate(doc.header):
        style = Style.TITLE if i == 0 else Style.PLAIN
        out += [LaidOutLine(text, style) for text in _centre(heading, width)]
    out.append(rule)
    for label, value in (
        ("Receipt", doc.receipt_number),
        ("Date", doc.printed_time),
        ("Cashier", doc.cashier),
        ("Workstation", doc.workstation),
        ("Received from", doc.payer),
    ):
        if value.strip():
            out += [LaidOutLine(text) for text in _labelled(label, value, width)]
    out.append(rule)
    for line in doc.lines:
        out += [LaidOutLine(text) for text in _item(line.description, line.amount, width)]
        if line.reference:
            out += [LaidOutLine(text) for text in _wrap(f"Ref {line.reference}", width, "  ")]
    out.append(rule)
    out.append(LaidOutLine(_two_columns("TOTAL", doc.total, width), Style.BOLD))
    for tender in doc.tenders:
        out += [LaidOutLine(text) for text in _item(tender.description, tender.amount, width)]
        if tender.reference:
            out += [LaidOutLine(text) for text in _wrap(tender.reference, width, "  ")]
    out.append(LaidOutLine(_two_columns("CHANGE", doc.change, width), Style.BOLD))
    out.append(rule)
    out += [LaidOutLine(text) for note in doc.notes for text in _wrap(note, width)]
    out += [LaidOutLine(text) for line in doc.footer for text in _centre(line, width)]
    return out


def render_text(doc: ReceiptDocument, width: int = RECEIPT_WIDTH) -> str:
    """The receipt as the simulated printer prints it and the preview shows it."""
    return "\n".join(line.text for line in layout(doc, width)) + "\n"
