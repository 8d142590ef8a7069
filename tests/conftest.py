"""Every test gets its own data folder and database; NiceGUI's app is restored after each test."""

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


@pytest.fixture(autouse=True)
def isolated_app(tmp_path, monkeypatch):
    monkeypatch.setenv('ORDERLY_DATA_DIR', str(tmp_path / 'data'))
    monkeypatch.setenv('ORDERLY_ADMIN_EMAIL', ADMIN_EMAIL)
    monkeypatch.setenv('ORDERLY_ADMIN_PASSWORD', ADMIN_PASSWORD)
    monkeypatch.delenv('ORDERLY_DATABASE_URL', raising=False)
    lifespan = app.router.lifespan_context
    yield
    app.router.lifespan_context = lifespan  # main.py wraps it again on every run
    hub.clear()


@pytest.fixture
async def db(tmp_path):
    """A real SQLite file with the schema, outside the web app."""
    await open_database(f'sqlite://{tmp_path}/orderly.sqlite3')
    yield
    await Tortoise.close_connections()


@pytest.fixture
async def shop(db) -> Shop:
    """The demo shop, as a fresh start creates it."""
    await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
    return await default_shop()


@pytest.fixture(scope='session')
def postgres_server():
    """One real PostgreSQL server for the whole run (Debian's `postgresql` package); tests take fresh databases."""
    server = PostgresServer().start()
    yield server
    server.stop()
