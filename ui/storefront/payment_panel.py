"""The order page's payment panel: the outcome of the last attempt, "try again", the pay button, or how to pay by
bank transfer or at the pickup, as domain/payment_guidance.py says. Nothing to pay: no panel."""

from nicegui import ui

from domain.models import Order, Payment, PaymentStatus, Shop
from domain.payment_guidance import HowToPay, PayLater, payment_guidance
from domain.payments import latest_payment

OUTCOMES = {
    PaymentStatus.FAILED: 'Your payment failed.',
    PaymentStatus.CANCELED: 'Your payment was cancelled.',
    PaymentStatus.EXPIRED: 'Your payment expired.',
}


async def payment_panel(shop: Shop, order: Order) -> None:
    """Nothing once the order is paid or past paying; otherwise what the customer can do to pay."""
    how = await payment_guidance(shop, order)
    if how.nothing_to_pay:
        return
    payment = await latest_payment(order.id)
    with ui.card().classes('w-full gap-2').props('flat bordered').mark('payment-panel'):
        ui.label('Payment').classes('text-lg font-medium')
        ui.label(f'Still to pay: {how.amount_text}').classes('font-medium').mark('open-amount')
        if how.pay_path:
            _online(order, how.pay_path, payment)
        elif payment is not None and (payment.status is PaymentStatus.PAID or payment.flagged):
            ui.label('We received a payment and are checking it. The shop will contact you.').mark('payment-outcome')
        payment_instructions(how)


def _online(order: Order, pay_path: str, payment: Payment | None) -> None:
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
    else:
        ui.button('Pay now', icon='payment', on_click=lambda: ui.navigate.to(pay_path)) \
            .props('unelevated no-caps').mark('pay-now')


def payment_instructions(how: HowToPay) -> None:
    """The ways without a link: the transfer's details to copy, the pickup, or that the shop will say."""
    first = how.pay_path is None
    if transfer := how.bank_transfer:
        ui.label('Pay by bank transfer to' if first else 'Or pay by bank transfer to').classes(
            '' if first else 'pt-2')
        with ui.column().classes('gap-0').mark('bank-transfer'):
            ui.label(transfer.iban).classes('font-mono text-lg').mark('iban')
            ui.label(f'In the name of {transfer.beneficiary}').mark('beneficiary')
            ui.label(f'Reference: {transfer.reference}').classes('font-mono').mark('transfer-reference')
        ui.label('We start on your order once the transfer arrives.').classes('text-sm text-stone-600')
        first = False
    if how.on_pickup:
        ui.label('You can also pay when you pick up your order.' if not first
                 else 'You pay when you pick up your order.').classes('' if first else 'pt-2').mark('pay-on-pickup')
    if any(isinstance(way, PayLater) for way in how.ways):
        ui.label('The shop will tell you how to pay.').mark('pay-later')


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
