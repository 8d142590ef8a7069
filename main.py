"""Composes Orderly: settings, database, pages. `python main.py` runs it; `python main.py --help` lists settings;
`python main.py migrate` and `python main.py backup PATH` do their work and exit."""

import argparse
import gc
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from nicegui import app, core, ui
from tortoise.contrib.fastapi import register_tortoise

from config import Settings, settings_help
from domain.events import OutboxQueued, hub
from domain.payment_guidance import set_online_providers
from domain.seed import ensure_demo_shop
from integrations.api import mount_api
from integrations.commands import add_commands, run_command
from integrations.database import tortoise_config
from integrations.health import add_health_routes
from integrations.invoice_handler import InvoiceHandler
from integrations.logging_setup import configure_logging
from integrations.mail import mail_handler
from integrations.outbox_dispatcher import OutboxDispatcher
from integrations.payments import close_providers, payment_providers
from integrations.payments.auto_cancel import UnpaidOrderSweeper
from integrations.pdf import opt_out_of_usage_statistics
from integrations.pg_events import PgEventBridge, is_postgres
from integrations.push import ensure_vapid_keys, push_handler
from integrations.schema_migrations import migrate_database
from integrations.security_headers import add_security, cookie_secure
from integrations.session_storage import configure_sessions, proxy_options
from integrations.socket_hardening import install as harden_sockets
from integrations.webhooks import WebhookHandler
from ui import admin, storefront
from ui.admin.pwa import add_routes as add_pwa_routes
from ui.components.browser_session import session_middleware_options, use_secure_cookies
from ui.storefront.payment import add_routes as add_payment_routes

TESTING = 'NICEGUI_USER_SIMULATION' in os.environ or 'NICEGUI_SCREEN_TEST_PORT' in os.environ  # pytest's argv


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Orderly: order management for webshop merchants.',
                                     epilog=settings_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    add_commands(parser)  # migrate, backup PATH
    return parser.parse_args()


def run_in_lifespan(startup: Callable[[], Awaitable[None]],
                    shutdown: Callable[[], Awaitable[None]] | None = None) -> None:
    """Await `startup` once the database is open, before the server takes requests (unlike `app.on_startup`),
    and `shutdown` when the server stops, before the database closes."""
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(fastapi_app):
        async with outer(fastapi_app) as state:
            await startup()
            try:
                yield state
            finally:
                if shutdown is not None:
                    await shutdown()

    app.router.lifespan_context = lifespan


def compose(settings: Settings) -> None:
    """Wire the database, the demo shop, the outbox dispatcher and the pages into NiceGUI's app."""
    hub.clear()  # subscribers of a previous composition (tests re-run this file) must not linger
    opt_out_of_usage_statistics()  # before any PDF: borb would post usage data and take over SIGINT/SIGTERM
    register_tortoise(app, config=tortoise_config(settings.effective_database_url), generate_schemas=False)
    add_security(app, core.sio, settings)  # CSP, no framing, HSTS on https; socket.io only from the shop's pages
    harden_sockets(core.sio)  # NiceGUI's socket.io messages checked: crafted ones dropped, browser logs marked
    configure_sessions(settings, private_files=not TESTING)  # NiceGUI's storage in DATA_DIR/sessions, lifetimes
    use_secure_cookies(cookie_secure(settings), settings.effective_base_url)  # Secure, __Host- names on https

    async def seed() -> None:
        admin_password = settings.admin_password.get_secret_value() if settings.admin_password else None
        generated = await ensure_demo_shop(admin_email=settings.admin_email, admin_password=admin_password)
        if generated:
            # printed once, to the console only: it is never written to a log file
            print(f'\nDemo shop created. Admin: {settings.admin_email}  password: {generated}', flush=True)

    # first: the committed migrations/ the database lacks, then the search index (one instance at a time)
    run_in_lifespan(migrate_database)
    run_in_lifespan(seed)
    run_in_lifespan(ensure_vapid_keys)  # once, on first start: browsers subscribe with the public key
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    webhooks = WebhookHandler(budget=lease * 0.6)
    run_in_lifespan(webhooks.open, webhooks.aclose)  # closes its connections after the dispatcher stopped
    # one process at a time listens on a host and port: that is the dispatcher's slot for its leases
    dispatcher = OutboxDispatcher([mail_handler(settings), webhooks, push_handler(settings), InvoiceHandler()],
                                  slot=f'{socket.gethostname()}:{settings.port}', lease=lease,
                                  poll_seconds=settings.outbox_poll_seconds)
    hub.subscribe(OutboxQueued, dispatcher.wake)
    if is_postgres(settings.effective_database_url):  # several instances: their hubs hear each other's events
        events = PgEventBridge(settings.effective_database_url, hub)
        run_in_lifespan(events.start, events.stop)
    run_in_lifespan(dispatcher.start, dispatcher.stop)
    add_health_routes(app, dispatcher_running=lambda: dispatcher.running)  # /healthz, /readyz: no session
    mount_api(app, base_url=settings.effective_base_url)  # /api/v1 for other programs, with its own OpenAPI and docs
    # the built-in demo provider (/pay/demo) and, with an API key, Mollie
    providers = payment_providers(
        app, public_url=settings.effective_base_url, mollie_api_url=settings.mollie_api_url,
        mollie_api_key=settings.mollie_api_key.get_secret_value() if settings.mollie_api_key else '')

    async def nothing_to_open() -> None:
        pass

    run_in_lifespan(nothing_to_open, lambda: close_providers(providers))
    sweeper = UnpaidOrderSweeper()  # Settings > Checkout: unpaid orders cancelled after N days
    run_in_lifespan(sweeper.start, sweeper.stop)
    add_payment_routes(payment_providers=providers, base_url=settings.effective_base_url)
    set_online_providers(providers)  # pay links only where one of these can take the payment
    storefront.add_pages()
    admin.add_pages()
    add_pwa_routes()  # /manifest.webmanifest, /sw.js and the icons: the admin installs as an app

    async def announce() -> None:  # NiceGUI's own "ready" line would come before the migrations and the demo shop
        if not TESTING:
            base = settings.effective_base_url
            print(f'\nOrderly is ready: the shop at {base}/, sign in to manage orders at {base}/admin/login\n',
                  flush=True)

    run_in_lifespan(announce)  # last: after every other start-up step


if __name__ in {'__main__', '__mp_main__'}:
    arguments = None if TESTING else parse_arguments()
    settings = Settings()
    if TESTING:  # pytest keeps its own log handlers
        logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    else:
        configure_logging(settings.log_format)  # ORDERLY_LOG_FORMAT: text or json, one line per event
    if arguments is not None and arguments.command:  # migrate, backup PATH: do the work and exit, no web server
        raise SystemExit(run_command(arguments, settings))
    if not TESTING:
        # Each open admin page holds ~2,000 Python objects; with hundreds open, the default threshold (700) runs
        # a collection many times per live push, and full collections stall every page (bench/live.py: p95 at
        # 200 pages halves with this).
        gc.set_threshold(20_000)
    compose(settings)
    ui.run(host=settings.host, port=settings.port, title='Orderly', storage_secret=settings.ensure_secret_key(),
           session_middleware_kwargs=session_middleware_options(),  # Secure and __Host-session on https
           reload=False, show=False, favicon='🧾', show_welcome_message=False,
           **proxy_options(settings))  # whose X-Forwarded-For counts: ORDERLY_TRUSTED_PROXIES only
