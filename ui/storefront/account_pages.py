"""The customer account's routes, in one place."""

from nicegui import ui

from ui.storefront import account, account_auth, account_order, account_settings, customer_session


def add_account_pages() -> None:
    ui.page('/account')(account.account_page)
    ui.page('/account/login')(account_auth.login_page)
    ui.page('/account/register')(account_auth.register_page)
    ui.page('/account/logout')(account_auth.logout_page)
    customer_session.add_session_routes()  # /account/session/start and /end: sign-in and out end in HTTP
    ui.page('/account/forgot')(account_auth.forgot_page)
    ui.page('/account/reset/{token}')(account_auth.reset_page)
    ui.page('/account/verify/{token}')(account_auth.verify_page)
    ui.page('/account/orders/{code}')(account_order.account_order_page)
    ui.page('/account/settings')(account_settings.account_settings_page)
