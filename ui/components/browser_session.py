"""The browser's side of a session: cookies, NiceGUI's browser id, the client's address.

Session tokens live in their own HttpOnly cookies (the admin's only sent to /admin), not in NiceGUI's user storage:
a page or event handler reads them from the page's HTTP request. Cookies change only in HTTP responses, so signing
in and out ends in an HTTP route (`ui.admin.session`, `ui.storefront.customer_session`) that also gives the browser
a new NiceGUI browser id: a session cookie taken before the sign-in is worth nothing after it.
"""

import uuid
from datetime import timedelta

from nicegui import app, ui
from nicegui.storage import request_contextvar
from starlette.requests import Request
from starlette.responses import Response

ADMIN_COOKIE, ADMIN_COOKIE_PATH = 'orderly_admin', '/admin'
CUSTOMER_COOKIE, CUSTOMER_COOKIE_PATH = 'orderly_customer', '/'
DEVICE_COOKIE = 'orderly_device'  # a browser that signed in before: its correct password is never throttled
DEVICE_LIFETIME = timedelta(days=400)  # the longest a browser keeps a cookie
_secure = False  # cookies carry Secure when the shop is reached over https (ORDERLY_BASE_URL)
# What NiceGUI's user storage held before the tokens got their own cookies: never carried to a new browser id
_OLD_TOKEN_KEYS = ('admin_token', 'customer_token')


def current_request() -> Request | None:
    """The HTTP request of this page (also in its event handlers, which come by websocket), else the one being
    answered by an HTTP route."""
    try:
        request = ui.context.client.request
    except (RuntimeError, AttributeError):
        request = None
    return request if request is not None else request_contextvar.get()


def cookie(name: str) -> str | None:
    request = current_request()
    return request.cookies.get(name) if request is not None else None


def browser_id() -> str | None:
    """NiceGUI's id of this browser (in its signed session cookie): what sign-in tickets are bound to."""
    request = current_request()
    return request.session.get('id') if request is not None and 'session' in request.scope else None


def client_address(request: Request | None = None) -> str:
    """The client's address: uvicorn puts a trusted proxy's X-Forwarded-For there (ORDERLY_TRUSTED_PROXIES)."""
    request = request or current_request()
    return request.client.host if request is not None and request.client else 'unknown'


def user_agent(request: Request) -> str:
    return request.headers.get('user-agent', '')[:300]


def use_secure_cookies(secure: bool) -> None:
    """Whether the session and device cookies carry `Secure` (set once, when the app is composed)."""
    global _secure
    _secure = secure


def set_cookie(response: Response, request: Request, name: str, value: str, *, path: str,
               max_age: timedelta) -> None:
    response.set_cookie(name, value, max_age=int(max_age.total_seconds()), path=path, httponly=True,
                        samesite='lax', secure=_secure or request.url.scheme == 'https')


def delete_cookie(response: Response, request: Request, name: str, *, path: str) -> None:
    response.delete_cookie(name, path=path, httponly=True, samesite='lax',
                           secure=_secure or request.url.scheme == 'https')


async def new_browser_id(request: Request) -> None:
    """Give the browser a new NiceGUI id (sent with the response's session cookie), taking its user storage (cart,
    checkout key) along. Pages still open with the old id keep working on the old storage until they close."""
    old = request.session.get('id')
    new = str(uuid.uuid4())
    users = app.storage._users  # NiceGUI has no public way to re-key a browser's storage
    await app.storage._create_user_storage(new)
    if old in users:
        users[new].update({key: value for key, value in users[old].items() if key not in _OLD_TOKEN_KEYS})
        for key in _OLD_TOKEN_KEYS:
            users[old].pop(key, None)
    request.session['id'] = new
