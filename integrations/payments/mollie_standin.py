"""A local stand-in for Mollie's Payments API v2, for tests, development and the built-in demo provider.

It speaks the documented requests and answers (https://docs.mollie.com/reference/create-payment, get-payment):
`POST /v2/payments` (Bearer test_… or live_… key, amount as a string with two decimals) answers 201 with the payment
and `_links.checkout.href`; `GET /v2/payments/{id}`; errors as application/hal+json with status, title and detail.
Its checkout page (`/checkout/{id}`) has Pay, Fail, Cancel and Expire buttons; a status change POSTs `id=tr_…`
(form-encoded) to the payment's webhookUrl, as Mollie does, then sends the customer to the redirectUrl.

What it lets through is its `StandInPolicy`: by default Mollie's own rules (any test_/live_ key, an http(s)
redirectUrl); the built-in demo provider (demo.py) answers only when the shop chose it, with the shop's own key,
for the shop's own orders, and sends customers back to the shop's own origin only.

Tests steer it under `/_standin/…` (set a status, answer the next API calls with errors, change the amount paid).
Run it alone: `python -m integrations.payments.mollie_standin --port 8765`, then ORDERLY_MOLLIE_API_URL=
http://127.0.0.1:8765 and ORDERLY_MOLLIE_API_KEY=test_anything.
"""

import argparse
import asyncio
import html
import logging
import re
import secrets
import socket
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from domain.redirects import web_url

log = logging.getLogger(__name__)

STATUSES = ('open', 'paid', 'failed', 'canceled', 'expired')
_VALUE = re.compile(r'^\d{1,10}\.\d{2}$')
_KEY = re.compile(r'^(test|live)_\w{3,}$')
HAL = 'application/hal+json'
MAX_PAYMENTS = 10_000
MAX_REQUESTS_KEPT = 1000


@dataclass
class StandInPayment:
    id: str
    amount: dict[str, str]
    description: str
    redirect_url: str
    webhook_url: str
    metadata: Any
    created_at: datetime
    account: object = None  # whose it is: only that account's key reads it
    status: str = 'open'
    method: str | None = None
    paid_at: datetime | None = None
    webhook_calls: list[int | str] = field(default_factory=list)  # the answers our webhook got: status or error


class StandInPolicy:
    """Mollie's own rules: any test_/live_ key is an account of its own, redirects go to any http(s) address."""

    async def available(self) -> bool:
        """False: the API and the checkout page answer 404 (the demo provider nobody chose)."""
        return True

    async def account(self, key: str) -> object | None:
        """The account `key` belongs to; None: refused with 401."""
        return key if _KEY.match(key) else None

    async def refusal(self, account: object, body: dict[str, Any]) -> tuple[str, str] | None:
        """(field, detail) when `account` may not create the payment `body` describes (a 422)."""
        return None

    def redirect_url(self, url: str) -> str | None:
        """Where customers may be sent back to after paying; None: refused."""
        return web_url(url)

    def webhook_url(self, url: str) -> str | None:
        """Where notifications may go; None: refused. Empty: none are sent."""
        return url if not url else web_url(url)


