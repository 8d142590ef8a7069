"""What merchants see: sign-in, the orders grid, the order detail, the Logs and Settings > Administrators."""

from nicegui import ui

from ui.admin import administrators, login, logs, order_detail, orders


def add_pages() -> None:
    ui.page('/admin/login')(login.login_page)
    ui.page('/admin')(login.admin_home)
    ui.page('/admin/orders')(orders.orders_screen)
    ui.page('/admin/orders/{code}')(order_detail.order_detail_screen)
    ui.page('/admin/logs')(logs.logs_screen)
    ui.page('/admin/settings/administrators')(administrators.administrators_screen)
