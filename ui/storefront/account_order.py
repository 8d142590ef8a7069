"""`/account/orders/{code}`: one of the customer's orders; anyone else's order looks exactly like an unknown code."""

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.catalogue import default_shop
from domain.customer_orders import account_order
from ui.components.page_title import page_title
from ui.storefront.customer_session import require_customer
from ui.storefront.frame import storefront_frame
from ui.storefront.invoices import invoices_card
from ui.storefront.order_cards import delivery_card, history_card, order_card
from ui.storefront.payment_panel import payment_panel


async def account_order_page(code: str) -> RedirectResponse | None:
    shop = await default_shop()
    customer = await require_customer(shop, f'/account/orders/{code}')
    if isinstance(customer, RedirectResponse):
        return customer
    order = await account_order(customer, code)
    with storefront_frame(shop, order.code if order else 'Order'):
        ui.link('← Your orders', '/account').classes('text-sm')
        if order is None:
            page_title('We could not find this order.')
            ui.label('It is not among the orders of your account.').classes('text-stone-600')
            return
        page_title(f'Order {order.code}', classes='sr-only')  # the card below shows the code; this names the page
        order_card(order)
        await history_card(shop, order)
        await payment_panel(shop, order)
        await invoices_card(order)
        delivery_card(shop, order)

