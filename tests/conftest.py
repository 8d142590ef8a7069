"""Every test gets its own data folder and database; NiceGUI's app is restored after each test.

`ORDERLY_TEST_DATABASE=postgres` runs the suite against a throwaway PostgreSQL server: each test gets a fresh
database copied from a template that has the schema (built once per run), and the app, subprocesses and the `db`
fixture all use its URL (`ORDERLY_DATABASE_URL`).
"""

import asyncio
import os
import secrets
import threading
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from nicegui import app
from tortoise import Tortoise

from domain.catalogue import default_shop
from domain.events import hub
from domain.models import Shop
from domain.seed import ensure_demo_shop
from integrations.database import open_database
from tests.postgres_server import PostgresServer

ADMIN_EMAIL = 'owner@demo-shop.example'
ADMIN_PASSWORD = 'correct horse battery staple'

ON_POSTGRES = os.environ.get('ORDERLY_TEST_DATABASE', 'sqlite') == 'postgres'
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason='tests a SQLite-only feature')
SCHEMA_TEMPLATE = 'orderly_schema'
T = TypeVar('T')
pytest_plugins = ('tests.system_requirements',)  # skip (or fail, in CI) where Debian's programs are missing


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, tests that start their own PostgreSQL databases (concurrency, two instances,
    migrations, the event bridge) are skipped: they ran, on PostgreSQL, in the SQLite pass already."""
    if ON_POSTGRES:
        ran = pytest.mark.skip(reason='uses PostgreSQL itself: ran in the SQLite pass already')
        for item in items:
            if 'postgres_server' in getattr(item, 'fixturenames', ()):
                item.add_marker(ran)


@pytest.fixture(scope='session')
def postgres_server():
    """One real PostgreSQL server for the whole run (Debian's `postgresql` package); tests take fresh databases."""
    server = PostgresServer().start()
    yield server
    server.stop()


class DatabaseCopies:
    """Fresh copies of a template database with the schema, made ahead (a copy takes ~0.1 s, building the schema
    seconds) by a thread with its own event loop and connection, while the tests run."""

    def __init__(self, server: PostgresServer, template: str, ahead: int = 2) -> None:
        self.server, self.template = server, template
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name='test databases', daemon=True)
        self.thread.start()
        self._run(self._build_template())
        self.connection = self._run(asyncpg.connect(server.url()))
        self.lock = asyncio.Lock()
        self.ready = deque(self._copy() for _ in range(ahead))

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(120)

    async def _build_template(self) -> None:
        try:  # in this thread, so that Tortoise's context stays out of the tests' loop
            await open_database(self.server.url(self.template))
        finally:
            await Tortoise.close_connections()

    def _copy(self) -> Future:
        async def copy() -> str:
            name = f'test_{secrets.token_hex(6)}'
            async with self.lock:  # one statement at a time on the connection
                await self.connection.execute(f'CREATE DATABASE {name} TEMPLATE {self.template}')
            return self.server.url(name)
        return asyncio.run_coroutine_threadsafe(copy(), self.loop)

    def next_url(self) -> str:
        self.ready.append(self._copy())
        return self.ready.popleft().result(120)

    def close(self) -> None:
        for future in self.ready:
            future.result(120)
        self._run(self.connection.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope='session')
def new_database_url(request) -> Iterator[Callable[[Path], str]]:
    """A function giving a URL of a fresh, empty database with the schema: a SQLite file in `folder`, or a
    PostgreSQL database copied from a template."""
    if not ON_POSTGRES:
        yield lambda folder: f'sqlite://{folder}/orderly.sqlite3'
        return
    server: PostgresServer = request.getfixturevalue('postgres_server')
    server.database(SCHEMA_TEMPLATE)
    copies = DatabaseCopies(server, SCHEMA_TEMPLATE)
    yield lambda _: copies.next_url()
    copies.close()


@pytest.fixture
def database_url(new_database_url, tmp_path) -> str:
    """This test's database; on PostgreSQL also the app's (`ORDERLY_DATABASE_URL`)."""
    return new_database_url(tmp_path)


# fixtures (directly or through others) that open the database or run the app
_USE_A_DATABASE = {'db', 'database_url', 'user', 'create_user', 'screen'}


@pytest.fixture(autouse=True)
def isolated_app(request, tmp_path, monkeypatch):
    monkeypatch.setenv('ORDERLY_DATA_DIR', str(tmp_path / 'data'))
    monkeypatch.setenv('ORDERLY_ADMIN_EMAIL', ADMIN_EMAIL)
    monkeypatch.setenv('ORDERLY_ADMIN_PASSWORD', ADMIN_PASSWORD)
    if ON_POSTGRES:  # one database for the app and the `db` fixture; SQLite keeps them apart, in two files
        # Tests with neither get an address that fails at once, should they reach a database anyway.
        url = request.getfixturevalue('database_url') if _USE_A_DATABASE & set(request.fixturenames) else \
            'postgres://nobody@127.0.0.1:1/this_test_asked_for_no_database'
        monkeypatch.setenv('ORDERLY_DATABASE_URL', url)
    else:
        monkeypatch.delenv('ORDERLY_DATABASE_URL', raising=False)
    lifespan = app.router.lifespan_context
    yield
    app.router.lifespan_context = lifespan  # main.py wraps it again on every run
    hub.clear()


@pytest.fixture
async def db(database_url):
    """A real database with the schema, outside the web app."""
    try:  # closed even when opening fails halfway: Tortoise's global context would spoil every later test
        await open_database(database_url)
        yield
    finally:
        await Tortoise.close_connections()


@pytest.fixture
async def shop(db) -> Shop:
    """The demo shop, as a fresh start creates it."""
    await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
    return await default_shop()
