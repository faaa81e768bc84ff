"""The composition root: read the config, open the store, wire services and devices."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cashdesk.clock import Clock, SystemClock
from cashdesk.config import Config, default_db_path
from cashdesk.devices.base import Devices
from cashdesk.devices.factory import build_devices
from cashdesk.domain.catalog import PLAIN_CODES
from cashdesk.domain.programs import CODES as PROGRAM_CODES
from cashdesk.domain.roles import Role
from cashdesk.events import EventBus
from cashdesk.outputs import protect_file, protect_store
from cashdesk.resources import city_dir
from cashdesk.services.approvals import ApprovalService
from cashdesk.services.audit import AuditService
from cashdesk.services.auth import AuthService
from cashdesk.services.balancing import BalancingService
from cashdesk.services.batches import BatchRows, BatchService
from cashdesk.services.catalog import CatalogService
from cashdesk.services.context import ServiceContext
from cashdesk.services.day_close import DayCloseService
from cashdesk.services.day_reports import DayReportService
from cashdesk.services.devices import DeviceService
from cashdesk.services.drawers import DrawerService
from cashdesk.services.housing import HousingService
from cashdesk.services.licenses import LicenseService
from cashdesk.services.licenses.animal import AnimalLicenseParticipant
from cashdesk.services.licenses.business import BusinessLicenseParticipant
from cashdesk.services.licenses.tot import TotReturnParticipant
from cashdesk.services.lookup import LookupService
from cashdesk.services.payments import PaymentService
from cashdesk.services.petty_cash import PettyCashService
from cashdesk.services.posting import CardNumberGuard, NoRecord, Pipeline
from cashdesk.services.programs import ProgramService
from cashdesk.services.records import Citations, RecordsService, ReturnedChecks, UtilityBills
from cashdesk.services.session import TerminalSession
from cashdesk.services.sync import SyncService
from cashdesk.services.training import TrainingService
from cashdesk.services.users import UserService
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


@dataclass(slots=True)
class Cashdesk:
    """Everything a front end (the Qt window or the CLI) talks to."""

    ctx: ServiceContext
    engine: Engine
    # What the app found at start (an unclean shutdown and the integrity check it caused);
    # the UI shows ``startup.message`` when it is not empty.
    startup: StartupReport
    instance_lock: InstanceLock | None  # None for a read-only or test desk opened unlocked
    auth: AuthService
    catalog: CatalogService
    drawers: DrawerService
    payments: PaymentService
    licenses: LicenseService
    programs: ProgramService
    devices: DeviceService
    records: RecordsService
    lookup: LookupService
    batches: BatchService
    day_reports: DayReportService
    balancing: BalancingService
    day_close: DayCloseService
    users: UserService
    approvals: ApprovalService
    audit: AuditService
    terminal: TerminalSession
    training: TrainingService
    sync: SyncService
    petty_cash: PettyCashService
    housing: HousingService
    # What the start did to the schema (from/to revision, the backup taken); None: current.
    upgrade: UpgradeReport | None = None

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
    catalog = CatalogService(ctx)
    keep_index_current()  # licenses issued here are found by the next search
    auth, sync = AuthService(ctx, hasher), SyncService(ctx)
    auth.unsent_check = sync.unsent_warning
    drawers = DrawerService(ctx)
    payments = PaymentService(ctx, catalog)
    training = TrainingService(ctx, payments)
    payments.training_poster = training.post
    licenses = LicenseService(ctx, payments, documents_dir=path.parent / "documents")
    records = RecordsService(ctx)
    batches = BatchService(
        ctx, catalog=catalog, drawers=drawers, payments=payments, records=records
    )
    register_participants(payments.pipeline, licenses)
    day_reports = DayReportService(ctx)
    audit = AuditService(ctx)
    if upgrade:
        audit.record_config(config)
    # A revenue code nobody records would take money for nothing: refused at start.
    payments.pipeline.require_owners(code.code for code in catalog.catalog())
    return Cashdesk(
        ctx=ctx,
        engine=engine,
        startup=StartupReport(unclean_shutdown=unclean, integrity=integrity),
        instance_lock=lock,
        auth=auth,
        catalog=catalog,
        drawers=drawers,
        payments=payments,
        licenses=licenses,
        programs=ProgramService(ctx),
        devices=DeviceService(ctx),
        records=records,
        lookup=LookupService(ctx),
        batches=batches,
        day_reports=day_reports,
        balancing=BalancingService(ctx),
        day_close=DayCloseService(ctx, day_reports),
        users=UserService(ctx, auth),
        approvals=ApprovalService(ctx, auth),
        audit=audit,
        terminal=TerminalSession(ctx, auth),
        training=training,
        sync=sync,
        petty_cash=PettyCashService(ctx),
        housing=HousingService(ctx),
        upgrade=upgraded,
    )


def register_participants(pipeline: Pipeline, licenses: LicenseService) -> None:
    """Every kind of record a receipt touches, each owning its revenue codes (see
    services/posting.py). Codes that keep no record are the plain catalog's."""
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
