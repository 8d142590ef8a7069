"""`/account`: the customer's orders, newest first, and what the account still asks (verification, guest orders)."""

from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.catalogue import default_shop
from domain.customer_accounts import AccountError, end_sessions
from domain.customer_orders import account_orders, attach_guest_orders, guest_orders_to_attach
from domain.customer_tokens import send_verification
from domain.models import Customer, Shop
from domain.money import format_money
from ui.components.page_title import page_title
from ui.components.status_badge import StatusBadge
from ui.storefront.customer_session import SIGNED_OUT_ROUTE, guarded, require_customer
from ui.storefront.frame import storefront_frame


def shop_time(shop: Shop, moment) -> str:
    return moment.astimezone(ZoneInfo(shop.timezone)).strftime('%d %b %Y')


async def sign_out(customer: Customer) -> None:
    """End every session of the customer, then forget this browser's cookie in an HTTP response."""
    await end_sessions(customer)
    ui.navigate.to(SIGNED_OUT_ROUTE)


def account_header(shop: Shop, customer: Customer, title: str) -> None:
    with ui.row().classes('w-full items-end justify-between gap-2'):
        with ui.column().classes('gap-0 min-w-0'):
            page_title(title)
            ui.label(f'{customer.name} · {customer.email}').classes('text-stone-600 break-all account-who')
        with ui.row().classes('gap-1'):
            ui.button('Orders', icon='receipt_long', on_click=lambda: ui.navigate.to('/account')) \
                .props('flat no-caps dense').mark('nav-orders')
            ui.button('Settings', icon='settings', on_click=lambda: ui.navigate.to('/account/settings')) \
                .props('flat no-caps dense').mark('nav-settings')
            # a page event, not a link: no other site can sign the customer out
            ui.button('Sign out', icon='logout', on_click=guarded(shop, sign_out)) \
                .props('flat no-caps dense').mark('sign-out')


async def account_page() -> RedirectResponse | None:
    shop = await default_shop()
    customer = await require_customer(shop, '/account')
    if isinstance(customer, RedirectResponse):
        return customer
    with storefront_frame(shop, 'Your orders'):
        account_header(shop, customer, 'Your orders')
        if customer.email_verified_at is None:
            verification_banner(shop, customer)
        else:
            await guest_orders_banner(shop, customer)
        orders = await account_orders(customer)
        if not orders:
            ui.label('You have no orders in your account yet.').classes('text-stone-600 no-orders')
            return
        with ui.card().classes('w-full p-0 gap-0').props('flat bordered').mark('account-orders'):
            for index, order in enumerate(orders):
                if index:
                    ui.separator()
                with ui.link(target=f'/account/orders/{order.code}') \
                        .classes('w-full px-4 py-3 text-inherit no-underline hover:bg-stone-100').mark('account-order'):
                    with ui.row().classes('w-full items-center justify-between gap-x-4 gap-y-1'):
                        with ui.column().classes('gap-0'):
                            ui.label(order.code).classes('font-mono font-semibold order-code')
                            ui.label(shop_time(shop, order.created_at)).classes('text-sm text-stone-500')
                        with ui.row().classes('items-center gap-3 no-wrap'):
                            ui.label(format_money(order.total, order.currency)).classes('order-total')
                            StatusBadge(order.status).classes('order-status')


def verification_banner(shop: Shop, customer: Customer) -> None:
    async def resend(fresh: Customer) -> None:
        try:
            await send_verification(fresh)
        except AccountError as error:
            ui.notify(str(error), type='warning')
            return
        ui.notify(f'We sent a new link to {fresh.email}.', type='positive')

    with ui.card().classes('w-full bg-amber-50 gap-2').props('flat bordered').mark('verify-banner'):
        ui.label('Please confirm your e-mail address').classes('font-medium')
        ui.label(f'We sent a link to {customer.email}. Once you open it, we can look for orders you placed earlier '
                 'with this address.').classes('text-stone-700')
        ui.button('Send the link again', on_click=guarded(shop, resend)).props('outline no-caps').mark('resend')


async def guest_orders_banner(shop: Shop, customer: Customer) -> None:
    count = await guest_orders_to_attach(customer)
    if not count:
        return

    async def attach(fresh: Customer) -> None:
        try:
            attached = await attach_guest_orders(fresh)
        except AccountError as error:
            ui.notify(str(error), type='warning')
            return
        ui.notify(f'{attached} order(s) added to your account.', type='positive')
        ui.navigate.reload()

    with ui.card().classes('w-full bg-sky-50 gap-2').props('flat bordered').mark('guest-orders'):
        ui.label(f'We found {count} earlier order{"s" if count != 1 else ""} placed with your e-mail as a guest.')
        ui.button(f'Add {"them" if count != 1 else "it"} to your account', on_click=guarded(shop, attach)) \
            .props('unelevated no-caps').mark('attach-orders')
