"""The built-in `demo` provider: Mollie's API as our stand-in speaks it, served by this very app, with a hosted
checkout page (`/pay/demo/{id}`: amount, order, Pay / Fail / Cancel) that calls our webhook as a provider does.

It talks to itself in-process (httpx's ASGI transport), so it works on a fresh machine behind any host name or
proxy, with no account anywhere. Its payments live in memory: a restart forgets the open ones (it is a demo).

Its routes stay mounted (tests compose the app again and again), but they answer 404 unless a shop chose the demo
provider (Settings > Checkout). Then each shop has its own random API key (domain/payment_settings.py), a payment
is created only for the open amount of one of that shop's orders, and customers are sent back only to the shop's
own origin: the API is reachable from outside, so nothing an outsider sends may lead a customer anywhere.
"""

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, Response
from nicegui import ui
from starlette.routing import Mount

from domain.catalogue import default_shop
from domain.payment_settings import DEMO, demo_api_key, demo_chosen_anywhere, payment_options, shop_of_demo_key
from domain.payments import (
    CreatedPayment,
    PaymentProviderError,
    PaymentRequest,
    ProviderPayment,
    payment_refusal,
    payment_shop_id,
)
from domain.redirects import own_origin_url
from integrations.payments.mollie import MollieProvider, amount_of
from integrations.payments.mollie_standin import MollieStandIn, StandInPolicy

API_PATH = '/pay/demo-api'
PAGE_PATH = '/pay/demo/{payment_id}'
WEBHOOK_PATH = '/payments/webhook/demo'  # ui/storefront/payment.py's WEBHOOK_ROUTE for this provider
_INTERNAL = 'http://orderly.internal'  # any host: the ASGI transport never leaves the process

_current: dict[str, Any] = {}


class DemoPolicy(StandInPolicy):
    """The stand-in as the demo provider: only for shops that chose it, each with its own key and orders."""

    def __init__(self, public_url: str) -> None:
        self.public_url = public_url

    async def available(self) -> bool:
        return await demo_chosen_anywhere()

    async def account(self, key: str) -> object | None:
        return await shop_of_demo_key(key)

    async def refusal(self, account: object, body: dict[str, Any]) -> tuple[str, str] | None:
        metadata = body.get('metadata')
        code = metadata.get('order_code') if isinstance(metadata, dict) else None
        amount = amount_of(body.get('amount'))
        if not isinstance(account, int) or not isinstance(code, str) or amount is None:
            return 'metadata', 'The metadata names no order of this shop'
        problem = await payment_refusal(shop_id=account, order_code=code, amount=amount[0], currency=amount[1])
        return ('amount', problem) if problem else None

    def redirect_url(self, url: str) -> str | None:
        return own_origin_url(url, self.public_url)

    def webhook_url(self, url: str) -> str | None:
        # in-process calls could reach any route of ours: only the demo's own webhook is allowed (or none)
        if not url:
            return url
        checked = own_origin_url(url, self.public_url)
        return checked if checked == own_origin_url(WEBHOOK_PATH, self.public_url) else None


class DemoProvider:
    """A `PaymentProvider`: the Mollie client, in-process, with the key of the shop whose payment it is."""

    name = DEMO

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._client = MollieProvider(name=DEMO, api_key='', api_url=_INTERNAL + API_PATH, transport=transport)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def create_payment(self, request: PaymentRequest) -> CreatedPayment:
        return await self._client.create_payment(request, api_key=await self._key(request.shop_id))

    async def fetch_payment(self, provider_payment_id: str) -> ProviderPayment:
        shop_id = await payment_shop_id(provider=DEMO, provider_payment_id=provider_payment_id)
        return await self._client.fetch_payment(provider_payment_id, api_key=await self._key(shop_id))

    @staticmethod
    async def _key(shop_id: int | None) -> str:
        key = await demo_api_key(shop_id) if shop_id else None
        if key is None:
            raise PaymentProviderError('The demo provider is not chosen in this shop.')
        return key


def demo_provider(app: FastAPI, *, public_url: str) -> DemoProvider:
    """Mount the demo provider's API under /pay/demo-api and its page at /pay/demo/{id}; return the client."""
    transport = httpx.ASGITransport(app=app)
    public_url = public_url.rstrip('/')
    standin = MollieStandIn(checkout_url=lambda payment_id: f'{public_url}{PAGE_PATH.format(payment_id=payment_id)}',
                            webhook_transport=transport, controls=False, policy=DemoPolicy(public_url))
    _current.update(standin=standin, public_url=public_url)
    app.router.routes[:] = [route for route in app.router.routes  # tests compose the app again
                            if not (isinstance(route, Mount) and route.path == API_PATH)]
    app.router.routes.append(Mount(API_PATH, standin.app))
    ui.page(PAGE_PATH)(demo_checkout_page)
    return DemoProvider(transport)


async def demo_checkout_page(payment_id: str) -> Response | None:
    standin: MollieStandIn | None = _current.get('standin')
    payment = standin.payments.get(payment_id) if standin else None
    shop = None if payment else await default_shop()
    shop_id = payment.account if payment else shop.id if shop else None
    if standin is None or not isinstance(shop_id, int) or not (await payment_options(shop_id)).uses_demo:
        return PlainTextResponse('Not Found', status_code=404)
    # checked again here: the page must never lead anywhere but the shop, whatever got stored
    back = own_origin_url(payment.redirect_url if payment else '', _current['public_url']) \
        or own_origin_url('/', _current['public_url']) or '/'
    ui.page_title('Demo payment')
    ui.query('body').classes('bg-slate-100')
    with ui.card().classes('max-w-md mx-auto mt-16 w-full gap-3 p-6'):
        ui.label('Demo payment provider · no real money').classes('text-sm text-slate-500')
        if payment is None:
            ui.label('This payment does not exist (any more).').classes('text-xl font-semibold')
            return None
        ui.label(f'{payment.amount["currency"]} {payment.amount["value"]}').classes('text-3xl font-semibold') \
            .mark('demo-amount')
        ui.label(payment.description).mark('demo-description')
        if payment.status != 'open':
            ui.label(f'This payment is {payment.status}.')
            ui.link('Back to the shop', back).mark('demo-back')
            return None

        async def choose(status: str) -> None:
            if payment.status == 'open':
                await standin.set_status(payment_id, status)
            ui.navigate.to(back)

        with ui.row().classes('gap-2'):
            ui.button('Pay', color='positive', on_click=lambda: choose('paid')).props('no-caps').mark('demo-pay')
            ui.button('Fail', color='negative', on_click=lambda: choose('failed')).props('no-caps outline') \
                .mark('demo-fail')
            ui.button('Cancel', on_click=lambda: choose('canceled')).props('no-caps flat').mark('demo-cancel')
    return None
