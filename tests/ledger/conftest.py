"""Central ledger fixtures: one initialised template database per session on the real
PostgreSQL server (`pg_url`), and a fresh copy of it (CREATE DATABASE … TEMPLATE) per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from ledger_helpers import WS_LOGIN, WS_PASSWORD, admin, with_database

from cashdesk.app import Cashdesk
from cashdesk.ledger.central import init_central, setup_roles
from cashdesk.resources import city_dir

TEMPLATE = "central_template"


@pytest.fixture(scope="session")
def central_template(pg_url: str) -> str:
    """The central schema, reference data and roles, built once; tests copy it."""
    with admin(pg_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        conn.execute(f"CREATE DATABASE {TEMPLATE}")
    url = with_database(pg_url, TEMPLATE)
    init_central(url, city_dir(), login=WS_LOGIN, password=WS_PASSWORD, workstation="W01")
    return url


@pytest.fixture
def central(pg_url: str, central_template: str) -> Iterator[str]:
    """A fresh central ledger database (owner's URL), dropped after the test."""
    name = f"central_{uuid.uuid4().hex[:12]}"
    with admin(pg_url) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    url = with_database(pg_url, name)
    with psycopg.connect(url) as conn:
        setup_roles(conn)  # CONNECT on the new database (database grants are not copied)
    yield url
    with admin(pg_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def ws_url(central: str) -> str:
    """The same database as the workstation login (least privilege) sees it."""
    return with_database(central, urlsplit(central).path.lstrip("/"), user=WS_LOGIN)


@pytest.fixture
def synced_desk(desk: Cashdesk, ws_url: str) -> Cashdesk:
    """The demo workstation pointed at the fresh central ledger, as its workstation login."""
    desk.sync.url = ws_url
    return desk
