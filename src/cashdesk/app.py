"""The composition root: read the config, open the store, wire services and devices."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cashdesk.clock import Clock, SystemClock
from cashdesk.config import Config, default_db_path
from cashdesk.devices.base import Devices
from cashdesk.devices.factory import build_devices
from cashdesk.domain.roles import Role
from cashdesk.events import EventBus
from cashdesk.outputs import protect_file, protect_store
from cashdesk.resources import city_dir
from cashdesk.services.context import ServiceContext
from cashdesk.store.backup import UpgradeReport, upgrade_with_backup
from cashdesk.store.engine import (
    StoreError,
    make_engine,
    make_session_factory,
    store_errors,
    transaction,
)
from cashdesk.store.integrity import StartupReport, run_checks, save_marks, stored_marks
from cashdesk.store.lock import InstanceLock
from cashdesk.store.models import User, Workstation
from cashdesk.store.records_search import keep_index_current
from cashdesk.store.reference import load_chart_and_codes, load_city_records

if TYPE_CHECKING:  # each service is imported when the desk first uses it (Cashdesk below)
    from cashdesk.services.approvals import ApprovalService
    from cashdesk.services.audit import AuditService
    from cashdesk.services.auth import AuthService
    from cashdesk.services.balancing import BalancingService
    from cashdesk.services.batches import BatchService
    from cashdesk.services.catalog import CatalogService
    from cashdesk.services.day_close import DayCloseService
    from cashdesk.services.day_reports import DayReportService
    from cashdesk.services.devices import DeviceService
    from cashdesk.services.drawers import DrawerService
    from cashdesk.services.housing import HousingService
    from cashdesk.services.licenses import LicenseService
    from cashdesk.services.lookup import LookupService
    from cashdesk.services.payments import PaymentService
    from cashdesk.services.petty_cash import PettyCashService
    from cashdesk.services.posting import Pipeline
    from cashdesk.services.programs import ProgramService
    from cashdesk.services.records import RecordsService
    from cashdesk.services.session import TerminalSession
    from cashdesk.services.sync import SyncService
    from cashdesk.services.training import TrainingService
    from cashdesk.services.users import UserService

log = logging.getLogger(__name__)

# The demo counter's people. Every password is "riverbend1" (10 characters, the minimum).
DEMO_PASSWORD = "riverbend1"
DEMO_USERS = (
    ("maria", "Maria Hernández", Role.CASHIER, "1111"),
    ("jose", "José Núñez", Role.CASHIER, "2222"),
    ("lead", "Zoë Müller", Role.LEAD, "3333"),
    ("admin", "Priya Singh", Role.ADMIN, "4444"),
    ("auditor", "Ana Thomas", Role.AUDITOR, "5555"),
    ("omar", "Omar Haddad", Role.PROGRAM_STAFF, "6666"),
)
# The demo counter's box of animal tags (prefix, first, last), so Ctrl+D can issue a license;
# clear of the tags the city's records already use (T25000…).
DEMO_TAG_STOCK = ("T", 60000, 60999)


class Cashdesk:
    """Everything a front end (the Qt window or the CLI) talks to.

    Each service is built (and its module imported) the first time it is used, so a command
    that looks something up does not pay for posting, licenses, reports or sync."""

    def __init__(
        self,
        *,
        ctx: ServiceContext,
        engine: Engine,
        startup: StartupReport,
        instance_lock: InstanceLock | None,
        hasher: PasswordHasher | None = None,
        documents_dir: Path,
        upgrade: UpgradeReport | None = None,
    ) -> None:
        self.ctx = ctx
        self.engine = engine
        # What the app found at start (an unclean shutdown and the integrity check it caused);
        # the UI shows ``startup.message`` when it is not empty.
        self.startup = startup
        self.instance_lock = instance_lock  # None for a read-only or test desk opened unlocked
        # What the start did to the schema (from/to revision, the backup taken); None: current.
        self.upgrade = upgrade
        self._hasher = hasher
        self._documents_dir = documents_dir

    @cached_property
    def catalog(self) -> CatalogService:
        from cashdesk.services.catalog import CatalogService

        return CatalogService(self.ctx)

    @cached_property
    def auth(self) -> AuthService:
        from cashdesk.services.auth import AuthService

        auth = AuthService(self.ctx, self._hasher)
        auth.unsent_check = lambda: self.sync.unsent_warning()
        return auth

    @cached_property
    def sync(self) -> SyncService:
        from cashdesk.services.sync import SyncService

        return SyncService(self.ctx)

    @cached_property
    def drawers(self) -> DrawerService:
        from cashdesk.services.drawers import DrawerService

        return DrawerService(self.ctx)

    @cached_property
    def payments(self) -> PaymentService:
        """Posting, with everything it posts for: training receipts and every participant
        (licenses among them); a revenue code nobody records is refused here."""
        from cashdesk.services.licenses import LicenseService
        from cashdesk.services.payments import PaymentService
        from cashdesk.services.training import TrainingService

        payments = PaymentService(self.ctx, self.catalog)
        self.training = TrainingService(self.ctx, payments)
        payments.training_poster = self.training.post
        self.licenses = LicenseService(self.ctx, payments, documents_dir=self._documents_dir)
        register_participants(payments.pipeline, self.licenses)
        payments.pipeline.require_owners(code.code for code in self.catalog.catalog())
        return payments

    @cached_property
    def licenses(self) -> LicenseService:
        self.payments  # noqa: B018 - builds the licenses with the posting they take part in
        return self.__dict__["licenses"]  # type: ignore[no-any-return]

    @cached_property
    def training(self) -> TrainingService:
        self.payments  # noqa: B018 - built together
        return self.__dict__["training"]  # type: ignore[no-any-return]

    @cached_property
    def programs(self) -> ProgramService:
        from cashdesk.services.programs import ProgramService

        return ProgramService(self.ctx)

    @cached_property
    def devices(self) -> DeviceService:
        from cashdesk.services.devices import DeviceService

        return DeviceService(self.ctx)

    @cached_property
    def records(self) -> RecordsService:
        from cashdesk.services.records import RecordsService

        return RecordsService(self.ctx)

    @cached_property
    def lookup(self) -> LookupService:
        from cashdesk.services.lookup import LookupService

        return LookupService(self.ctx)

    @cached_property
    def batches(self) -> BatchService:
        from cashdesk.services.batches import BatchService

        return BatchService(
            self.ctx,
            catalog=self.catalog,
            drawers=self.drawers,
            payments=self.payments,
            records=self.records,
        )

    @cached_property
    def day_reports(self) -> DayReportService:
        from cashdesk.services.day_reports import DayReportService

        return DayReportService(self.ctx)

    @cached_property
    def balancing(self) -> BalancingService:
        from cashdesk.services.balancing import BalancingService

        return BalancingService(self.ctx)

    @cached_property
    def day_close(self) -> DayCloseService:
        from cashdesk.services.day_close import DayCloseService

        return DayCloseService(self.ctx, self.day_reports)

    @cached_property
    def users(self) -> UserService:
        from cashdesk.services.users import UserService

        return UserService(self.ctx, self.auth)

    @cached_property
    def approvals(self) -> ApprovalService:
        from cashdesk.services.approvals import ApprovalService

        return ApprovalService(self.ctx, self.auth)

    @cached_property
    def audit(self) -> AuditService:
        from cashdesk.services.audit import AuditService

        return AuditService(self.ctx)

    @cached_property
    def terminal(self) -> TerminalSession:
        from cashdesk.services.session import TerminalSession

        return TerminalSession(self.ctx, self.auth)

    @cached_property
    def petty_cash(self) -> PettyCashService:
        from cashdesk.services.petty_cash import PettyCashService

        return PettyCashService(self.ctx)

    @cached_property
    def housing(self) -> HousingService:
        from cashdesk.services.housing import HousingService

        return HousingService(self.ctx)

    def close(self) -> None:
        """A clean close: the store is checkpointed, then the running marker and the
        single-instance lock go (a crash leaves the marker, so the next start checks)."""
        self.ctx.devices.close()
        self.engine.dispose()
        if self.instance_lock is not None:
            self.instance_lock.release(clean=True)


def open_cashdesk(
    config: Config,
    db_path: Path | None = None,
    *,
    devices: Devices | None = None,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    upgrade: bool = True,
    single_instance: bool = True,
) -> Cashdesk:
    """Open the workstation. With ``single_instance`` (the app, and every command that
    writes) it first takes the store's lock, refusing a second cashdesk with AlreadyRunning;
    after an unclean shutdown it runs the integrity checks (``Cashdesk.startup``)."""
    path = db_path or config.db_path or default_db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(
            f"The folder for the database, {path.parent}, cannot be created ({err.strerror}). "
            "Set [store] path in the workstation config to a folder cashdesk may write to.",
            reason="cannot_open",
        ) from err
    protect_store(path)  # no export may be written over it (cashdesk.outputs)
    protect_file(config.source)
    lock = InstanceLock(path) if single_instance else None
    unclean = lock.acquire() if lock is not None else False
    engine = make_engine(path)
    try:
        with store_errors(path, outcome="cashdesk cannot start"):
            # Backed up first when the store is behind; a failed migration restores it.
            upgraded = upgrade_with_backup(engine, path) if upgrade else None
            integrity = None
            if unclean:
                # What changed since the last clean check (all of it when there was none):
                # a store with years of history reopens in about a second.
                with Session(engine.execution_options(cashdesk_read_only=True)) as s:
                    integrity = run_checks(s, since=stored_marks(s))
                save_marks(engine, integrity)
                if not integrity.ok:
                    log.error("integrity check after an unclean shutdown: %s", integrity.problems)
        if lock is not None:
            lock.mark_running()
    except BaseException:
        engine.dispose()
        if lock is not None:
            lock.release(clean=False)
        raise
    factory = make_session_factory(engine)
    ctx = ServiceContext(
        sessions=factory,
        config=config,
        clock=clock or SystemClock(),
        devices=devices or build_devices(config.devices),
        events=EventBus(),
        read_sessions=make_session_factory(engine.execution_options(cashdesk_read_only=True)),
    )
    keep_index_current()  # licenses issued here are found by the next search
    desk = Cashdesk(
        ctx=ctx,
        engine=engine,
        startup=StartupReport(unclean_shutdown=unclean, integrity=integrity),
        instance_lock=lock,
        hasher=hasher,
        documents_dir=path.parent / "documents",
        upgrade=upgraded,
    )
    if upgrade:
        # The app and every command that writes: the configuration is recorded, and a
        # revenue code nobody records (it would take money for nothing) is refused at start.
        desk.audit.record_config(config)
        desk.payments  # noqa: B018
    return desk


def register_participants(pipeline: Pipeline, licenses: LicenseService) -> None:
    """Every kind of record a receipt touches, each owning its revenue codes (see
    services/posting.py). Codes that keep no record are the plain catalog's."""
    from cashdesk.domain.catalog import PLAIN_CODES
    from cashdesk.domain.programs import CODES as PROGRAM_CODES
    from cashdesk.services.batches import BatchRows
    from cashdesk.services.licenses.animal import AnimalLicenseParticipant
    from cashdesk.services.licenses.business import BusinessLicenseParticipant
    from cashdesk.services.licenses.tot import TotReturnParticipant
    from cashdesk.services.posting import CardNumberGuard, NoRecord
    from cashdesk.services.records import Citations, ReturnedChecks, UtilityBills

    pipeline.register(CardNumberGuard())
    pipeline.register(UtilityBills())
    pipeline.register(Citations())
    pipeline.register(ReturnedChecks())
    pipeline.register(BusinessLicenseParticipant(licenses))
    pipeline.register(AnimalLicenseParticipant(licenses))
    pipeline.register(TotReturnParticipant(licenses))
    pipeline.register(NoRecord("programs", PROGRAM_CODES))
    pipeline.register(NoRecord("catalog", PLAIN_CODES))
    pipeline.register(BatchRows())


