"""Composes Orderly: settings, database, pages. `python main.py` runs it; `python main.py --help` lists settings."""

import argparse
import logging
import os
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

from nicegui import app, ui
from tortoise.contrib.fastapi import register_tortoise

from config import Settings, settings_help
from domain.events import hub
from domain.seed import ensure_demo_shop
from integrations.database import tortoise_config
from integrations.search_index import ensure_order_search_index
from ui import admin, storefront

TESTING = 'NICEGUI_USER_SIMULATION' in os.environ or 'NICEGUI_SCREEN_TEST_PORT' in os.environ  # pytest's argv


def parse_arguments() -> None:
    parser = argparse.ArgumentParser(description='Orderly: order management for webshop merchants.',
                                     epilog=settings_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()


def run_in_lifespan(startup: Callable[[], Awaitable[None]]) -> None:
    """Await `startup` once the database is open, before the server takes requests (unlike `app.on_startup`)."""
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(fastapi_app):
        async with outer(fastapi_app) as state:
            await startup()
            yield state

    app.router.lifespan_context = lifespan


def compose(settings: Settings) -> None:
    """Wire the database, the demo shop and the pages into NiceGUI's app."""
    hub.clear()  # subscribers of a previous composition (tests re-run this file) must not linger
    register_tortoise(app, config=tortoise_config(settings.effective_database_url), generate_schemas=True)

    async def seed() -> None:
        admin_password = settings.admin_password.get_secret_value() if settings.admin_password else None
        generated = await ensure_demo_shop(admin_email=settings.admin_email, admin_password=admin_password)
        if generated:
            # printed once, to the console only: it is never written to a log file
            print(f'\nDemo shop created. Admin: {settings.admin_email}  password: {generated}\n', flush=True)

    run_in_lifespan(ensure_order_search_index)
    run_in_lifespan(seed)
    storefront.add_pages()
    admin.add_pages()


if __name__ in {'__main__', '__mp_main__'}:
    if not TESTING:
        parse_arguments()
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    settings = Settings()
    compose(settings)
    ui.run(host=settings.host, port=settings.port, title='Orderly', storage_secret=settings.ensure_secret_key(),
           reload=False, show=False, favicon='🧾')
