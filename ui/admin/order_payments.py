"""The order detail's "Payments" card: every attempt (provider id, method, amount, status, time, flags) and
"Mark as paid" for a bank transfer that arrived."""

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.errors import OrderlyError
from domain.models import Order, Payment, PaymentStatus, Shop
from domain.money import format_money
from domain.payments import mark_as_paid, payments_of
from domain.statuses import is_payable
from ui.admin.session import guarded
from ui.components.confirm import ask_to_confirm

COLORS = {PaymentStatus.PAID: 'teal-8', PaymentStatus.OPEN: 'blue-9'}  # white text at >= 4.5:1


class PaymentsCard(ui.card):
    """Filled once the page is up (it reads the database); `refresh` redraws it, and the order's page calls it on
    every status change of the order, so "Mark as paid" shows only while the order is payable. `on_paid` lets the
    rest of the page show the order as it is once marked paid here."""

    def __init__(self, shop: Shop, admin: SignedInAdmin, order: Order,
                 on_paid: Callable[[], Awaitable[Any]] | None = None) -> None:
        super().__init__()
        self.shop, self.admin, self.order, self.on_paid = shop, admin, order, on_paid
        self.busy = False  # marking paid here: the status change it announces is our own
        self.timezone = ZoneInfo(shop.timezone)
        self.classes('w-full gap-2').props('flat bordered').mark('payments')
        with self:
            ui.label('Payments').classes('text-lg font-medium')
            self.body = ui.column().classes('w-full gap-1')
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        payments = await payments_of(self.order.id)
        self.order = await Order.get_or_none(id=self.order.id, shop_id=self.shop.id) or self.order
        self.body.clear()
        with self.body:
            for payment in payments:
                self.payment_row(payment)
            if not payments:
                ui.label('No payment attempts.').classes('text-sm text-stone-500')
            if is_payable(self.order.status):
                ui.button('Mark as paid', icon='price_check', on_click=guarded(self.shop.id, self.ask_mark_paid)) \
                    .props('outline no-caps').mark('mark-paid')

    def payment_row(self, payment: Payment) -> None:
        with ui.column().classes('w-full gap-0 text-sm payment-row'):
            with ui.row().classes('w-full items-center justify-between no-wrap gap-2'):
                ui.label(format_money(payment.amount, payment.currency)).classes('font-medium')
                ui.badge(payment.status.value, color=COLORS.get(payment.status, 'grey-7'))
            when = payment.created_at.astimezone(self.timezone).strftime('%d %b %Y %H:%M')
            ui.label(' · '.join(part for part in (payment.provider, payment.provider_payment_id, payment.method, when)
                                if part)).classes('text-xs text-stone-500 font-mono')
            if payment.flagged:
                ui.label(f'⚠ {payment.flagged}').classes('text-xs text-negative').mark('payment-flag')

    def ask_mark_paid(self) -> None:
        ask_to_confirm(f'Record that the payment for {self.order.code} arrived (a bank transfer)? The order moves to '
                       '"Payment received".', guarded(self.shop.id, self.mark_paid), action='Mark as paid',
                       mark='confirm-mark-paid')

    async def mark_paid(self) -> None:
        try:
            self.busy = True
            self.order = await mark_as_paid(shop_id=self.shop.id, order_id=self.order.id, actor=self.admin.email)
        except OrderlyError as error:
            ui.notify(str(error), type='negative')
            return
        finally:
            self.busy = False
        ui.notify(f'{self.order.code} marked as paid.', type='positive')
        await self.refresh()
        if self.on_paid is not None:
            await self.on_paid()
