"""What the browser is told about every response (`SecurityHeaders`) and which pages may open a socket.io
connection (`same_origin_sockets`): the shop's own pages only, never a page of another site.

A pure ASGI middleware: Starlette's BaseHTTPMiddleware costs ~19 % CPU per request.
"""

import logging
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from socketio import AsyncServer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config import Settings

# NiceGUI's pages need 'unsafe-eval' (nicegui.js evaluates `:prop` bindings, event handlers and run_javascript; Vue
# compiles its templates at runtime) and 'unsafe-inline' (each page is one inline module script holding its
# elements, plus inline style tags and Quasar's style attributes): NiceGUI has no nonces. Everything else is
# narrowed to the shop itself: no plugins, no foreign frames around the page, no <base> or form posts elsewhere.
# 'self' in connect-src covers ws:/wss: of the same host (CSP 3), which is NiceGUI's socket.io.
PAGE_POLICY = '; '.join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# FastAPI's Swagger UI (/api/v1/docs) loads its script and style from jsDelivr and its favicon from
# fastapi.tiangolo.com, and starts with an inline script: that page alone may do so.
SWAGGER_CDN = 'https://cdn.jsdelivr.net'
DOCS_POLICY = '; '.join((
    "default-src 'self'",
    f"script-src 'self' 'unsafe-inline' {SWAGGER_CDN}",
    f"style-src 'self' 'unsafe-inline' {SWAGGER_CDN}",
    "img-src 'self' data: https://fastapi.tiangolo.com",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
DOCS_PREFIX = '/api/v1/docs'
HSTS = 'max-age=31536000; includeSubDomains'
log = logging.getLogger(__name__)


def is_https(settings: Settings) -> bool:
    """Whether the shop's public address (ORDERLY_BASE_URL) is https."""
    return urlsplit(settings.effective_base_url).scheme == 'https'


def cookie_secure(settings: Settings) -> bool:
    """Whether cookies must carry `Secure`: when the shop is reached over https. Every cookie the shop sets
    (NiceGUI's session cookie, a sign-in's device cookie) takes its `secure=` from here."""
    return is_https(settings)


def security_headers(settings: Settings) -> dict[str, str]:
    """The headers every response carries (the Content-Security-Policy is chosen per path by the middleware)."""
    headers = {
        'X-Frame-Options': 'DENY',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'strict-origin-when-cross-origin',
    }
    if is_https(settings):  # over plain http the browser ignores it; on https it keeps later visits on https
        headers['Strict-Transport-Security'] = HSTS
    return headers


class SecurityHeaders:
    """Adds the security headers to every HTTP response of the app below it: pages, API, static files, downloads,
    errors. A header the response already set is left as it is."""

    def __init__(self, app: ASGIApp, *, headers: dict[str, str]) -> None:
        self.app = app
        common = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
        self.page_headers = [(b'content-security-policy', PAGE_POLICY.encode()), *common]
        self.docs_headers = [(b'content-security-policy', DOCS_POLICY.encode()), *common]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':  # websockets and lifespan have no response headers to speak of
            await self.app(scope, receive, send)
            return
        extra = self.docs_headers if scope['path'].startswith(DOCS_PREFIX) else self.page_headers

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = list(message.get('headers', ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in extra if header[0] not in present)
                message = {**message, 'headers': headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def own_origins(settings: Settings) -> frozenset[str]:
    """The origins of the shop's public address: ORDERLY_BASE_URL (or http://HOST:PORT)."""
    parts = urlsplit(settings.effective_base_url)
    return frozenset({f'{parts.scheme}://{parts.netloc}'.lower()})


def same_origin_sockets(settings: Settings) -> Callable[[str | None, MutableMapping[str, Any]], bool]:
    """An engine.io `cors_allowed_origins` check: a browser's socket.io connection (which carries the session
    cookie) is accepted only from a page of the shop: with ORDERLY_BASE_URL set, its origin alone; without it, also
    the very host and port the request went to (a default install reached as localhost, a test server on a random
    port). A page of another site always sends its own origin, so it never matches; with a public address set,
    a rebound DNS name (the attacker's host pointing at the shop, Host and Origin alike) does not either. Clients
    that send no Origin (programs, not browsers) are not asked."""
    public = own_origins(settings)
    host_fallback = not settings.base_url

    def allowed(origin: str | None, environ: MutableMapping[str, Any]) -> bool:
        if not origin:
            return True
        origin = origin.lower()
        if origin in public:
            return True
        scope = environ.get('asgi.scope') or {}
        scheme = {'ws': 'http', 'wss': 'https'}.get(scope.get('scheme', 'http'), scope.get('scheme', 'http'))
        host = environ.get('HTTP_HOST', '')
        if host_fallback and host and origin == f'{scheme}://{host}'.lower():
            return True
        # a warning, not an error: another site's page did it; behind a proxy it also says which base URL to set
        log.warning('socket.io connection from %r refused: not the shop\'s origin (ORDERLY_BASE_URL %s)',
                    origin[:200], settings.effective_base_url)
        return False

    return allowed


def add_security(app: FastAPI, sio: AsyncServer, settings: Settings) -> None:
    """Put the security headers on every response of `app` and refuse socket.io connections from other sites."""
    app.add_middleware(SecurityHeaders, headers=security_headers(settings))
    sio.eio.cors_allowed_origins = same_origin_sockets(settings)
    # engine.io logs its first refused origin as an ERROR; refusing is the intended outcome, our warning says it
    sio.eio.log_message_keys.add('bad-origin')

