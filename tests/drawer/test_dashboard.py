"""The lead's dashboard (BalancingService.dashboard): every drawer of the day at this
workstation, its cashier and state, cash on hand against the pickup limit, over/short and
the sign-offs waiting."""

from __future__ import annotations

import dataclasses

import pytest
from drawer_helpers import DAY, Pay, bank, counted, m

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender as T
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied


def test_open_and_counted_drawers_with_cash_on_hand_and_waiting_sign_off(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock
) -> None:
    maria, jose, lead = people["maria"], people["jose"], people["lead"]
    desk.drawers.open_drawer(maria, count=bank(), drawer="1")
    desk.drawers.open_drawer(jose, count=bank(), drawer="2")
    pay(maria, "MISC", "1900.00", T.cash(m("1900")))
    pay(jose, "MISC", "50.00", T.cash(m("60")), drawer="2")
    clock.advance(hours=1)
    short = desk.balancing.submit_count(jose, counted(m("240.00")), "2")  # $10.00 short
    assert short.needs_signoff

    board = desk.balancing.dashboard(lead)
    assert board.business_date == DAY and board.pickup_limit == m("2000.00")
    assert not board.this_workstation_only  # no central ledger in the tests' config
    one, two = board.drawers
    assert (one.drawer, one.cashier, one.state) == ("1", "Maria Hernández", "open")
    assert one.cash_on_hand == m("2100.00") and one.over_pickup_limit
    assert one.over_short is None and not one.waiting_signoff
    assert (two.drawer, two.state) == ("2", "counted")
    assert two.cash_on_hand is None  # counted: its figures are the count's
    assert two.over_short == -m("10.00") and two.waiting_signoff

    desk.balancing.approve(lead, short.session_id, reason="Short $10.00, reviewed")
    two = desk.balancing.dashboard(lead).drawers[1]
    assert two.state == "approved" and not two.waiting_signoff
    assert two.over_short == -m("10.00")


def test_a_leads_own_open_drawer_stays_blind(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    lead, sam = people["lead"], people["sam"]
    desk.drawers.open_drawer(lead, count=bank(), drawer="1")
    pay(lead, "MISC", "20.00", T.cash(m("20")))
    mine = desk.balancing.dashboard(lead).drawers[0]
    assert mine.cash_on_hand is None and not mine.over_pickup_limit
    assert desk.balancing.dashboard(sam).drawers[0].cash_on_hand == m("220.00")


def test_only_a_lead_or_an_administrator_may_watch_the_drawers(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    with pytest.raises(PermissionDenied):
        desk.balancing.dashboard(people["maria"])
    admin = desk.auth.sign_in("admin", "riverbend1")
    assert desk.balancing.dashboard(admin).drawers == ()


def test_with_a_central_ledger_it_says_it_shows_this_workstation_only(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    central = dataclasses.replace(desk.ctx.config, ledger_url="postgresql://x@ledger/riverbend")
    desk.ctx.config = central
    assert desk.balancing.dashboard(people["lead"]).this_workstation_only
