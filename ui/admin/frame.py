"""The admin frame every merchant page shares: header with the shop, navigation, and sign-out."""

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import app, ui

from domain.admin_auth import SignedInAdmin, sign_out_everywhere
from domain.models import Shop
from ui.admin.session import TOKEN_KEY

NAVIGATION = [('Management', [('Orders', '/admin/orders', 'receipt_long'), ('Logs', '/admin/logs', 'history')])]
OWNER_NAVIGATION = [('Settings', [('Administrators', '/admin/settings/administrators', 'group')])]


@contextmanager
def admin_frame(shop: Shop, admin: SignedInAdmin, title: str) -> Iterator[None]:
    ui.page_title(f'{title} · {shop.name} · Orderly')
    ui.colors(primary='#2f3e46', secondary='#84a98c', accent='#c8553d')
    ui.query('body').classes('bg-stone-100')

    async def sign_out() -> None:
        await sign_out_everywhere(admin)
        app.storage.user.pop(TOKEN_KEY, None)
        ui.navigate.to('/admin/login')

    with ui.header().classes('bg-primary text-white items-center gap-2 px-3 py-1'):
        ui.button(icon='menu', on_click=lambda: drawer.toggle()).props('flat round color=white aria-label="Menu"')
        ui.label(shop.name).classes('text-lg font-semibold')
        ui.label(title).classes('text-lg opacity-70 max-sm:hidden')
        ui.space()
        ui.label(admin.email).classes('text-sm opacity-80 max-sm:hidden')
        ui.button(icon='logout', on_click=sign_out).props('flat round color=white aria-label="Sign out"') \
            .tooltip('Sign out everywhere').mark('sign-out')
    with ui.left_drawer(value=None).props('width=220 breakpoint=900 bordered').classes('bg-white') as drawer:
        for section, items in NAVIGATION + (OWNER_NAVIGATION if admin.is_owner else []):
            ui.label(section).classes('text-xs uppercase tracking-wide text-stone-500 px-2 pt-2')
            for label, target, icon in items:
                with ui.link(target=target).classes('flex items-center gap-3 px-2 py-2 rounded '
                                                   'text-stone-800 no-underline hover:bg-stone-100'):
                    ui.icon(icon)
                    ui.label(label)
        ui.separator().classes('my-2')
        with ui.link(target='/', new_tab=True).classes('flex items-center gap-3 px-2 py-2 text-stone-600 '
                                                       'no-underline'):
            ui.icon('storefront')
            ui.label('View the shop')
    with ui.column().classes('w-full max-w-7xl mx-auto p-2 sm:p-4 gap-3'):
        yield
