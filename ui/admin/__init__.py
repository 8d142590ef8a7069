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


def add_pages() -> None:
    ui.page('/admin/login')(login.login_page)
    ui.page('/admin')(login.admin_home)
    add_session_routes()  # /admin/session/start and /end: sign-in and sign-out end in an HTTP response
    ui.page('/admin/orders')(orders.orders_screen)
    ui.page('/admin/orders/{code}')(order_detail.order_detail_screen)
    app.get(EXPORT_ROUTE, include_in_schema=False)(download_export)
    app.get(PACKING_SLIP_ROUTE, include_in_schema=False)(download_packing_slip)
    app.get(INVOICE_ROUTE, include_in_schema=False)(download_invoice)
    app.get(PACKING_SLIPS_ROUTE, include_in_schema=False)(download_packing_slips)
    ui.page('/admin/logs')(logs.logs_screen)
    ui.page('/admin/settings/administrators')(administrators.administrators_screen)
    ui.page('/admin/settings/api-keys')(api_keys.api_keys_screen)
    ui.page('/admin/settings/api-push')(webhooks.api_push_screen)
    ui.page('/admin/settings/deliveries')(deliveries.deliveries_screen)
    ui.page('/admin/settings/mailbox')(mailbox.mailbox_screen)
    ui.page('/admin/settings/shop')(shop_settings.shop_settings_screen)
    ui.page('/admin/settings/checkout')(checkout_settings.checkout_settings_screen)
    ui.page('/admin/settings/invoices')(invoice_settings_screen)
    ui.page('/admin/settings/customers')(customers_checkout_screen)
    ui.page('/admin/account')(account.account_screen)
    ui.page('/admin/settings/notifications')(notifications.notifications_screen)