class MollieStandIn:
    """The stand-in's state and its FastAPI app (`.app`).

    `public_url` overrides the host in links; `checkout_url` makes a payment's checkout link from its id (default:
    this app's own page); `webhook_transport` carries webhook calls (the demo provider calls its own server
    in-process); `policy` decides what it lets through.
    """

    def __init__(self, *, public_url: str = '', checkout_url: Callable[[str], str] | None = None,
                 webhook_transport: httpx.AsyncBaseTransport | None = None, controls: bool = True,
                 policy: StandInPolicy | None = None) -> None:
        self.public_url = public_url.rstrip('/')
        self.policy = policy or StandInPolicy()
        self.controls = controls  # the /_standin/… test controls; off where customers can reach it (the demo)
        self.checkout_url = checkout_url
        self.webhook_transport = webhook_transport
        self.payments: dict[str, StandInPayment] = {}
        self.requests: list[tuple[str, str, str]] = []  # method, path, Authorization header as sent (the latest)
        self.next_errors: list[int] = []  # answer the next API requests with these statuses
        self.delay = 0.0  # seconds before each API answer (timeouts)
        self.app = self._build()

    def _error(self, status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
        return JSONResponse({'status': status, 'title': title, 'detail': detail, **extra,
                             '_links': {'documentation': {'href': 'https://docs.mollie.com/overview/handling-errors',
                                                          'type': 'text/html'}}},
                            status_code=status, media_type=HAL)

    def _resource(self, payment: StandInPayment, base: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            'resource': 'payment', 'id': payment.id, 'mode': 'test', 'amount': payment.amount,
            'description': payment.description, 'method': payment.method, 'metadata': payment.metadata,
            'status': payment.status, 'isCancelable': payment.status == 'open',
            'createdAt': payment.created_at.isoformat(), 'profileId': 'pfl_standin', 'sequenceType': 'oneoff',
            'redirectUrl': payment.redirect_url, 'webhookUrl': payment.webhook_url,
            '_links': {'self': {'href': f'{base}/v2/payments/{payment.id}', 'type': HAL},
                       'documentation': {'href': 'https://docs.mollie.com/reference/get-payment',
                                         'type': 'text/html'}},
        }
        if payment.status == 'open':
            body['expiresAt'] = (payment.created_at + timedelta(minutes=15)).isoformat()
            href = self.checkout_url(payment.id) if self.checkout_url else f'{base}/checkout/{payment.id}'
            body['_links']['checkout'] = {'href': href, 'type': 'text/html'}
        if payment.paid_at:
            body['paidAt'] = payment.paid_at.isoformat()
        if payment.status in ('failed', 'canceled', 'expired'):
            body[f'{payment.status}At'] = datetime.now(UTC).isoformat()
        return body

    async def set_status(self, payment_id: str, status: str, *, notify: bool = True,
                         paid_value: str | None = None, paid_currency: str | None = None) -> None:
        """Change a payment as the customer or bank would, and call its webhook like Mollie."""
        payment = self.payments[payment_id]
        payment.status = status
        if status == 'paid':
            payment.paid_at, payment.method = datetime.now(UTC), payment.method or 'ideal'
        if paid_value or paid_currency:  # a payment that came in other than asked (tests of the mismatch check)
            payment.amount = {'currency': paid_currency or payment.amount['currency'],
                              'value': paid_value or payment.amount['value']}
        if notify:
            await self.notify(payment_id)

    async def notify(self, payment_id: str) -> None:
        """POST `id=tr_…` to the payment's webhookUrl; Mollie retries failures later, this records them."""
        payment = self.payments[payment_id]
        if not payment.webhook_url:
            return
        try:
            async with httpx.AsyncClient(timeout=10, transport=self.webhook_transport) as client:
                answer = await client.post(payment.webhook_url, data={'id': payment.id})
            payment.webhook_calls.append(answer.status_code)
        except httpx.HTTPError as error:
            payment.webhook_calls.append(type(error).__name__)

    def _build(self) -> FastAPI:
        app = FastAPI(title='Mollie stand-in', openapi_url=None, docs_url=None, redoc_url=None)

        def base(request: Request) -> str:
            mounted_at = request.scope.get('root_path', '')  # under /pay/demo-api for the demo provider
            return self.public_url or f'{request.url.scheme}://{request.url.netloc}{mounted_at}'.rstrip('/')

        async def gate(request: Request) -> JSONResponse | tuple[object]:
            """A refusal, or (the account of the request's key,)."""
            if not await self.policy.available():
                return self._error(404, 'Not Found', 'Not Found')
            self.requests.append((request.method, request.url.path, request.headers.get('authorization', '')))
            del self.requests[:-MAX_REQUESTS_KEPT]  # the demo's API is reachable from outside: memory stays bounded
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.next_errors:
                status = self.next_errors.pop(0)
                return self._error(status, 'Internal Server Error' if status >= 500 else 'Error', 'Scripted error')
            account = await self.policy.account(request.headers.get('authorization', '').removeprefix('Bearer '))
            if account is None:
                return self._error(401, 'Unauthorized Request', 'Missing authentication, or failed to authenticate')
            return (account,)

        @app.post('/v2/payments')
        async def create_payment(request: Request) -> Response:
            passed = await gate(request)
            if isinstance(passed, Response):
                return passed
            try:
                body = await request.json()
                amount = body['amount']
                currency, value = str(amount['currency']), str(amount['value'])
            except (ValueError, KeyError, TypeError):
                return self._error(422, 'Unprocessable Entity', 'The amount is required', field='amount')
            if not re.match(r'^[A-Z]{3}$', currency):
                return self._error(422, 'Unprocessable Entity', 'The currency is invalid', field='amount.currency')
            if not _VALUE.match(value) or float(value) <= 0:
                return self._error(422, 'Unprocessable Entity', 'The amount contains an invalid value',
                                   field='amount.value')
            if not str(body.get('description') or '').strip():
                return self._error(422, 'Unprocessable Entity', 'The description is invalid', field='description')
            redirect_url = self.policy.redirect_url(str(body.get('redirectUrl') or ''))
            if redirect_url is None:
                return self._error(422, 'Unprocessable Entity', 'The redirect URL is invalid', field='redirectUrl')
            webhook_url = self.policy.webhook_url(str(body.get('webhookUrl') or ''))
            if webhook_url is None:
                return self._error(422, 'Unprocessable Entity', 'The webhook URL is invalid', field='webhookUrl')
            if refusal := await self.policy.refusal(passed[0], body):
                return self._error(422, 'Unprocessable Entity', refusal[1], field=refusal[0])
            payment_id = 'tr_' + ''.join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))
            payment = StandInPayment(id=payment_id, amount={'currency': currency, 'value': value},
                                     description=str(body['description']), redirect_url=redirect_url,
                                     webhook_url=webhook_url, metadata=body.get('metadata'),
                                     created_at=datetime.now(UTC), account=passed[0])
            self.payments[payment_id] = payment
            while len(self.payments) > MAX_PAYMENTS:  # it lives in memory: the oldest go first
                del self.payments[next(iter(self.payments))]
            return JSONResponse(self._resource(payment, base(request)), status_code=201, media_type=HAL)

        @app.get('/v2/payments/{payment_id}')
        async def get_payment(payment_id: str, request: Request) -> Response:
            passed = await gate(request)
            if isinstance(passed, Response):
                return passed
            payment = self.payments.get(payment_id)
            if payment is None or payment.account != passed[0]:  # another account's payment: as if there were none
                return self._error(404, 'Not Found', f'No payment exists with token {payment_id[:40]}.')
            return JSONResponse(self._resource(payment, base(request)), media_type=HAL)

        @app.get('/checkout/{payment_id}')
        async def checkout_page(payment_id: str) -> Response:
            payment = self.payments.get(payment_id) if await self.policy.available() else None
            if payment is None:
                return HTMLResponse('<h1>Payment not found</h1>', status_code=404)
            return HTMLResponse(_checkout_html(payment))

        @app.post('/checkout/{payment_id}')
        async def checkout_choice(payment_id: str, action: str = Form('')) -> Response:
            payment = self.payments.get(payment_id) if await self.policy.available() else None
            if payment is None:
                return HTMLResponse('<h1>Payment not found</h1>', status_code=404)
            if payment.status == 'open' and action in STATUSES[1:]:
                await self.set_status(payment_id, action)
            back = self.policy.redirect_url(payment.redirect_url)  # checked again: whatever got stored, however
            if back is None:
                return HTMLResponse('<h1>Thank you</h1><p>You may close this page.</p>')
            return RedirectResponse(back, status_code=303)

        @app.post('/_standin/payments/{payment_id}')
        async def steer(payment_id: str, request: Request) -> Response:
            if not self.controls:
                return JSONResponse({'detail': 'Not Found'}, status_code=404)
            try:
                body = await request.json()
            except ValueError:
                body = None
            if not isinstance(body, dict) or payment_id not in self.payments or body.get('status') not in STATUSES:
                return JSONResponse({'detail': 'unknown payment or status'}, status_code=404)
            await self.set_status(payment_id, body['status'], notify=body.get('notify', True),
                                  paid_value=body.get('value'), paid_currency=body.get('currency'))
            return JSONResponse({'webhook_calls': self.payments[payment_id].webhook_calls})

        return app


