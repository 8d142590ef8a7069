"""The order as its customer sees it, shared by the order status page and the account's order page."""

from zoneinfo import ZoneInfo

from nicegui import ui

from domain.addresses import shipping_address_lines
from domain.customer_orders import customer_history
from domain.models import Order, Shop
from domain.money import format_money
from domain.schemas import DeliveryMethod
from ui.components.status_badge import StatusBadge
from ui.components.totals import totals_block


def order_card(order: Order) -> ui.card:
    """The order as the customer sees it: code, status, lines and totals (`order.lines` prefetched)."""
    money = lambda amount: format_money(amount, order.currency)  # noqa: E731
    with ui.card().classes('w-full gap-3').props('flat bordered') as card:
        with ui.row().classes('w-full items-center justify-between'):
            with ui.column().classes('gap-0'):
                ui.label('Order').classes('text-sm text-stone-500')
                ui.label(order.code).classes('text-xl font-mono font-semibold order-code')
            StatusBadge(order.status).classes('order-status')
        ui.separator()
        for line in order.lines:
            with ui.row().classes('w-full justify-between no-wrap gap-2 order-line'):
                with ui.column().classes('gap-0 min-w-0'):
                    ui.label(f'{line.quantity} × {line.name}')
                    ui.label(f'{line.sku} · {money(line.unit_price)} each').classes('text-xs text-stone-500')
                ui.label(money(line.total)).classes('shrink-0')
        ui.separator()
        totals_block(subtotal=order.subtotal, shipping=order.shipping_cost, total=order.total, vat=order.vat_total,
                     currency=order.currency)
    return card


def delivery_card(shop: Shop, order: Order) -> None:
    """Pickup or where the order ships to, and the customer's note."""
    with ui.card().classes('w-full gap-1').props('flat bordered'):
        ui.label('Delivery').classes('text-lg font-medium')
        if order.delivery_method is DeliveryMethod.PICKUP:
            ui.label(f'Pickup at {shop.pickup_address}')
        else:
            ui.label('Shipping to')
            for line in (order.customer_name, *shipping_address_lines(order)):
                ui.label(line).classes('text-stone-700')
        if order.note:
            ui.label('Your note').classes('text-sm text-stone-500 pt-2')
            ui.label(order.note).classes('whitespace-pre-line')


async def history_card(shop: Shop, order: Order) -> None:
    """What happened to the order that the customer is told, newest first, with dates in the shop's time zone."""
    zone = ZoneInfo(shop.timezone)
    with ui.card().classes('w-full gap-2').props('flat bordered').mark('order-history'):
        ui.label('History').classes('text-lg font-medium')
        for entry in reversed(await customer_history(order)):
            with ui.row().classes('w-full items-baseline gap-x-4 gap-y-0 history-entry'):
                ui.label(entry.at.astimezone(zone).strftime('%d %b %Y %H:%M')).classes('text-sm text-stone-500 w-36')
                ui.label(entry.what).classes('font-medium')
                if entry.link:
                    ui.link(entry.link[0], entry.link[1], new_tab=True).classes('tracking-link') \
                        .props('rel="noopener noreferrer"')
