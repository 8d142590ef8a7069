"""`/`: the shop's products, each with an "Add to cart" button."""

from nicegui import ui

from domain.catalogue import default_shop, products_for_sale
from domain.models import Product
from domain.money import format_money
from ui.components.page_title import page_title
from ui.components.swatch import ProductSwatch
from ui.storefront import cart_state
from ui.storefront.frame import CartButton, storefront_frame


def stock_text(product: Product) -> str:
    if product.stock <= 0:
        return 'Sold out'
    return f'Only {product.stock} left' if product.stock <= 5 else 'In stock'


async def catalogue_page() -> None:
    shop = await default_shop()
    products = await products_for_sale(shop)
    with storefront_frame(shop, 'Shop') as cart_button:
        page_title('Our products')
        with ui.grid().classes('w-full grid-cols-2 md:grid-cols-3 gap-4'):
            for product in products:
                product_card(product, shop.currency, cart_button)


def product_card(product: Product, currency: str, cart_button: CartButton) -> None:
    def add() -> None:
        in_cart = cart_state.cart().get(product.id, 0)
        if in_cart >= product.stock:
            ui.notify(f'You already have all {product.stock} in your cart.', type='warning')
            return
        cart_state.add(product.id)
        cart_button.refresh()
        ui.notify(f'Added {product.name} to your cart.', type='positive')

    with ui.card().classes('p-3 gap-2 product-card').props('flat bordered'):
        ProductSwatch(product)
        ui.label(product.name).classes('font-medium leading-tight')
        with ui.row().classes('w-full items-center justify-between'):
            ui.label(format_money(product.price, currency)).classes('text-lg font-semibold')
            ui.label(stock_text(product)).classes(
                'text-xs ' + ('text-red-700' if product.stock <= 5 else 'text-stone-500'))
        ui.button('Add to cart', icon='add_shopping_cart', on_click=add) \
            .props('unelevated no-caps' + (' disable' if product.stock <= 0 else '')).classes('w-full') \
            .mark(f'add-{product.sku}')
