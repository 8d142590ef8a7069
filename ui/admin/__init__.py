"""What merchants see: sign-in, the orders grid and the order detail (Logs and Settings follow)."""

from nicegui import ui

from ui.admin import login, order_detail, orders


def add_pages() -> None:
    ui.page('/admin/login')(login.login_page)
    ui.page('/admin')(login.admin_home)
    ui.page('/admin/orders')(orders.orders_screen)
    ui.page('/admin/orders/{code}')(order_detail.order_detail_screen)