def initialise(desk: Cashdesk, *, demo: bool) -> list[str]:
    """Set the store up for this workstation: reference data, and with ``demo`` the demo
    users. Safe to run again: it adds what is missing and changes nothing else."""
    report: list[str] = []
    ctx = desk.ctx
    with transaction(ctx.sessions) as s:
        if s.get(Workstation, ctx.workstation_id) is None:
            s.add(Workstation(id=ctx.workstation_id, name=ctx.config.workstation_name))
            report.append(f"workstation {ctx.workstation_id} created")
        accounts, codes = load_chart_and_codes(s, city_dir())
        report.append(f"{accounts} GL accounts and {codes} revenue codes loaded")
        ctx.audit(s, action="store_initialised", actor_id=None, demo=demo)
    desk.catalog.refresh()
    desk.payments.pipeline.require_owners(code.code for code in desk.catalog.catalog())
    if demo:
        with transaction(ctx.sessions) as s:
            for table, rows in load_city_records(s, city_dir()).items():
                report.append(f"{rows} {table.replace('_', ' ')} loaded")
        with ctx.sessions() as s:
            existing = set(s.scalars(select(User.username)))
        for username, name, role, pin in DEMO_USERS:
            if username not in existing:
                desk.auth.create_user(
                    username=username,
                    full_name=name,
                    role=role,
                    password=DEMO_PASSWORD,
                    pin=pin,
                    demo=True,
                )
                report.append(f"demo user {username} ({role.label}) created")
    return report


def load_demo_tag_stock(desk: Cashdesk) -> list[str]:
    """A demo store's animal tag stock, loaded by its administrator when it has none (the
    demo window and ``cashdesk init --demo`` call this; the tests' demo stores start
    without, as a new counter does)."""
    if desk.licenses.tag_stock():
        return []
    prefix, first, last = DEMO_TAG_STOCK
    admin = desk.auth.sign_in("admin", DEMO_PASSWORD)
    try:
        loaded = desk.licenses.load_tag_stock(admin, prefix=prefix, first_no=first, last_no=last)
    finally:
        desk.auth.sign_out(admin)
    return [f"demo tag stock {loaded.label()} loaded ({loaded.remaining} tags)"]
