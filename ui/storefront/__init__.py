"""What customers see: catalogue, cart, checkout and the order page."""

from nicegui import ui

from ui.storefront import cart, catalogue, checkout, order_page


def add_pages() -> None:
    ui.page('/')(catalogue.catalogue_page)
    ui.page('/cart')(cart.cart_page)
    ui.page('/checkout')(checkout.checkout_page)
    ui.page('/order/{token}')(order_page.order_page)
