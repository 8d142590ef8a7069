"""`/order/{token}`: the customer's confirmation and status page, behind an unguessable token."""

from nicegui import ui

from domain.catalogue import default_shop, order_by_token
from domain.models import Order, Shop
from domain.money import format_money
from domain.schemas import DeliveryMethod
from ui.components.status_badge import StatusBadge
from ui.components.totals import totals_block
from ui.storefront.frame import storefront_frame
from ui.storefront.invoices import invoices_card
from ui.storefront.payment_panel import payment_panel


async def order_page(token: str) -> None:
    shop = await default_shop()
    order = await order_by_token(shop, token)
    with storefront_frame(shop, order.code if order else 'Order'):
        if order is None:
            # Unknown and expired links look the same: a token reveals nothing.
            ui.label('We could not find this order.').classes('text-2xl font-semibold')
            ui.label('Please use the link from your confirmation e-mail.').classes('text-stone-600')
            return
        order_details(shop, order)
        await payment_panel(shop, order)
        await invoices_card(order)


def order_details(shop: Shop, order: Order) -> None:
    money = lambda amount: format_money(amount, order.currency)  # noqa: E731
    with ui.column().classes('w-full gap-1'):
        ui.label(f'Thank you, {order.customer_name}!').classes('text-2xl font-semibold')
        ui.label(f'We have received your order and sent a confirmation to {order.email}.').classes('text-stone-600')
    with ui.card().classes('w-full gap-3').props('flat bordered'):
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
    with ui.card().classes('w-full gap-1').props('flat bordered'):
        ui.label('Delivery').classes('text-lg font-medium')
        if order.delivery_method is DeliveryMethod.PICKUP:
            ui.label(f'Pickup at {shop.pickup_address}')
        else:
            ui.label('Shipping to')
            for line in (order.customer_name, order.street, f'{order.postal_code} {order.city}', order.country):
                ui.label(line).classes('text-stone-700')
        if order.note:
            ui.label('Your note').classes('text-sm text-stone-500 pt-2')
            ui.label(order.note).classes('whitespace-pre-line')
