"""Hostile input on every parser a person or a file feeds (amounts, MICR lines, routing
numbers, the config file, catalog lines, tenders, a whole payment): each input is accepted
exactly or refused with a CashdeskError, never another exception, and a refused payment
leaves the store as it was. The examples tried are counted for the README.

Import CSV rows (BOM, CRLF, Latin-1, wrong columns) belong to the records import and are
tested there.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from stdnum.us import rtn

from cashdesk.app import Cashdesk
from cashdesk.config import Config, load_config, parse_config
from cashdesk.domain import tender as T
from cashdesk.domain.catalog import Catalog
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.micr import READER_MAPPINGS, MicrLine, normalise, parse_micr, read_micr
from cashdesk.domain.money import MAX_CENTS, Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.domain.routing import validate_routing_number
from cashdesk.errors import CashdeskError, ConfigError, ValidationError
from cashdesk.store.integrity import run_checks
from cashdesk.store.models import AuditEntry, OutboxRow, Receipt, TenderRow, Workstation

MANY = settings(max_examples=400, deadline=None)
SOME = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TRANSIT, AMOUNT, ON_US, DASH = "\u2446", "\u2447", "\u2448", "\u2449"
digits = st.text(alphabet="0123456789", min_size=0, max_size=20)
# Text a person can type or a device can send, junk and lookalikes included: other
# scripts' digits, full-width signs, control characters, very long runs.
anything = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet="0123456789.,$- \t\n\u0660\u0661\uff10\uff0e\u00a0\x00", max_size=30),
)


# -- amounts ----------------------------------------------------------------------------------

amount_like = st.one_of(
    anything,
    st.from_regex(r"\A\s*\$?\s*[0-9,]{0,14}(\.[0-9]{0,3})?\s*\Z"),
    st.builds(lambda c: Money(cents=c).plain(), st.integers(0, MAX_CENTS + 10)),
)


@MANY
@given(text=amount_like)
def test_money_parse_is_exact_or_refused(tried: Counter[str], text: str) -> None:
    tried["Money.parse"] += 1
    try:
        money = Money.parse(text)
    except ValidationError as err:
        assert str(err)
        return
    assert 0 <= money.cents <= MAX_CENTS
    # Exactly what was typed: the digits, less the $ and the thousands separators.
    cleaned = text.strip().removeprefix("$").strip().replace(",", "")
    assert Decimal(cleaned if cleaned not in {"", "."} else "0") * 100 == money.cents
    assert Money.parse(money.plain()) == money


# -- routing numbers and MICR lines ----------------------------------------------------------

valid_routing = (
    st.integers(0, 99_999_999)
    .map(lambda n: f"{n:08d}")
    .map(lambda head: head + rtn.calc_check_digit(head))
)
routing_like = st.one_of(
    anything,
    valid_routing,
    valid_routing.map(lambda r: f" {r[:3]} {r[3:6]} {r[6:]} "),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@MANY
@given(text=routing_like)
def test_routing_numbers_are_exact_or_refused(tried: Counter[str], text: str) -> None:
    tried["validate_routing_number"] += 1
    try:
        routing = validate_routing_number(text)
    except ValidationError:
        return
    assert re.fullmatch(r"[0-9]{9}", routing) and rtn.is_valid(routing)
    assert routing == "".join(text.split())


micr_parts = st.one_of(
    digits,
    valid_routing,
    st.sampled_from([TRANSIT, AMOUNT, ON_US, DASH, " ", "?", "-", "\r\n", "\x00"]),
)
micr_like = st.one_of(
    anything,
    st.lists(micr_parts, max_size=12).map("".join),
    st.tuples(valid_routing, st.text("0123456789 -" + DASH, max_size=20), digits).map(
        lambda p: f"{TRANSIT}{p[0]}{TRANSIT} {p[1]}{ON_US} {p[2]}"
    ),
)


@MANY
@given(line=micr_like)
def test_micr_lines_are_read_whole_or_refused(tried: Counter[str], line: str) -> None:
    tried["parse_micr"] += 1
    try:
        parsed = parse_micr(line)
    except ValidationError as err:
        assert str(err).endswith("Re-scan or key the check.")
        return
    assert isinstance(parsed, MicrLine)
    assert validate_routing_number(parsed.routing) == parsed.routing
    assert f"{TRANSIT}{parsed.routing}{TRANSIT}" in line
    assert re.fullmatch(r"[0-9]{4,17}", parsed.account)
    assert parsed.serial is None or (parsed.serial.isascii() and parsed.serial.isdigit())
    assert parsed.amount is None or parsed.amount.cents >= 0


@MANY
@given(raw=st.one_of(anything, micr_like), reader=st.sampled_from(sorted(READER_MAPPINGS)))
def test_every_reader_s_text_is_normalised_then_read_or_refused(
    tried: Counter[str], raw: str, reader: str
) -> None:
    tried["normalise/read_micr"] += 1
    mapping = READER_MAPPINGS[reader]
    assert isinstance(normalise(raw, mapping), str)
    with contextlib.suppress(ValidationError):
        read_micr(raw, mapping)


# -- the config file --------------------------------------------------------------------------

toml_scalar = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.sampled_from(
        [
            "W01",
            "W999",
            "America/Los_Angeles",
            "../../etc/passwd",
            "~nobody/x",
            "a" * 300,
            "x\x00y",
            "~/cashdesk.db",
            "200.00",
            "-1",
            "simulator",
            "none",
            "postgresql://x",
        ]
    ),
)
toml_value = st.recursive(
    toml_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = {
    "workstation": ["id", "name", "timezone", "city_name", "idle_lock_seconds"],
    "store": ["path"],
    "ledger": ["url"],
    "drawer": ["starting_bank", "pickup_threshold", "variance_threshold"],
    "devices": ["printer", "drawer", "check_reader", "display"],
}
section = st.sampled_from(sorted(KEYS)).flatmap(
    lambda name: st.tuples(
        st.just(name),
        st.one_of(
            toml_value,
            st.dictionaries(
                st.one_of(st.sampled_from(KEYS[name]), st.text(max_size=8)),
                st.one_of(
                    toml_value, st.dictionaries(st.sampled_from(["kind", "port"]), toml_value)
                ),
                max_size=4,
            ),
        ),
    )
)
config_like = st.one_of(
    st.lists(section, max_size=5).map(dict),
    st.dictionaries(st.text(max_size=10), toml_value, max_size=3),
)


@MANY
@given(data=config_like)
# What the fuzzing found (each was a crash, now a ConfigError naming the key):
@example(data={"devices": {"printer": {"kind": []}}})
@example(data={"store": {"path": "~nobody-at-all/cashdesk.db"}})
@example(data={"store": {"path": "cash\x00desk.db"}})
@example(data={"workstation": {"timezone": "a" * 5000}})
def test_any_config_table_is_accepted_or_named(tried: Counter[str], data: dict[str, Any]) -> None:
    tried["parse_config"] += 1
    try:
        config = parse_config(data)
    except ConfigError as err:
        assert str(err)
        return
    assert isinstance(config, Config)
    assert re.fullmatch(r"W\d{2,3}", config.workstation_id)
    assert config.tz is not None
    assert all(
        m.cents >= 0 for m in (config.drawer.starting_bank, config.drawer.variance_threshold)
    )


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.one_of(st.binary(max_size=400), st.text(max_size=300).map(str.encode)))
def test_any_bytes_as_the_config_file_are_accepted_or_named(
    tried: Counter[str], tmp_path: Path, content: bytes
) -> None:
    tried["load_config"] += 1
    path = tmp_path / "workstation.toml"
    path.write_bytes(content)
    try:
        load_config(path)
    except ConfigError as err:
        assert str(path) in str(err) or "." in str(err)


def test_ten_megabytes_of_junk_and_deep_nesting_as_the_config_file(
    tried: Counter[str], tmp_path: Path
) -> None:
    path = tmp_path / "workstation.toml"
    for content in (
        bytes(range(256)) * 40_000,  # 10 MB of every byte
        b"a = " + b"[" * 100_000 + b"]" * 100_000,
        b"[" + b"a." * 50_000 + b"b]\n",
        ("x = '" + "é" * 1_000_000 + "'\n").encode("latin-1"),
    ):
        tried["load_config"] += 1
        path.write_bytes(content)
        with pytest.raises(ConfigError) as refused:
            load_config(path)
        assert str(path) in str(refused.value) or "Unknown section" in str(refused.value)


# -- catalog lines and tenders ------------------------------------------------------------------

money = st.one_of(
    st.integers(-10, MAX_CENTS * 2).map(lambda c: Money(cents=c)),
    st.sampled_from([Money(cents=4000), Money(cents=2000), Money(cents=1000)]),
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    code=st.one_of(
        st.sampled_from(["GOLF-R", "DAR-10", "MISC", "FAC-FEE", "UTIL", " misc "]), anything
    ),
    amount=st.one_of(st.none(), money),
    alternate=st.booleans(),
    reference=anything,
    description=anything,
)
def test_catalog_lines_are_exact_or_refused(
    tried: Counter[str],
    demo_catalog: Catalog,
    code: str,
    amount: Money | None,
    alternate: bool,
    reference: str,
    description: str,
) -> None:
    tried["Catalog.line"] += 1
    try:
        line = demo_catalog.line(
            code, amount=amount, alternate=alternate, reference=reference, description=description
        )
    except CashdeskError:
        return
    assert isinstance(line, ChargeLine) and line.amount.is_positive
    rc = demo_catalog.get(code)
    if rc.price is not None:
        assert line.amount == (rc.alt_price if alternate else rc.price)
    else:
        assert line.amount == amount
    assert len(line.description) <= 120 and len(line.reference) <= 40


@MANY
@given(
    amount=money,
    routing=routing_like,
    account=st.one_of(anything, digits, st.text("0123456789 -", max_size=25)),
    number=st.one_of(anything, digits),
)
def test_check_tenders_are_exact_or_refused(
    tried: Counter[str], amount: Money, routing: str, account: str, number: str
) -> None:
    tried["tender.check"] += 1
    try:
        tender = T.check(amount, routing=routing, account=account, number=number)
    except ValidationError:
        return
    assert rtn.is_valid(tender.check_routing)
    assert re.fullmatch(r"[0-9]{4,17}", tender.check_account)
    assert re.fullmatch(r"[0-9]{1,10}", tender.check_number)


@MANY
@given(amount=money, last4=st.one_of(anything, digits), approval=anything, serial=anything)
def test_card_and_money_order_tenders_are_exact_or_refused(
    tried: Counter[str], amount: Money, last4: str, approval: str, serial: str
) -> None:
    tried["tender.card/money_order"] += 1
    try:
        card = T.card(amount, last4=last4, approval=approval)
    except ValidationError:
        pass
    else:
        assert re.fullmatch(r"[0-9]{4}", card.card_last4)  # never more of a card number
        assert re.fullmatch(r"[A-Z0-9]{2,12}", card.card_approval)
    order = T.money_order(amount, serial=serial)
    assert order.reference == serial.strip()


# -- a whole payment ------------------------------------------------------------------------


def store_state(desk: Cashdesk) -> tuple[int, ...]:
    with desk.ctx.sessions() as s:
        return (
            *tuple(
                int(s.scalar(select(func.count()).select_from(model)) or 0)
                for model in (Receipt, TenderRow, AuditEntry, OutboxRow)
            ),
            int(s.scalar(select(Workstation.last_receipt_seq)) or 0),
        )


line_spec = st.tuples(
    st.sampled_from(["GOLF-R", "DAR-10", "MISC", "FAC-FEE", "ANT", "UTIL", "NOPE"]),
    amount_like,
    st.booleans(),
    anything,
)
tender_spec = st.tuples(
    st.sampled_from(["cash", "check", "card", "money_order"]), amount_like, routing_like, anything
)


@SOME
@given(
    payer=anything, lines=st.lists(line_spec, max_size=4), tenders=st.lists(tender_spec, max_size=3)
)
def test_a_payment_from_hostile_input_posts_whole_or_changes_nothing(
    tried: Counter[str],
    desk: Cashdesk,
    open_drawer: Operator,
    payer: str,
    lines: list[tuple[str, str, bool, str]],
    tenders: list[tuple[str, str, str, str]],
) -> None:
    tried["post_payment (whole payment)"] += 1
    before = store_state(desk)
    catalog = desk.catalog.catalog()
    try:
        draft = ReceiptDraft(payer=payer)
        for code, amount_text, alternate, text in lines:
            amount = Money.parse(amount_text) if code in {"MISC", "FAC-FEE"} else None
            draft.add_line(
                catalog.line(
                    code, amount=amount, alternate=alternate, reference=text, description=text
                )
            )
        for kind, amount_text, routing, text in tenders:
            amount = Money.parse(amount_text)
            if kind == "cash":
                draft.add_tender(T.cash(amount))
            elif kind == "check":
                draft.add_tender(T.check(amount, routing=routing, account=text, number=text))
            elif kind == "card":
                draft.add_tender(T.card(amount, last4=text, approval=text))
            else:
                draft.add_tender(T.money_order(amount, serial=text))
        posted = desk.payments.post_payment(open_drawer, draft)
    except CashdeskError:
        assert store_state(desk) == before
        return
    after = store_state(desk)
    assert after[0] == before[0] + 1 and after[-1] == before[-1] + 1
    assert posted.number == f"W01-{after[-1]:06d}"
    with desk.ctx.sessions() as s:
        report = run_checks(s)
    assert report.ok, report.problems


@pytest.fixture(scope="module")
def demo_catalog(demo_template: Path) -> Catalog:
    from cashdesk.app import open_cashdesk

    desk = open_cashdesk(Config(), demo_template, upgrade=False, single_instance=False)
    try:
        return desk.catalog.catalog()
    finally:
        desk.close()
