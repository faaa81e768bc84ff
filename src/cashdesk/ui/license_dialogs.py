"""Business and animal licenses and TOT returns at the counter.

Each dialog shows the fee as the license service works it out while the cashier types: the
preview is the very application the service would hold (``renew_business_license``,
``apply_for_animal_license``, ``file_tot_return``...), discarded at once, so the screen
shows exactly the lines, penalties, expiry and refusals the sale will get, and no rule is
repeated here. Confirming holds a fresh application and puts its lines on the sale; the
license is issued by the license service's posted-hook when the receipt posts, and the
certificate is offered then (:class:`CertificatesDialog`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.animal_license import renewal_is_open
from cashdesk.domain.calendar import long_date
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.services.licenses import (
    AnimalLicenseInfo,
    BusinessLicenseInfo,
    IssuedLicense,
    LicenseCharge,
)
from cashdesk.ui import theme
from cashdesk.ui.counter_forms import (
    CHECK,
    CHOICE,
    DATE,
    MONEY,
    NUMBER,
    PERIOD,
    TEXT,
    CounterForm,
    Field,
    Preview,
    parse_period,
    us_date,
)
from cashdesk.ui.widgets import (
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    button,
    current_row,
    fit_to_screen,
    key_button,
    label,
    table_view,
)

AddCharge = Callable[[LicenseCharge], None]

CLASSES = (
    ("GR", "GR — gross receipts"),
    ("HB", "HB — home-based"),
    ("CT", "CT — contractor"),
    ("VM", "VM — vending machines"),
    ("NP", "NP — nonprofit (exempt)"),
)
RECEIVED = (("counter", "At the counter"), ("mail", "By mail (postmark)"), ("fax", "By fax"))
TERMS = (("1", "1 year"), ("2", "2 years"), ("3", "3 years"))
SPECIES = (("dog", "Dog"), ("cat", "Cat"))

CLASS_FIELD = Field("class", "&Class", CHOICE, hints=("class",), choices=CLASSES)
GROSS_FIELD = Field("gross", "&Gross receipts", MONEY, hints=("gross receipts",), max_length=18)
MACHINES_FIELD = Field("machines", "&Machines", NUMBER, hints=("machine",), max_length=4)
VIA_FIELD = Field("via", "Recei&ved", CHOICE, hints=("received via",), choices=RECEIVED)
RECEIVED_ON_FIELD = Field(
    "received_on", "Postmark / fa&x date", DATE, hints=("received", "postmark", "fax")
)
TERM_FIELD = Field("term", "&Term", CHOICE, hints=("term", "-year"), choices=TERMS)
ALTERED_FIELD = Field("altered", "Spayed / neutered (a&ltered)", CHECK)
RABIES_FIELD = Field("rabies", "&Rabies vaccination expires", DATE, hints=("rabies",))
BIRTH_FIELD = Field("birth", "Owner's &birth date (senior discount)", DATE, hints=("birth",))
SERVICE_FIELD = Field("service", "&Service animal", CHECK)


def _notes(charge: LicenseCharge) -> list[str]:
    notes = [charge.summary]
    if charge.expires is not None:
        notes.append(f"License expires {long_date(charge.expires)}.")
    notes.extend(charge.notes)
    if not charge.needs_payment:
        notes.append("Nothing to pay: the license is issued without a receipt.")
    return notes


class LicenseForm(CounterForm):
    """A license dialog: ``make_charge`` asks the license service for the application."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        *,
        add_charge: AddCharge,
        parent: QWidget | None,
        title: str,
        heading: str,
        fields: Sequence[Field],
        details: str = "",
        confirm_text: str = "Add to sale",
    ) -> None:
        super().__init__(
            parent,
            title=title,
            heading=heading,
            fields=fields,
            details=details,
            confirm_text=confirm_text,
        )
        self.desk = desk
        self.operator = operator
        self._add_charge = add_charge

    def make_charge(self) -> LicenseCharge:
        raise NotImplementedError

    def received(self) -> tuple[str, dt.date | None]:
        via = self.choice("via")
        return via, (self.date("received_on") if via != "counter" else None)

    def preview(self) -> Preview | None:
        charge = self.make_charge()
        self.desk.licenses.discard(charge.application)  # a preview holds nothing
        return Preview(lines=charge.quote.lines, total=charge.total, notes=_notes(charge))

    def confirm(self) -> None:
        charge = self.make_charge()
        self._add_charge(charge)
        self.accept()

    def start(self) -> None:
        self.refresh()
        self.focus_first()


