"""The pages for an unknown address (404) and a server error (500): in the shop's frame, with a way back (the shop,
or the orders for /admin/… addresses), the right status, and never the exception itself. Replaces NiceGUI's
"HTTPException: 404" page through FastAPI's exception handlers, as NiceGUI registers its own."""

import logging

from fastapi import Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import PlainTextResponse
from nicegui import Client, app, ui
from starlette.exceptions import HTTPException

from domain.catalogue import default_shop
from domain.models import Shop
from ui.components.page_title import page_title
from ui.storefront.frame import LANGUAGE, storefront_frame

log = logging.getLogger(__name__)


def add_error_pages() -> None:
    app.exception_handler(404)(not_found)
    app.exception_handler(Exception)(server_error)


def _is_page(request: Request) -> bool:
    """Routes of their own (the API, downloads) answer with their own 404 body; pages and unknown paths get ours."""
    endpoint = request.scope.get('endpoint')
    return endpoint is None or endpoint is app or bool(request.scope.get('nicegui_page_path'))


async def _shop() -> Shop | None:
    try:
        return await default_shop()
    except Exception:  # the database may be why we are here: the page still shows, without the shop's name
        log.warning('error page without the shop: it could not be read', exc_info=True)
        return None


def _way_back(path: str) -> tuple[str, str]:
    return ('Go to the orders', '/admin/orders') if path.startswith('/admin') else ('Back to the shop', '/')


async def _page(request: Request, status: int, title: str, text: str) -> Response:
    shop = await _shop()
    label, target = _way_back(request.url.path)
    with Client(ui.page('', language=LANGUAGE), request=request) as client:
        with storefront_frame(shop, title, cart=False):
            with ui.column().classes('w-full items-start gap-3 py-8').mark(f'error-{status}'):
                page_title(title)
                ui.label(text).classes('text-stone-600')
                ui.link(label, target).classes('text-lg').mark('way-back')
    return client.build_response(request, status)


async def not_found(request: Request, exception: Exception) -> Response:
    if not _is_page(request) and isinstance(exception, HTTPException):
        return await http_exception_handler(request, exception)
    return await _page(request, 404, 'Page not found',
                       'There is no page at this address. It may have moved, or the link has a typo.')


async def server_error(request: Request, exception: Exception) -> Response:
    log.error('%s %s failed', request.method, request.url.path, exc_info=exception)
    if not request.scope.get('nicegui_page_path'):
        return PlainTextResponse('Internal Server Error', status_code=500)
    return await _page(request, 500, 'Something went wrong',
                       'We could not show this page. Please try again in a moment.')
