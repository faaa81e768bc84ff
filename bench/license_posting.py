"""What does issuing a license add to posting its receipt?

In one run on one store: posts N plain receipts (a golf card, cash), then N receipts that each
renew a business license (allocating nothing) and N that each issue a new dog license (a new
license number and a tag from the stock, certificate rendered after commit), through
LicenseService.pay. Prints medians, p99 and the ratios against the plain receipts.

    .venv/bin/python bench/license_posting.py [--receipts 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from cashdesk.app import initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.services.auth import make_hasher
from cashdesk.store.reference_models import BusinessLicenseRow


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(n: int, step: Callable[[int], None]) -> list[float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        step(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=300)
    n = parser.parse_args().receipts
    with tempfile.TemporaryDirectory() as tmp:
        desk = open_cashdesk(Config(), Path(tmp) / "bench.db", hasher=make_hasher(fast=True))
        initialise(desk, demo=True)
        cashier = desk.auth.sign_in("maria", "riverbend1")
        lead = desk.auth.sign_in("lead", "riverbend1")
        desk.drawers.open_drawer(cashier)
        desk.licenses.load_tag_stock(lead, prefix="B", first_no=1, last_no=n)
        with desk.ctx.sessions() as s:
            renewable = list(
                s.scalars(
                    select(BusinessLicenseRow.license_no)
                    .where(BusinessLicenseRow.license_class == "HB")
                    .limit(n)
                )
            )
        catalog = desk.catalog.catalog()

        def plain(_i: int) -> None:
            draft = ReceiptDraft(payer="Golfer")
            draft.add_line(catalog.line("GOLF-R"))
            draft.add_tender(T.cash(draft.total))
            desk.payments.post_payment(cashier, draft)

        def renewal(i: int) -> None:
            charge = desk.licenses.renew_business_license(
                cashier, license_no=renewable[i % len(renewable)]
            )
            draft = ReceiptDraft(payer="Business")
            charge.add_to(draft)
            draft.add_tender(T.cash(draft.total))
            desk.licenses.pay(cashier, draft)

        def dog(i: int) -> None:
            charge = desk.licenses.apply_for_animal_license(
                cashier,
                owner="Owner",
                address="1 Main St",
                animal_name=f"Dog {i}",
                species="dog",
                altered=True,
                acquired_on=desk.ctx.business_date() - dt.timedelta(days=3),
                rabies_expires=dt.date(2035, 1, 1),
            )
            draft = ReceiptDraft(payer="Owner")
            charge.add_to(draft)
            draft.add_tender(T.cash(draft.total))
            desk.licenses.pay(cashier, draft)

        plain_ms = timed(n, plain)
        renewal_ms = timed(min(n, len(renewable)), renewal)
        dog_ms = timed(n, dog)
        base = statistics.median(plain_ms)
        for label, samples in (
            ("plain receipt", plain_ms),
            ("business renewal + cert", renewal_ms),
            ("new dog license + cert", dog_ms),
        ):
            median = statistics.median(samples)
            print(
                f"{label:<26} median {median:6.2f} ms, p99 {percentile(samples, 0.99):6.2f} ms,"
                f" {median / base:4.2f}x plain"
            )
        desk.close()


if __name__ == "__main__":
    main()
