"""What customers see: catalogue, cart, checkout, the order page and the customer account."""

from nicegui import app

from ui.storefront import cart, catalogue, checkout, order_page
from ui.storefront.account_pages import add_account_pages
from ui.storefront.error_pages import add_error_pages
from ui.storefront.frame import storefront_page
from ui.storefront.invoices import CUSTOMER_INVOICE_ROUTE, download_customer_invoice


def add_pages() -> None:
    storefront_page('/')(catalogue.catalogue_page)
    storefront_page('/cart')(cart.cart_page)
    storefront_page('/checkout')(checkout.checkout_page)
    storefront_page('/order/{token}')(order_page.order_page)
    app.get(CUSTOMER_INVOICE_ROUTE, include_in_schema=False)(download_customer_invoice)
    add_account_pages()
    add_error_pages()  # 404 and 500 in the shop's frame, for admin addresses too