class BusinessRenewalDialog(LicenseForm):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        info: BusinessLicenseInfo,
        *,
        add_charge: AddCharge,
        parent: QWidget | None = None,
    ) -> None:
        on_file = []
        if info.gross_receipts is not None:
            on_file.append(f"gross receipts on file (last year's) {info.gross_receipts}")
        if info.machines is not None:
            on_file.append(f"{info.machines} machines on file")
        super().__init__(
            desk,
            operator,
            add_charge=add_charge,
            parent=parent,
            title=f"Renew business license {info.license_no}",
            heading=f"Renew {info.license_no} — {info.business_name}",
            details=(
                f"{info.owner} · {info.address}\nClass {info.license_class}, licensed through "
                f"{long_date(info.expires)}" + (f"; {', '.join(on_file)}" if on_file else "")
            ),
            fields=(CLASS_FIELD, GROSS_FIELD, MACHINES_FIELD, VIA_FIELD, RECEIVED_ON_FIELD),
            confirm_text="Add renewal",
        )
        self.info = info
        self.set_choice("class", info.license_class)
        if info.machines is not None:
            self.set_text("machines", str(info.machines))
        self.start()

    def fields_shown(self) -> set[str]:
        shown = {"class", "via"}
        klass = self.choice("class")
        if klass == "GR":
            shown.add("gross")
        if klass == "VM":
            shown.add("machines")
        if self.choice("via") != "counter":
            shown.add("received_on")
        return shown

    def make_charge(self) -> LicenseCharge:
        klass = self.choice("class")
        via, received_on = self.received()
        return self.desk.licenses.renew_business_license(
            self.operator,
            license_no=self.info.license_no,
            license_class=klass,
            gross_receipts=self.decimal("gross") if klass == "GR" else None,
            machines=self.integer("machines") if klass == "VM" else None,
            received_via=via,
            received_on=received_on,
        )


class BusinessApplicationDialog(LicenseForm):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        *,
        add_charge: AddCharge,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            desk,
            operator,
            add_charge=add_charge,
            parent=parent,
            title="New business license (Ctrl+B)",
            heading="New business license",
            fields=(
                Field("name", "Business &name", TEXT, hints=("business name",), max_length=120),
                Field("owner", "&Owner", TEXT, hints=("owner",), max_length=120),
                Field("address", "&Address", TEXT, hints=("address",), max_length=120),
                CLASS_FIELD,
                Field("start", "&Start date", DATE, hints=("start date",)),
                GROSS_FIELD,
                MACHINES_FIELD,
                VIA_FIELD,
                RECEIVED_ON_FIELD,
            ),
            confirm_text="Add application",
        )
        self.set_text("start", us_date(desk.ctx.business_date()))
        self.start()

    def fields_shown(self) -> set[str]:
        shown = {"name", "owner", "address", "class", "start", "via"}
        klass = self.choice("class")
        if klass == "GR":
            shown.add("gross")
        if klass == "VM":
            shown.add("machines")
        if self.choice("via") != "counter":
            shown.add("received_on")
        return shown

    def make_charge(self) -> LicenseCharge:
        klass = self.choice("class")
        via, received_on = self.received()
        start = self.date("start")
        if start is None:
            raise ValidationError("A new business license needs the business start date.")
        return self.desk.licenses.apply_for_business_license(
            self.operator,
            business_name=self.text("name"),
            owner=self.text("owner"),
            address=self.text("address"),
            license_class=klass,
            start_date=start,
            gross_receipts=self.decimal("gross") if klass == "GR" else None,
            machines=self.integer("machines") if klass == "VM" else None,
            received_via=via,
            received_on=received_on,
        )


RENEW, REPLACE_TAG = "renewal", "tag"


