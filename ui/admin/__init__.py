"""What merchants see: sign-in and the orders grid (order detail, Logs and Settings follow)."""

from nicegui import ui

from ui.admin import login, orders


def add_pages() -> None:
    ui.page('/admin/login')(login.login_page)
    ui.page('/admin')(login.admin_home)
    ui.page('/admin/orders')(orders.orders_screen)
