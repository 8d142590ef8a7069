"""`/order/{token}`: the customer's confirmation and status page, behind an unguessable token."""

from nicegui import ui

from domain.catalogue import default_shop, order_by_token
from domain.customer_orders import status_in_words
from domain.customer_settings import CustomerAccounts, customer_accounts
from domain.models import Order, Shop
from domain.references import reference_link
from ui.components.page_title import page_title
from ui.storefront.frame import storefront_frame
from ui.storefront.invoices import invoices_card
from ui.storefront.order_access import may_see_order
from ui.storefront.order_cards import delivery_card, history_card, order_card
from ui.storefront.payment_panel import payment_panel


async def order_page(token: str) -> None:
    shop = await default_shop()
    order = await order_by_token(shop, token)
    if order is not None and not await may_see_order(shop, order):
        order = None
    with storefront_frame(shop, order.code if order else 'Order'):
        if order is None:
            not_found(shop)
            return
        order_details(shop, order)
        tracking(order)
        await payment_panel(shop, order)
        await history_card(shop, order)
        await invoices_card(order)
        delivery_card(shop, order)
        if order.customer_id is not None:
            with ui.row().classes('items-center gap-2').mark('account-pointer'):
                ui.label('You can follow this order in your account too:').classes('text-stone-600')
                ui.link('Your orders', f'/account/orders/{order.code}')


def not_found(shop: Shop) -> None:
    """Unknown links, links of another shop and orders this browser may not see look the same: a token reveals
    nothing. The words depend on the shop's setting only."""
    page_title('We could not find this order.').mark('order-not-found')
    if shop.guest_status_link:
        ui.label('Please use the link from your confirmation e-mail.').classes('text-stone-600')
        return
    ui.label('This page shows an order right after checkout only. Your confirmation e-mail has all its details.') \
        .classes('text-stone-600')
    if customer_accounts(shop) is CustomerAccounts.GUESTS:
        return
    with ui.row().classes('items-center gap-2'):
        ui.label('Have an account? Your orders are there.').classes('text-stone-600')
        ui.link('Log in', '/account/login?next=/account')


def tracking(order: Order) -> None:
    """The parcel's tracking link, once the merchant entered a tracking code or address (never an internal
    reference)."""
    link = reference_link(order.reference) if order.reference else None
    if link is None:
        return
    label, url = link
    with ui.card().classes('w-full gap-1').props('flat bordered').mark('tracking'):
        ui.label('Tracking').classes('text-lg font-medium')
        ui.link(label, url, new_tab=True).props('rel=noopener').mark('tracking-link')


def order_details(shop: Shop, order: Order) -> None:
    with ui.column().classes('w-full gap-1'):
        page_title(f'Thank you, {order.customer_name}!')
        ui.label(status_in_words(order)).classes('text-stone-600').mark('status-in-words')
    order_card(order)