class AnimalLicenseDialog(LicenseForm):
    """A license on file: its renewal (term, rabies, senior discount) or a replacement tag."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        info: AnimalLicenseInfo,
        *,
        add_charge: AddCharge,
        parent: QWidget | None = None,
    ) -> None:
        rabies = (
            f"rabies vaccination to {long_date(info.rabies_expires)}"
            if info.rabies_expires
            else "no rabies date on file"
        )
        super().__init__(
            desk,
            operator,
            add_charge=add_charge,
            parent=parent,
            title=f"Animal license {info.license_no}",
            heading=f"{info.license_no} — {info.animal_name} ({info.species}), {info.owner}",
            details=(
                f"{info.address} · tag {info.tag_no} · licensed until "
                f"{long_date(info.expires)} · {rabies}"
            ),
            fields=(
                Field(
                    "action",
                    "&What",
                    CHOICE,
                    choices=((RENEW, "Renewal (new tag)"), (REPLACE_TAG, "Replacement tag")),
                ),
                TERM_FIELD,
                ALTERED_FIELD,
                RABIES_FIELD,
                BIRTH_FIELD,
                SERVICE_FIELD,
            ),
        )
        self.info = info
        self.set_checked("altered", info.altered)
        self.set_checked("service", info.service_animal)
        self.set_text("rabies", us_date(info.rabies_expires))
        self.set_text("birth", us_date(info.owner_birth_date))
        if not renewal_is_open(expires=info.expires, today=desk.ctx.business_date()):
            self.set_choice("action", REPLACE_TAG)  # the service refuses a renewal this early
        self.start()

    def fields_shown(self) -> set[str]:
        if self.choice("action") == REPLACE_TAG:
            return {"action"}
        return {"action", "term", "altered", "rabies", "birth", "service"}

    def make_charge(self) -> LicenseCharge:
        licenses = self.desk.licenses
        if self.choice("action") == REPLACE_TAG:
            return licenses.replace_tag(self.operator, license_no=self.info.license_no)
        return licenses.renew_animal_license(
            self.operator,
            license_no=self.info.license_no,
            term_years=int(self.choice("term")),
            altered=self.checked("altered"),
            rabies_expires=self.date("rabies"),
            owner_birth_date=self.date("birth"),
            service_animal=self.checked("service"),
        )


class AnimalApplicationDialog(LicenseForm):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        *,
        add_charge: AddCharge,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            desk,
            operator,
            add_charge=add_charge,
            parent=parent,
            title="New animal license (Ctrl+D)",
            heading="New dog or cat license",
            fields=(
                Field("owner", "&Owner", TEXT, hints=("owner",), max_length=120),
                Field("address", "&Address", TEXT, hints=("address",), max_length=120),
                Field("name", "Animal's &name", TEXT, hints=("animal's name",), max_length=60),
                Field("species", "S&pecies", CHOICE, hints=("dog or cat",), choices=SPECIES),
                Field(
                    "acquired",
                    "A&cquired / moved in on",
                    DATE,
                    hints=("acquired", "move-in"),
                ),
                TERM_FIELD,
                ALTERED_FIELD,
                RABIES_FIELD,
                BIRTH_FIELD,
                SERVICE_FIELD,
            ),
        )
        self.set_text("acquired", us_date(desk.ctx.business_date()))
        self.start()

    def make_charge(self) -> LicenseCharge:
        acquired = self.date("acquired")
        if acquired is None:
            raise ValidationError("Enter the date the animal was acquired or moved in.")
        return self.desk.licenses.apply_for_animal_license(
            self.operator,
            owner=self.text("owner"),
            address=self.text("address"),
            animal_name=self.text("name"),
            species=self.choice("species"),
            altered=self.checked("altered"),
            acquired_on=acquired,
            term_years=int(self.choice("term")),
            rabies_expires=self.date("rabies"),
            owner_birth_date=self.date("birth"),
            service_animal=self.checked("service"),
        )


class TotReturnDialog(LicenseForm):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        *,
        add_charge: AddCharge,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            desk,
            operator,
            add_charge=add_charge,
            parent=parent,
            title="TOT return (Ctrl+T)",
            heading="Transient occupancy tax return",
            fields=(
                Field(
                    "hotel",
                    "&TOT certificate (operator id)",
                    TEXT,
                    hints=("tot operator", "already paid"),
                    max_length=20,
                ),
                Field("period", "&Month", PERIOD, hints=("month", "period"), placeholder="YYYY-MM"),
                Field("gross", "&Gross rents", MONEY, hints=("gross rents",), max_length=18),
                Field("exempt", "&Exempt rents", MONEY, hints=("exempt",), max_length=18),
                VIA_FIELD,
                RECEIVED_ON_FIELD,
            ),
            confirm_text="Add return",
        )
        self.set_text("exempt", "0.00")
        self.start()

    def fields_shown(self) -> set[str]:
        shown = {"hotel", "period", "gross", "exempt", "via"}
        if self.choice("via") != "counter":
            shown.add("received_on")
        return shown

    def make_charge(self) -> LicenseCharge:
        year, month = parse_period(self.text("period"), field="Month")
        gross = self.decimal("gross")
        if gross is None:
            raise ValidationError("Enter the gross rents of the month.")
        via, received_on = self.received()
        return self.desk.licenses.file_tot_return(
            self.operator,
            tot_operator_id=self.text("hotel"),
            year=year,
            month=month,
            gross_rents=gross,
            exempt_rents=self.decimal("exempt") or Decimal("0"),
            received_via=via,
            received_on=received_on,
        )


class CertificatesDialog(QDialog):
    """After a receipt that issued licenses: each license, its term and tag, and where its
    certificate PDF was saved; Ctrl+O opens the selected one in the PDF viewer."""

    def __init__(
        self,
        issued: Sequence[IssuedLicense],
        *,
        opener: Callable[[Path], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Licenses issued")
        self.setAccessibleName("Licenses issued")
        self.issued = list(issued)
        self._open = opener or _open_pdf
        self.model = RowsModel(
            (
                Column("License"),
                Column("Holder", stretch=True),
                Column("Term"),
                Column("Tag"),
                Column("Paid", right=True),
            )
        )
        self.model.set_rows(
            [
                (
                    i.license_no,
                    i.holder,
                    f"{i.term_start:%m/%d/%Y} – {i.term_end:%m/%d/%Y}",
                    i.tag_no,
                    str(i.total),
                )
                for i in self.issued
            ]
        )
        self.table = table_view(self.model, "Licenses issued")
        self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.selectionModel().currentRowChanged.connect(self._show_path)
        self.where = label(role="hint")
        self.where.setAccessibleName("Certificate saved at")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = MessageLabel("Certificate problem")
        self.open_action = add_action(
            self,
            "Open certificate",
            ["Ctrl+O"],
            self.open_certificate,
            context=Qt.ShortcutContext.WindowShortcut,
        )
        self.open_button = key_button(self.open_action, "Open certificate")
        self.close_button = button("Close   Enter", "Close", primary=True)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)

        title = label(
            "License issued — hand over the certificate"
            if len(self.issued) == 1
            else f"{len(self.issued)} licenses issued — hand over the certificates"
        )
        title.setFont(theme.font(theme.TOTALS_PT, bold=True))
        # The tag handed over with an animal license, large: the cashier picks it from the
        # stock by this number (a table cell was too easy to miss).
        tags = [f"{i.license_no}: tag {i.tag_no}" for i in self.issued if i.tag_no]
        self.tags = label("\n".join(tags))
        self.tags.setAccessibleName("Tag to hand over")
        self.tags.setFont(theme.font(theme.CHANGE_PT, bold=True))
        self.tags.setVisible(bool(tags))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tags)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.where)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit_to_screen(self, 1000, 420)
        self._show_path()
        self.close_button.setFocus()

    def current(self) -> IssuedLicense | None:
        row = current_row(self.table)
        return self.issued[row] if row is not None and row < len(self.issued) else None

    def _show_path(self) -> None:
        issued = self.current()
        if issued is None:
            self.where.clear()
            return
        if issued.certificate_path is None:
            self.where.setText(f"The certificate of {issued.license_no} was not saved to a file.")
        else:
            self.where.setText(f"Certificate saved: {issued.certificate_path}")
        self.open_action.setEnabled(issued.certificate_path is not None)

    def open_certificate(self) -> None:
        issued = self.current()
        if issued is None or issued.certificate_path is None:
            return
        try:
            self._open(issued.certificate_path)
        except OSError as err:
            self.error.show_message(f"The PDF viewer did not open: {err}.")


def _open_pdf(path: Path) -> None:
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        raise OSError(f"no viewer for {path.name}; the file is at {path}")
