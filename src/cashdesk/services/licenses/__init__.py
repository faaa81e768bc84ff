"""Issuing licenses and taking returns at the counter (RULES.md sections 1, 2 and 5).

How a license rides with its payment
------------------------------------
A cashier starts an *application* (a new business license, a renewal, a dog license, a
replacement tag, a TOT return). The service works out the fees with the domain rules and hands
back a :class:`LicenseCharge`: the charge lines for the receipt draft, each carrying the
application's id (``APP-…``) as its reference. The application itself is held here until the
receipt is posted. PaymentService runs :meth:`LicenseService.on_posted` inside the posting
transaction: for every application on the receipt it checks the lines are still exactly the
ones worked out (and still right on the posting's business date), then issues or renews the
license, takes the license number and the tag from their counters, records the TOT return,
and replaces the application id on the receipt lines by the license (or tag) number. All of it
commits or rolls back with the receipt, so a failed payment never consumes a tag, a license
number or a return period. :meth:`LicenseService.pay` posts a draft and returns the licenses
issued with their certificate PDFs; a screen that posts through PaymentService itself gets
the same through :meth:`LicenseService.issued_on_receipt`.

Choices where the rules leave room (RULES.md says to choose and document):

- Mail and fax: a renewal or application received by mail is charged as if paid on its
  postmark date, one received by fax on the date the fax came in (``received_on``); California
  practice treats a tax payment as made when it is mailed, and the city has no reason to
  charge a penalty for days the mail took. The date may not be after today's business date.
  TOT returns take the same ``received_on``.
- Receipt lines cannot be $0.00, so $0.00 quote lines (an NP license's tax, a service animal's
  license) are shown in the quote but not put on the receipt. An application that owes nothing
  at all (a service animal, a TOT return with no taxable rents and on time) is issued without a
  receipt by :meth:`LicenseService.issue_without_payment`.
- License numbers are allocated per workstation ("BL-W01-00001", "AL-W01-00001"), gapless
  inside the posting transaction. Each workstation keeps its own store, so a plain running
  number ("BL-20001") would collide between two counters; the workstation id in the number
  cannot.
- A business license is renewed one license year at a time: the year after the year it is
  licensed through (a lapsed business renews each missed year in turn). Renewal takes the
  class on file unless another is given, the machines on file for VM, and always the gross
  receipts the business declares for GR (the file's figure is last year's).
- A new business's license year is its start year, or the current year for a business that
  started in an earlier year (it then pays the full year and the penalty from its start date).
  Its term on the certificate runs from its start date (or January 1) to December 31.
- An animal license renewed before its expiry starts the day after the old one ends (no days
  are lost and the late fee cannot apply); renewed after it, it starts on the day it is paid.
  Renewals open 90 days before the expiry, so a mistyped license number cannot silently
  replace a license that has years to run.
- A replacement tag is only sold for a license that is still current.
- TOT returns are keyed by the hotel operator's TOT certificate id and the month; a second
  payment of the same month is refused with the receipt that paid it.
"""

from cashdesk.domain.inputs import RECEIVED_VIA
from cashdesk.services.licenses.common import (
    ANIMAL_RENEWAL_OPENS_DAYS,
    APPLICATION_PREFIX,
    EMPTY_TAG_STOCK,
    LICENSE_CODES,
    MAX_TAG_RANGE,
    AnimalLicenseInfo,
    BusinessLicenseInfo,
    FiledReturn,
    IssuedLicense,
    LicenseCharge,
    LicensePayment,
    TagRange,
)
from cashdesk.services.licenses.service import LicenseService

__all__ = [
    "ANIMAL_RENEWAL_OPENS_DAYS",
    "APPLICATION_PREFIX",
    "EMPTY_TAG_STOCK",
    "LICENSE_CODES",
    "MAX_TAG_RANGE",
    "RECEIVED_VIA",
    "AnimalLicenseInfo",
    "BusinessLicenseInfo",
    "FiledReturn",
    "IssuedLicense",
    "LicenseCharge",
    "LicensePayment",
    "LicenseService",
    "TagRange",
]
