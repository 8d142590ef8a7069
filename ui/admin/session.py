"""The admin's session in this browser, checked on every page and before every event handler runs.

The session token is in its own HttpOnly cookie (`ADMIN_COOKIE`, sent to /admin only). NiceGUI's websocket events
pass no HTTP middleware, so each handler re-reads the session from the database. Signing in and out end in the HTTP
routes here: they set or clear the cookie and give the browser a new NiceGUI id.
"""

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from domain.admin_auth import SignedInAdmin, admin_account, redeem_sign_in, session_admin
from domain.catalogue import default_shop
from domain.models import Shop
from ui.components.browser_session import (
    ADMIN_COOKIE,
    ADMIN_COOKIE_PATH,
    client_address,
    cookie,
    from_this_site,
    signed_in_response,
    signed_out_response,
    user_agent,
)
from ui.components.page_memory import release_request

SIGN_IN_ROUTE = '/admin/session/start'  # ?ticket=…: opens the session a checked password earned
SIGNED_OUT_ROUTE = '/admin/session/end'  # forgets the cookie of a session that has ended


def current_token() -> str | None:
    return cookie(ADMIN_COOKIE)


async def current_admin() -> SignedInAdmin | None:
    return await session_admin(current_token())


async def require_admin(*, owner: bool = False) -> SignedInAdmin | None:
    """The signed-in admin, or None after sending the browser to the sign-in page (or refusing an employee)."""
    admin = await current_admin()
    if admin is None:
        ui.navigate.to('/admin/login')
        return None
    if owner and not admin.is_owner:
        ui.label('Only the shop owner can open this page.').classes('text-lg p-8')
        return None
    return admin


async def admin_page(*, owner: bool = False) -> tuple[SignedInAdmin, Shop] | None:
    """The signed-in admin and their shop for a page, or None once the browser was sent away (or refused)."""
    release_request(ui.context.client)  # admin pages stay open for hours: keep only what NiceGUI needs of the request
    admin = await require_admin(owner=owner)
    if admin is None:
        return None
    shop = await default_shop()
    if admin.shop_id != shop.id:  # one shop per deployment for now: an admin of another shop signs in again
        ui.navigate.to('/admin/login')
        return None
    return admin, shop


def guarded(shop_id: int, handler: Callable[..., Awaitable[Any] | Any], *,
            owner: bool = False) -> Callable[..., Awaitable[Any]]:
    """Wrap an event handler: it runs only while the session is alive and belongs to `shop_id` (and to an owner)."""
    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Any:
        admin = await current_admin()
        if admin is None or admin.shop_id != shop_id:
            ui.notify('Your session has ended. Please sign in again.', type='warning')
            ui.navigate.to('/admin/login')
            return None
        if owner and not admin.is_owner:  # made employee while the page was open
            ui.notify('Only the shop owner can do this.', type='warning')
            return None
        result = handler(*args, **kwargs)
        return await result if isinstance(result, Awaitable) else result
    return run


async def start_session(request: Request, ticket: str = '') -> RedirectResponse:
    """Redeem a sign-in ticket of this browser: the session's cookie, a device cookie and a new NiceGUI id. Only a
    navigation from the shop's own sign-in page counts (`from_this_site`: no login CSRF by a tossed cookie)."""
    came_from = from_this_site(request)
    if came_from is False:
        return RedirectResponse('/admin/login', status_code=303)
    signed_in = await redeem_sign_in(ticket=ticket, browser_id=request.session.get('id'),
                                     user_agent=user_agent(request), address=client_address(request),
                                     same_address=came_from is None)
    if signed_in is None:  # used, expired or another browser's: sign in again
        return RedirectResponse('/admin/login', status_code=303)
    admin, token = signed_in
    return await signed_in_response(request, '/admin/orders', cookie=ADMIN_COOKIE, token=token,
                                    path=ADMIN_COOKIE_PATH, account=admin_account(admin.id))


async def end_session(request: Request) -> RedirectResponse:
    """After a sign-out (a page event ends the sessions): forget the cookie. A live session is left alone, so a
    link from another site cannot sign anyone out."""
    async def is_live(token: str) -> bool:
        return await session_admin(token) is not None
    return await signed_out_response(request, '/admin/login', cookie=ADMIN_COOKIE, path=ADMIN_COOKIE_PATH,
                                     is_live=is_live)


def add_session_routes() -> None:
    app.get(SIGN_IN_ROUTE, include_in_schema=False)(start_session)
    app.get(SIGNED_OUT_ROUTE, include_in_schema=False)(end_session)
