"""What customers see: catalogue, cart, checkout, the order page and the customer account."""

from nicegui import app, ui

from ui.storefront import cart, catalogue, checkout, order_page
from ui.storefront.account_pages import add_account_pages
from ui.storefront.invoices import CUSTOMER_INVOICE_ROUTE, download_customer_invoice


def add_pages() -> None:
    ui.page('/')(catalogue.catalogue_page)
    ui.page('/cart')(cart.cart_page)
    ui.page('/checkout')(checkout.checkout_page)
    ui.page('/order/{token}')(order_page.order_page)
    app.get(CUSTOMER_INVOICE_ROUTE, include_in_schema=False)(download_customer_invoice)
    add_account_pages()
