"""`/admin/login`: e-mail and password; wrong answers are slow and say nothing about which part was wrong."""

from urllib.parse import quote

from nicegui import ui

from domain.admin_auth import LoginRefused, sign_in_ticket
from domain.catalogue import default_shop
from ui.admin.session import SIGN_IN_ROUTE, current_admin
from ui.components.browser_session import DEVICE_COOKIE, browser_id, client_address, cookie
from ui.components.page_title import page_title


async def admin_home() -> None:
    ui.navigate.to('/admin/orders')


async def login_page() -> None:
    shop = await default_shop()
    if await current_admin():
        ui.navigate.to('/admin/orders')
        return
    ui.page_title(f'Sign in · {shop.name} · Orderly')
    ui.colors(primary='#2f3e46')
    ui.query('body').classes('bg-stone-100')
    address, browser, device = client_address(), browser_id() or '', cookie(DEVICE_COOKIE)

    async def submit() -> None:
        button.props('loading')
        try:
            ticket = await sign_in_ticket(shop=shop, email=email.value or '', password=password.value or '',
                                          address=address, browser_id=browser, device_token=device)
        except LoginRefused as error:
            message.text = str(error)
            message.set_visibility(True)
            return
        finally:
            button.props(remove='loading')
        # the session opens in an HTTP response: only that can set its cookie and renew NiceGUI's browser id
        ui.navigate.to(f'{SIGN_IN_ROUTE}?ticket={quote(ticket)}')

    with ui.card().classes('w-full max-w-sm mx-auto mt-16 p-6 gap-3'):
        ui.label(shop.name).classes('text-sm text-stone-500')
        page_title('Sign in to Orderly')
        email = ui.input('E-mail').props('outlined type=email autocomplete=username autofocus').classes('w-full') \
            .mark('email')
        password = ui.input('Password', password=True).props('outlined autocomplete=current-password') \
            .classes('w-full').mark('password').on('keydown.enter', submit)
        message = ui.label().classes('text-negative login-error')
        message.set_visibility(False)
        button = ui.button('Sign in', on_click=submit).props('unelevated no-caps size=lg').classes('w-full') \
            .mark('sign-in')
