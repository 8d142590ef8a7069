"""The customer's session in this browser, apart from the admin's: its own HttpOnly cookie (`CUSTOMER_COOKIE`).

Only the token's hash is in the database; signing out, a password change or reset ends sessions everywhere. Pages
and event handlers re-read the session (websocket events pass no HTTP middleware). Signing in and out end in the
HTTP routes here: they set or clear the cookie and give the browser a new NiceGUI id.
"""

import functools
import posixpath
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from domain.catalogue import default_shop
from domain.customer_accounts import customer_account, redeem_sign_in, session_customer, sign_in_ticket
from domain.models import Customer, Shop
from ui.components.browser_session import (
    CUSTOMER_COOKIE,
    CUSTOMER_COOKIE_PATH,
    DEVICE_COOKIE,
    browser_id,
    client_address,
    cookie,
    from_this_site,
    signed_in_response,
    signed_out_response,
    user_agent,
)

SIGN_IN_ROUTE = '/account/session/start'  # ?ticket=…&next=…: opens the session a checked password earned
SIGNED_OUT_ROUTE = '/account/session/end'  # forgets the cookie of a session that has ended
_SESSION_ROUTES = ('/account/session', '/admin/session')  # never a `next`


async def current_customer(shop: Shop) -> Customer | None:
    return await session_customer(shop, current_token())


def current_token() -> str | None:
    return cookie(CUSTOMER_COOKIE)


def device_token() -> str | None:
    return cookie(DEVICE_COOKIE)


async def sign_in_path(customer: Customer, next_path: str = '/account') -> str:
    """Where to send this page's browser so that it is signed in as `customer` and then sees `next_path`."""
    ticket = await sign_in_ticket(customer, browser_id=browser_id() or '', address=client_address())
    return f'{SIGN_IN_ROUTE}?ticket={quote(ticket)}&next={quote(local_path(next_path), safe="/")}'


async def sign_in(customer: Customer, next_path: str = '/account') -> None:
    """Sign this browser in as `customer` (by an HTTP round trip) and show `next_path`."""
    ui.navigate.to(await sign_in_path(customer, next_path))


def local_path(target: str | None, default: str = '/account') -> str:
    """`target` (its path normalised) if it is a page of this site, else `default`: a `next` parameter never leads
    elsewhere (`/.//evil.example` and `/%2e//evil.example` become `//evil.example` in a browser), nor to a sign-in
    route (whose ticket would be someone else's)."""
    if not target or not target.startswith('/') or target.startswith(('//', '/\\')) or len(target) > 500:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 or c == '\\' for c in target):
        return default
    # browsers read %2e in a path as a dot; POSIX keeps exactly two leading slashes, as a browser would read them
    path = posixpath.normpath(re.sub('%2e', '.', parts.path, flags=re.IGNORECASE))
    if path.startswith('//') or any(path == route or path.startswith(f'{route}/') for route in _SESSION_ROUTES):
        return default
    return urlunsplit(('', '', path, parts.query, parts.fragment))


def login_path(next_path: str) -> str:
    return f'/account/login?next={quote(local_path(next_path), safe="/")}'


async def require_customer(shop: Shop, here: str) -> Customer | RedirectResponse:
    """The signed-in customer, or the answer that sends the browser to sign in (and back to `here` after): an HTTP
    redirect, so the page is never built empty and then navigated away from."""
    customer = await current_customer(shop)
    if customer is None:
        return RedirectResponse(login_path(here), status_code=303)
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


async def start_session(request: Request, ticket: str = '', next: str = '') -> RedirectResponse:
    """Redeem a sign-in ticket of this browser: the session's cookie, a device cookie and a new NiceGUI id. Only a
    navigation from the shop's own pages counts (`from_this_site`: no login CSRF by a tossed cookie)."""
    came_from = from_this_site(request)
    if came_from is False:
        return RedirectResponse(login_path(next), status_code=303)
    signed_in = await redeem_sign_in(await default_shop(), ticket=ticket, browser_id=request.session.get('id'),
                                     user_agent=user_agent(request), address=client_address(request),
                                     same_address=came_from is None)
    if signed_in is None:  # used, expired or another browser's: sign in again
        return RedirectResponse(login_path(next), status_code=303)
    customer, token = signed_in
    return await signed_in_response(request, local_path(next), cookie=CUSTOMER_COOKIE, token=token,
                                    path=CUSTOMER_COOKIE_PATH, account=customer_account(customer.id))


async def end_session(request: Request) -> RedirectResponse:
    """After a sign-out (a page event ends the sessions): forget the cookie. A live session is left alone, so a
    link from another site cannot sign anyone out."""
    async def is_live(token: str) -> bool:
        return await session_customer(await default_shop(), token) is not None
    return await signed_out_response(request, '/account/logout', cookie=CUSTOMER_COOKIE,
                                     path=CUSTOMER_COOKIE_PATH, is_live=is_live)


def add_session_routes() -> None:
    app.get(SIGN_IN_ROUTE, include_in_schema=False)(start_session)
    app.get(SIGNED_OUT_ROUTE, include_in_schema=False)(end_session)
