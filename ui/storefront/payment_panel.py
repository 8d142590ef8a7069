"""The order page's payment panel: the outcome of the last attempt, "try again", or how to pay by bank transfer."""

from nicegui import ui

from domain.models import Order, Payment, PaymentStatus, Shop
from domain.money import format_money
from domain.payment_settings import grouped_iban, payment_options
from domain.payments import latest_payment, open_amount
from domain.statuses import OrderStatus, is_payable

OUTCOMES = {
    PaymentStatus.FAILED: 'Your payment failed.',
    PaymentStatus.CANCELED: 'Your payment was cancelled.',
    PaymentStatus.EXPIRED: 'Your payment expired.',
}


async def payment_panel(shop: Shop, order: Order) -> None:
    """Nothing once the order is paid or past paying; otherwise what the customer can do to pay."""
    if not is_payable(order.status):
        return
    options, payment = await payment_options(shop.id), await latest_payment(order.id)
    amount = format_money(await open_amount(order), order.currency)
    pay_path = f'/order/{order.token}/pay'
    with ui.card().classes('w-full gap-2').props('flat bordered').mark('payment-panel'):
        ui.label('Payment').classes('text-lg font-medium')
        if payment is not None and payment.status in OUTCOMES:
            ui.label(OUTCOMES[payment.status]).classes('text-negative font-medium').mark('payment-outcome')
            ui.button('Try again', icon='refresh', on_click=lambda: ui.navigate.to(pay_path)) \
                .props('unelevated no-caps').mark('try-again')
        elif payment is not None and payment.status is PaymentStatus.OPEN and not payment.flagged:
            ui.label('We are waiting for the payment provider to confirm your payment.').mark('payment-outcome')
            with ui.row().classes('gap-2'):
                ui.button('Refresh', icon='refresh', on_click=lambda: ui.navigate.reload()).props('flat no-caps')
                ui.button('Pay now', on_click=lambda: ui.navigate.to(pay_path)).props('unelevated no-caps')
            _reload_when_settled(order, payment)
        elif payment is not None:
            ui.label('We received a payment and are checking it. The shop will contact you.').mark('payment-outcome')
        elif options.online:
            ui.label(f'Still to pay: {amount}')
            ui.button('Pay now', icon='payment', on_click=lambda: ui.navigate.to(pay_path)) \
                .props('unelevated no-caps').mark('pay-now')
        if order.status is OrderStatus.AWAITING_PAYMENT and options.bank_transfer and options.iban:
            ui.label(f'Or transfer {amount} to').classes('pt-2' if payment or options.online else '')
            ui.label(grouped_iban(options.iban)).classes('font-mono text-lg').mark('iban')
            ui.label(f'Reference: {order.code}').classes('font-mono').mark('transfer-reference')


def _reload_when_settled(order: Order, payment: Payment) -> None:
    """The notification often arrives a moment after the customer: look again every few seconds, for a while."""
    checks = {'left': 40}

    async def check() -> None:
        checks['left'] -= 1
        latest = await latest_payment(order.id)
        if latest is None or latest.id != payment.id or latest.status is not payment.status or checks['left'] <= 0:
            timer.cancel()
            if checks['left'] > 0:
                ui.navigate.reload()

    timer = ui.timer(3, check)
