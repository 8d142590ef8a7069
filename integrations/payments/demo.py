"""The built-in `demo` provider: Mollie's API as our stand-in speaks it, served by this very app, with a hosted
checkout page (`/pay/demo/{id}`: amount, order, Pay / Fail / Cancel) that calls our webhook as a provider does.

It talks to itself in-process (httpx's ASGI transport), so it works on a fresh machine behind any host name or
proxy, with no account anywhere. Its payments live in memory: a restart forgets the open ones (it is a demo).
"""

import httpx
from fastapi import FastAPI
from nicegui import ui
from starlette.routing import Mount

from integrations.payments.mollie import MollieProvider
from integrations.payments.mollie_standin import MollieStandIn

API_PATH = '/pay/demo-api'
PAGE_PATH = '/pay/demo/{payment_id}'
KEY = 'test_orderly_demo'  # the stand-in wants a Mollie-shaped key; it guards nothing
_INTERNAL = 'http://orderly.internal'  # any host: the ASGI transport never leaves the process

_current: dict[str, MollieStandIn] = {}


def demo_provider(app: FastAPI, *, public_url: str) -> MollieProvider:
    """Mount the demo provider's API under /pay/demo-api and its page at /pay/demo/{id}; return the client."""
    transport = httpx.ASGITransport(app=app)
    public_url = public_url.rstrip('/')
    standin = MollieStandIn(checkout_url=lambda payment_id: f'{public_url}{PAGE_PATH.format(payment_id=payment_id)}',
                            webhook_transport=transport, controls=False)
    _current['standin'] = standin
    app.router.routes[:] = [route for route in app.router.routes  # tests compose the app again
                            if not (isinstance(route, Mount) and route.path == API_PATH)]
    app.router.routes.append(Mount(API_PATH, standin.app))
    ui.page(PAGE_PATH)(demo_checkout_page)
    return MollieProvider(name='demo', api_key=KEY, api_url=_INTERNAL + API_PATH, transport=transport)


async def demo_checkout_page(payment_id: str) -> None:
    standin = _current.get('standin')
    payment = standin.payments.get(payment_id) if standin else None
    ui.page_title('Demo payment')
    ui.query('body').classes('bg-slate-100')
    with ui.card().classes('max-w-md mx-auto mt-16 w-full gap-3 p-6'):
        ui.label('Demo payment provider · no real money').classes('text-sm text-slate-500')
        if payment is None:
            ui.label('This payment does not exist (any more).').classes('text-xl font-semibold')
            return
        ui.label(f'{payment.amount["currency"]} {payment.amount["value"]}').classes('text-3xl font-semibold') \
            .mark('demo-amount')
        ui.label(payment.description).mark('demo-description')
        if payment.status != 'open':
            ui.label(f'This payment is {payment.status}.')
            ui.link('Back to the shop', payment.redirect_url)
            return

        async def choose(status: str) -> None:
            if payment.status == 'open':
                await standin.set_status(payment_id, status)
            ui.navigate.to(payment.redirect_url)

        with ui.row().classes('gap-2'):
            ui.button('Pay', color='positive', on_click=lambda: choose('paid')).props('no-caps').mark('demo-pay')
            ui.button('Fail', color='negative', on_click=lambda: choose('failed')).props('no-caps outline') \
                .mark('demo-fail')
            ui.button('Cancel', on_click=lambda: choose('canceled')).props('no-caps flat').mark('demo-cancel')