def _checkout_html(payment: StandInPayment) -> str:
    amount = html.escape(f'{payment.amount["currency"]} {payment.amount["value"]}')
    description = html.escape(payment.description)
    if payment.status != 'open':
        buttons = f'<p>This payment is {html.escape(payment.status)}.</p>'
    else:
        buttons = ''.join(f'<button name="action" value="{value}" class="{value}">{label}</button>'
                          for value, label in (('paid', 'Pay'), ('failed', 'Fail'), ('canceled', 'Cancel'),
                                               ('expired', 'Expire')))
    return f'''<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay {amount}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}}
.box{{border:1px solid #ddd;border-radius:12px;padding:1.5rem}} button{{font-size:1rem;padding:.6rem 1.2rem;
margin:.3rem .3rem 0 0;border-radius:8px;border:1px solid #999;cursor:pointer}} .paid{{background:#0a7;color:#fff}}
</style></head><body><div class="box"><p>Test payment provider (no real money)</p><h1>{amount}</h1>
<p>{description}</p><form method="post">{buttons}</form></div></body></html>'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class StandInServer:
    """The stand-in on a real loopback port, served by uvicorn in a thread (tests, or alongside a dev server)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.standin = MollieStandIn()
        self._server = uvicorn.Server(uvicorn.Config(self.standin.app, host='127.0.0.1', port=self.port,
                                                     log_level='warning', lifespan='off'))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> 'StandInServer':
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError('the Mollie stand-in did not start')
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description='A local stand-in for Mollie\'s Payments API v2.')
    parser.add_argument('--port', type=int, default=8765)
    parser.add_argument('--host', default='127.0.0.1')
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(MollieStandIn().app, host=arguments.host, port=arguments.port)
