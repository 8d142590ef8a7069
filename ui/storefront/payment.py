"""Prepayment routes: `/order/{token}/pay` (the payment link), the providers' notifications, and where customers
come back to (`/order/{token}`, whose payment panel shows the outcome).

The providers are handed in by main.py (`add_routes`): the UI never builds an integration itself.
"""

import logging
from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from nicegui import app, ui

from domain.catalogue import default_shop, order_by_token
from domain.models import Order
from domain.payment_guidance import payment_guidance
from domain.payments import (
    PAYMENT_OK,
    OrderNotPayable,
    PaymentProvider,
    PaymentProviderError,
    TooManyAttempts,
    record_payment_notification,
    start_payment,
)
from ui.components.page_title import page_title
from ui.storefront.frame import storefront_frame, storefront_page
from ui.storefront.payment_panel import payment_instructions

log = logging.getLogger(__name__)

WEBHOOK_ROUTE = '/payments/webhook/{provider_name}'
providers: dict[str, PaymentProvider] = {}  # by name; main.py fills it, tests may swap one
_urls = {'base': ''}


def add_routes(*, payment_providers: Mapping[str, PaymentProvider], base_url: str) -> None:
    providers.clear()
    providers.update(payment_providers)
    _urls['base'] = base_url.rstrip('/')
    storefront_page('/order/{token}/pay')(pay_page)
    app.post(WEBHOOK_ROUTE, include_in_schema=False)(payment_webhook)


def webhook_url(provider_name: str) -> str:
    return _urls['base'] + WEBHOOK_ROUTE.format(provider_name=provider_name)


async def pay_page(token: str) -> Response | None:
    """While the order is payable: a new payment attempt for the open amount, and off to the provider."""
    shop = await default_shop()
    order = await order_by_token(shop, token)
    problem = ''
    how = await payment_guidance(shop, order) if order is not None else None
    if order is not None and how is not None and not how.nothing_to_pay:
        provider = providers.get(how.online.provider) if how.online else None
        if provider is None:  # the same rule as every pay link: there is none, so say how to pay instead
            with storefront_frame(shop, order.code):
                page_title(f'Order {order.code}: how to pay').mark('how-to-pay')
                ui.label(f'Still to pay: {how.amount_text}').classes('font-medium')
                payment_instructions(how)
                ui.link('See your order', f'/order/{order.token}')
            return None
        else:
            try:
                payment = await start_payment(order=order, provider=provider,
                                              redirect_url=f'{_urls["base"]}/order/{order.token}',
                                              webhook_url=webhook_url(provider.name))
            except OrderNotPayable:
                pass
            except TooManyAttempts as error:
                problem = str(error)
            except PaymentProviderError as error:
                log.warning('payment for %s could not start: %s', order.code, error)
                problem = 'We could not reach the payment provider. Please try again in a moment.'
            else:
                return RedirectResponse(payment.checkout_url, status_code=303)
    with storefront_frame(shop, order.code if order else 'Payment'):
        pay_message(order, problem)
    return None


def pay_message(order: Order | None, problem: str) -> None:
    if order is None:
        page_title('We could not find this order.')
        ui.label('Please use the link from your confirmation e-mail.').classes('text-stone-600')
        return
    if problem:
        ui.label(problem).classes('text-xl font-semibold').mark('payment-problem')
        with ui.row().classes('gap-2'):
            ui.button('Try again', icon='refresh', on_click=lambda: ui.navigate.to(f'/order/{order.token}/pay')) \
                .props('unelevated no-caps').mark('try-again')
            ui.button('Back to your order', on_click=lambda: ui.navigate.to(f'/order/{order.token}')) \
                .props('flat no-caps')
        return
    page_title(PAYMENT_OK).mark('payment-ok')
    ui.label(f'Order {order.code} is "{order.status.label}": there is nothing to pay.').classes('text-stone-600')
    ui.link('See your order', f'/order/{order.token}')


async def payment_webhook(provider_name: str, request: Request) -> Response:
    """A provider says a payment changed: only the id is read; the provider itself is asked what happened."""
    provider = providers.get(provider_name)
    if provider is None:
        return PlainTextResponse('Unknown provider', status_code=404)
    try:
        form = await request.form()
        payment_id = str(form.get('id') or '')[:100]
    except Exception:  # a body that is no form: nothing we can act on
        return PlainTextResponse('Expected a form with an id', status_code=400)
    try:
        result = await record_payment_notification(provider=provider, provider_payment_id=payment_id)
    except PaymentProviderError as error:  # the provider retries later
        log.warning('payment notification %s/%s not settled: %s', provider_name, payment_id[:64], error)
        return PlainTextResponse('Try again later', status_code=503)
    log.info('payment notification %s/%s: %s', provider_name, payment_id[:64], result.value)
    return PlainTextResponse('OK')
