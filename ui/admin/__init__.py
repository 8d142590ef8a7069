"""What merchants see: sign-in, the orders grid, the order detail, the Logs, Settings and their own account."""

from nicegui import app, ui

from ui.admin import (
    account,
    administrators,
    api_keys,
    checkout_settings,
    deliveries,
    login,
    logs,
    mailbox,
    notifications,
    order_detail,
    orders,
    shop_settings,
    webhooks,
)
from ui.admin.customers_checkout import customers_checkout_screen
from ui.admin.documents import (
    INVOICE_ROUTE,
    PACKING_SLIP_ROUTE,
    PACKING_SLIPS_ROUTE,
    download_invoice,
    download_packing_slip,
    download_packing_slips,
)
from ui.admin.invoice_settings import invoice_settings_screen
from ui.admin.order_export import EXPORT_ROUTE, download_export
from ui.admin.session import add_session_routes
from ui.storefront.frame import LANGUAGE


def admin_route(path: str) -> ui.page:
    """An admin route: its HTML says which language it is in (screen readers, translators), like the shop's pages."""
    return ui.page(path, language=LANGUAGE)


def add_pages() -> None:
    admin_route('/admin/login')(login.login_page)
    admin_route('/admin')(login.admin_home)
    add_session_routes()  # /admin/session/start and /end: sign-in and sign-out end in an HTTP response
    admin_route('/admin/orders')(orders.orders_screen)
    admin_route('/admin/orders/{code}')(order_detail.order_detail_screen)
    app.get(EXPORT_ROUTE, include_in_schema=False)(download_export)
    app.get(PACKING_SLIP_ROUTE, include_in_schema=False)(download_packing_slip)
    app.get(INVOICE_ROUTE, include_in_schema=False)(download_invoice)
    app.get(PACKING_SLIPS_ROUTE, include_in_schema=False)(download_packing_slips)
    admin_route('/admin/logs')(logs.logs_screen)
    admin_route('/admin/settings/administrators')(administrators.administrators_screen)
    admin_route('/admin/settings/api-keys')(api_keys.api_keys_screen)
    admin_route('/admin/settings/api-push')(webhooks.api_push_screen)
    admin_route('/admin/settings/deliveries')(deliveries.deliveries_screen)
    admin_route('/admin/settings/mailbox')(mailbox.mailbox_screen)
    admin_route('/admin/settings/shop')(shop_settings.shop_settings_screen)
    admin_route('/admin/settings/checkout')(checkout_settings.checkout_settings_screen)
    admin_route('/admin/settings/invoices')(invoice_settings_screen)
    admin_route('/admin/settings/customers')(customers_checkout_screen)
    admin_route('/admin/account')(account.account_screen)
    admin_route('/admin/settings/notifications')(notifications.notifications_screen)
