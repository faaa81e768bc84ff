"""``cashdesk quote KIND ...``: what a payment would cost, without posting anything.

Every kind prints ``{"total": "123.45", "lines": [{"code", "description", "reference",
"amount", "gl_account"}...]}`` with ``--json`` (amounts as strings with two decimals) or a
readable table without it, and exits with status 2 and a message on stderr when the payment
would be refused. Each area adds its kinds in its own module, listed in KIND_MODULES; a module
has ``register_quotes(kinds)`` where ``kinds`` is the argparse sub-parsers of ``quote``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total

KIND_MODULES: list[Any] = []  # filled in by cashdesk.commands (avoids import cycles)


def register(sub: Any) -> None:
    quote = sub.add_parser("quote", help="what a payment would cost, without posting it")
    kinds = quote.add_subparsers(dest="quote_kind", required=True)
    for module in KIND_MODULES:
        module.register_quotes(kinds)


def add_json_flag(parser: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print the quote as JSON")


def quote_payload(lines: Iterable[ChargeLine], **extra: Any) -> dict[str, Any]:
    lines = list(lines)
    return {
        "total": total(line.amount for line in lines).plain(),
        "lines": [
            {
                "code": line.code,
                "description": line.description,
                "reference": line.reference,
                "amount": line.amount.plain(),
                "gl_account": line.gl_account,
            }
            for line in lines
        ],
        **extra,
    }


def print_quote(payload: dict[str, Any], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for line in payload["lines"]:
        amount = str(Money.parse(line["amount"]))
        print(
            f"{line['code']:<8} {line['description'][:44]:<44} {amount:>12}  {line['gl_account']}"
        )
    print(f"{'TOTAL':<53} {Money.parse(payload['total'])!s:>12}")
    for key, value in payload.items():
        if key not in {"total", "lines"}:
            print(f"{key}: {value}")
    return 0


def refuse(message: str) -> int:
    print(f"cashdesk: {message}", file=sys.stderr)
    return 2
