"""The customer account's routes, in one place."""

from ui.storefront import account, account_auth, account_order, account_settings, customer_session
from ui.storefront.frame import storefront_page


def add_account_pages() -> None:
    storefront_page('/account')(account.account_page)
    storefront_page('/account/login')(account_auth.login_page)
    storefront_page('/account/register')(account_auth.register_page)
    storefront_page('/account/logout')(account_auth.logout_page)
    customer_session.add_session_routes()  # /account/session/start and /end: sign-in and out end in HTTP
    storefront_page('/account/forgot')(account_auth.forgot_page)
    storefront_page('/account/reset/{token}')(account_auth.reset_page)
    storefront_page('/account/verify/{token}')(account_auth.verify_page)
    storefront_page('/account/orders/{code}')(account_order.account_order_page)
    storefront_page('/account/settings')(account_settings.account_settings_page)
