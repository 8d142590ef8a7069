"""The admin's session in this browser, checked on every page and before every event handler runs.

NiceGUI's websocket events pass no HTTP middleware, so each handler re-reads the session from the database.
"""

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import app, ui

from domain.admin_auth import SignedInAdmin, session_admin
from domain.catalogue import default_shop
from domain.models import Shop
from ui.components.page_memory import release_request

TOKEN_KEY = 'admin_token'


async def current_admin() -> SignedInAdmin | None:
    return await session_admin(app.storage.user.get(TOKEN_KEY))


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
