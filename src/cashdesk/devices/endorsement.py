"""Check endorsement: what is printed on the back of a check (or money order) the counter
accepted, and its ESC/POS bytes for the slip station of an Epson TM-H6000-class printer.

The endorsement is the restrictive one a city deposits under: the department's line (set per
revenue category in the workstation config), "FOR DEPOSIT ONLY", the city's bank and account
number (RULES.md section 14), and the receipt number and date, so a returned check leads back
to its receipt.

On the printer: ``ESC c 0 4`` selects the slip station (the check, inserted face down, is
printed on its back), the lines are printed, ``FF`` ejects the check, and ``ESC c 0 2`` gives
printing back to the receipt roll. The whole job is one write, built in a python-escpos
``Dummy`` like a receipt.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cashdesk.devices.document import clean

SELECT_SLIP = b"\x1bc0\x04"  # ESC c 0 4: print on the slip (the check)
SELECT_RECEIPT = b"\x1bc0\x02"  # ESC c 0 2: back to the receipt roll
EJECT = b"\x0c"  # FF: print what is buffered and eject the slip
ENDORSEMENT_COLUMNS = 40  # a check's endorsement area holds ~40 columns of slip font


@dataclass(frozen=True, slots=True, kw_only=True)
class Endorsement:
    """One instrument to endorse."""

    department: str  # "City of Riverbend Utility Billing"
    bank: str  # "Riverbend Community Bank"
    account: str  # the city's account number, in full: the bank must read it
    receipt_number: str
    business_date: str  # "2026-11-26"
    instrument: str  # "Check 1001 $40.00" (what the cashier checks it against)

    def lines(
        self, width: int = ENDORSEMENT_COLUMNS, convert: Callable[[str], str] = clean
    ) -> list[str]:
        """The lines, each reduced by ``convert`` (a printer's code page) then wrapped."""
        out: list[str] = []
        for text in (
            "FOR DEPOSIT ONLY",
            self.department,
            f"{self.bank}",
            f"Account {self.account}",
            f"Receipt {self.receipt_number} {self.business_date}",
            self.instrument,
        ):
            out += textwrap.wrap(convert(text), width) or [""]
        return out


def endorsement_text(endorsement: Endorsement, width: int = ENDORSEMENT_COLUMNS) -> str:
    return "\n".join(endorsement.lines(width)) + "\n"


def render_endorsement(
    endorsement: Endorsement,
    *,
    profile: str = "TM-T88V",
    codepage: str = "CP858",
    columns: int = ENDORSEMENT_COLUMNS,
) -> bytes:
    """The ESC/POS bytes that endorse one check on the slip station."""
    from cashdesk.devices.escpos_printer import dummy, printable

    p: Any = dummy(profile)
    p.hw("INIT")
    p.charcode(codepage)
    p._raw(SELECT_SLIP)
    for line in endorsement.lines(columns, lambda text: printable(text, codepage)):
        p.textln(line)
    p._raw(EJECT)
    p._raw(SELECT_RECEIPT)
    return bytes(p.output)
