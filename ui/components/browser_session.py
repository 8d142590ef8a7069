"""The browser's side of a session: cookies, NiceGUI's browser id, the client's address.

Session tokens live in their own HttpOnly cookies (the admin's only sent to /admin), not in NiceGUI's user storage:
a page or event handler reads them from the page's HTTP request. Cookies change only in HTTP responses, so signing
in and out ends in an HTTP route (`ui.admin.session`, `ui.storefront.customer_session`) that also gives the browser
a new NiceGUI browser id: a session cookie taken before the sign-in is worth nothing after it.

Another site on the same host (another port: cookies are not separated by port) or a sibling subdomain can set
cookies for the shop ("cookie tossing"). On https every cookie of ours is named `__Host-…` (Secure, Path=/, no
Domain), which no other site can set. The sign-in routes also accept only a navigation from the shop's own pages
(`from_this_site`), so a tossed NiceGUI cookie and a ticket the attacker got for it sign no one in.
"""

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import urlsplit

from nicegui import app, ui
from nicegui.storage import request_contextvar
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.sessions import device_after_sign_in, lifetimes

ADMIN_COOKIE, ADMIN_COOKIE_PATH = 'orderly_admin', '/admin'
CUSTOMER_COOKIE, CUSTOMER_COOKIE_PATH = 'orderly_customer', '/'
DEVICE_COOKIE = 'orderly_device'  # a browser that signed in before: its correct password is never throttled
DEVICE_LIFETIME = timedelta(days=400)  # the longest a browser keeps a cookie
SESSION_COOKIE = 'session'  # NiceGUI's (Starlette's) signed cookie with the browser id
_secure = False  # cookies carry Secure and the __Host- prefix when the shop is reached over https (ORDERLY_BASE_URL)
_public_host = ''  # the host[:port] of ORDERLY_BASE_URL: a page there is the shop's own
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


def cookie_name(name: str) -> str:
    """The name a cookie of ours has in the browser: `__Host-NAME` on https, which no other site can set."""
    return f'__Host-{name}' if _secure else name


def cookie(name: str) -> str | None:
    request = current_request()
    return request_cookie(request, name) if request is not None else None


def request_cookie(request: Request, name: str) -> str | None:
    return request.cookies.get(cookie_name(name))


def session_middleware_options() -> dict:
    """NiceGUI's `session_middleware_kwargs`: its session cookie is Secure and `__Host-` prefixed on https."""
    return {'https_only': _secure, 'session_cookie': cookie_name(SESSION_COOKIE)}


def from_this_site(request: Request) -> bool | None:
    """Whether a sign-in route's request is a navigation from a page of the shop itself (login CSRF: a page of
    another site sends a browser there with the attacker's ticket and a tossed NiceGUI cookie).

    False when the request carries two NiceGUI session cookies (one was tossed: a browser sends both), or when the
    browser says it came from elsewhere: `Sec-Fetch-Site` other than `same-origin` (every browser since 2023
    sends it), or, without it, an `Origin` or `Referer` of another host. None when it says nothing at all (a
    program, or an older browser whose page suppressed the Referer): the caller then holds the ticket to the
    address it was issued to.
    """
    names = [part.split('=', 1)[0].strip() for part in '; '.join(request.headers.getlist('cookie')).split(';')]
    if names.count(cookie_name(SESSION_COOKIE)) > 1:
        return False
    fetch_site = request.headers.get('sec-fetch-site')
    if fetch_site is not None:
        return fetch_site == 'same-origin'
    own = {request.headers.get('host', '').lower(), _public_host} - {''}
    sources = [value for value in (request.headers.get('origin'), request.headers.get('referer')) if value]
    if not sources:
        return None
    return all(urlsplit(value).netloc.lower() in own for value in sources)


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


def use_secure_cookies(secure: bool, public_url: str = '') -> None:
    """Whether the cookies carry `Secure` and the `__Host-` prefix, and the shop's public address (set once, when
    the app is composed, before NiceGUI's session middleware takes `session_middleware_options`)."""
    global _secure, _public_host
    _secure = secure
    _public_host = urlsplit(public_url).netloc.lower()


def set_cookie(response: Response, request: Request, name: str, value: str, *, path: str,
               max_age: timedelta) -> None:
    # a __Host- cookie must have Path=/: on https the admin's cookie goes to every path (still HttpOnly)
    response.set_cookie(cookie_name(name), value, max_age=int(max_age.total_seconds()), path='/' if _secure else path,
                        httponly=True, samesite='lax', secure=_secure or request.url.scheme == 'https')


def delete_cookie(response: Response, request: Request, name: str, *, path: str) -> None:
    response.delete_cookie(cookie_name(name), path='/' if _secure else path, httponly=True, samesite='lax',
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


async def signed_in_response(request: Request, target: str, *, cookie: str, token: str, path: str,
                             account: str) -> RedirectResponse:
    """A sign-in route's answer: to `target` with the session's cookie, the device cookie (kept only if it is
    already a known device of `account`, else a new one) and a new NiceGUI browser id."""
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, request, cookie, token, path=path, max_age=lifetimes().absolute)
    device = await device_after_sign_in(account, request_cookie(request, DEVICE_COOKIE))
    set_cookie(response, request, DEVICE_COOKIE, device, path='/', max_age=DEVICE_LIFETIME)
    await new_browser_id(request)
    return response


async def signed_out_response(request: Request, target: str, *, cookie: str, path: str,
                              is_live: Callable[[str], Awaitable[bool]]) -> RedirectResponse:
    """A sign-out route's answer: to `target`, forgetting the session's cookie only once its session has ended (a
    page event ends it), so a link from another site cannot sign anyone out."""
    response = RedirectResponse(target, status_code=303)
    token = request_cookie(request, cookie)
    if token is not None and not await is_live(token):
        delete_cookie(response, request, cookie, path=path)
        await new_browser_id(request)
    return response
