"""The customer's session in this browser, apart from the admin's: its own key in `app.storage.user`.

Only the token's hash is in the database; signing out, a password change or reset ends sessions everywhere. Pages
and event handlers re-read the session (websocket events pass no HTTP middleware).
"""

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from nicegui import app, ui

from domain.catalogue import default_shop
from domain.customer_accounts import end_sessions, open_session, session_customer
from domain.models import Customer, Shop

TOKEN_KEY = 'customer_token'  # the admin's is 'admin_token': the two sessions never stand in for each other


async def current_customer(shop: Shop) -> Customer | None:
    return await session_customer(shop, app.storage.user.get(TOKEN_KEY))


def current_token() -> str | None:
    return app.storage.user.get(TOKEN_KEY)


async def sign_in(customer: Customer) -> None:
    app.storage.user[TOKEN_KEY] = await open_session(customer)


async def sign_out() -> None:
    """End every session of the signed-in customer (this browser's and the others)."""
    token = app.storage.user.pop(TOKEN_KEY, None)
    if token:
        customer = await session_customer(await default_shop(), token)
        if customer is not None:
            await end_sessions(customer)


def local_path(target: str | None, default: str = '/account') -> str:
    """`target` if it is a path on this site, else `default`: a `next` parameter never leads elsewhere."""
    if not target or not target.startswith('/') or target.startswith(('//', '/\\')) or len(target) > 500:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 or c == '\\' for c in target):
        return default
    return target


def login_path(next_path: str) -> str:
    return f'/account/login?next={quote(local_path(next_path), safe="/")}'


async def require_customer(shop: Shop, here: str) -> Customer | None:
    """The signed-in customer, or None after sending the browser to sign in (and back to `here` after)."""
    customer = await current_customer(shop)
    if customer is None:
        ui.navigate.to(login_path(here))
    return customer


def guarded(shop: Shop, handler: Callable[[Customer], Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wrap an event handler: it runs with the customer only while the session is alive."""
    @functools.wraps(handler)
    async def run(*_: Any) -> Any:
        customer = await current_customer(shop)
        if customer is None:
            ui.notify('Your session has ended. Please sign in again.', type='warning')
            ui.navigate.to('/account/login')
            return None
        return await handler(customer)
    return run
