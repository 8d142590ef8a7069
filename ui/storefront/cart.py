"""`/cart`: the cart's lines with editable quantities and live totals."""

from decimal import Decimal

from nicegui import ui

from domain.catalogue import default_shop, priced_line, products_by_id
from domain.delivery import DeliveryOffer
from domain.models import Product, Shop
from domain.money import format_money
from domain.schemas import MAX_QUANTITY
from ui.components.page_title import page_title
from ui.components.swatch import ProductSwatch
from ui.storefront import cart_state
from ui.storefront.frame import storefront_frame


async def cart_page() -> None:
    shop = await default_shop()
    products = await products_by_id(shop, list(cart_state.cart()))
    with storefront_frame(shop, 'Cart') as cart_button:
        page_title('Your cart')

        @ui.refreshable
        def totals() -> None:
            lines = [priced_line(products[pid], qty) for pid, qty in cart_state.cart().items() if pid in products]
            subtotal = sum((line.total for line in lines), Decimal('0.00'))
            with ui.row().classes('w-full justify-end items-baseline gap-4'):
                ui.label('Subtotal').classes('text-stone-600')
                ui.label(format_money(subtotal, shop.currency)).classes('text-xl font-semibold cart-subtotal')
            ui.label(DeliveryOffer.of(shop).describe(subtotal, shop.currency)) \
                .classes('w-full text-right text-sm text-stone-500').mark('delivery-summary')

        @ui.refreshable
        def content() -> None:
            items = {pid: qty for pid, qty in cart_state.cart().items() if pid in products}
            if not items:
                with ui.column().classes('w-full items-center gap-3 py-12'):
                    ui.icon('remove_shopping_cart', size='xl').classes('text-stone-400')
                    ui.label('Your cart is empty.').classes('text-lg')
                    ui.button('Browse the products', on_click=lambda: ui.navigate.to('/')).props('no-caps')
                return
            with ui.card().classes('w-full p-0').props('flat bordered'):
                for pid, qty in items.items():
                    cart_line(shop, products[pid], qty, on_change=changed)
            totals()
            with ui.row().classes('w-full justify-end'):
                ui.button('Checkout', icon='arrow_forward', on_click=lambda: ui.navigate.to('/checkout')) \
                    .props('unelevated no-caps size=lg')

        def changed(removed: bool) -> None:
            cart_button.refresh()
            content.refresh() if removed else totals.refresh()

        content()


def cart_line(shop: Shop, product: Product, quantity: int, on_change) -> None:
    limit = min(product.stock, MAX_QUANTITY)
    message = f'Choose 1 to {limit}.' if limit > 0 else 'Sold out: please remove it.'

    def allowed(value: float | None) -> bool:
        return value is not None and value == int(value) and 1 <= value <= limit

    def set_quantity(event) -> None:
        if not allowed(event.value):
            return  # the input shows why; the cart keeps the last good quantity
        cart_state.set_quantity(product.id, int(event.value))
        line_total.text = format_money(product.price * int(event.value), shop.currency)
        on_change(removed=False)

    def remove() -> None:
        cart_state.set_quantity(product.id, 0)
        on_change(removed=True)

    # On a phone the product takes the first line and quantity, line total and remove the second: side by side
    # they squeezed the name under the quantity field and the line total had to be hidden.
    with ui.row().classes('w-full items-center gap-x-3 gap-y-2 p-3 border-b border-stone-200 wrap sm:flex-nowrap '
                          'cart-line'):
        with ui.row().classes('items-center gap-3 no-wrap min-w-0 basis-full sm:basis-0 grow'):
            ProductSwatch(product, size='w-14 h-14')
            with ui.column().classes('grow gap-0 min-w-0'):
                ui.label(product.name).classes('font-medium cart-product-name')
                ui.label(f'{format_money(product.price, shop.currency)} each').classes('text-sm text-stone-500')
        with ui.row().classes('items-center gap-3 no-wrap ml-auto shrink-0'):
            ui.number('Qty', value=quantity, min=1, step=1, precision=0, validation={message: allowed},
                      on_change=set_quantity).props('dense outlined').classes('w-20').mark(f'qty-{product.sku}')
            line_total = ui.label(format_money(product.price * quantity, shop.currency)) \
                .classes('w-24 text-right font-medium cart-line-total')
            ui.button(icon='delete', on_click=remove).props('flat round dense aria-label="Remove"') \
                .mark(f'remove-{product.sku}')
