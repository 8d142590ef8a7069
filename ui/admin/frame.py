"""The admin frame every merchant page shares: header with the shop, navigation, and sign-out."""

from collections.abc import Iterator
from contextlib import contextmanager
from html import escape

from nicegui import app, ui

from domain.admin_auth import SignedInAdmin, sign_out_everywhere
from domain.models import Shop
from ui.admin.pwa import add_pwa_head
from ui.admin.session import TOKEN_KEY

NAVIGATION = [('Management', [('Orders', '/admin/orders', 'receipt_long'), ('Logs', '/admin/logs', 'history')])]
OWNER_NAVIGATION = [('Settings', [('Shop', '/admin/settings/shop', 'store'),
                                   ('Checkout', '/admin/settings/checkout', 'shopping_cart'),
                                   ('Customers checkout', '/admin/settings/customers', 'manage_accounts'),
                                   ('Invoices', '/admin/settings/invoices', 'receipt_long'),
                                   ('Administrators', '/admin/settings/administrators', 'group'),
                                   ('Deliveries', '/admin/settings/deliveries', 'outbox'),
                                   ('Mailbox', '/admin/settings/mailbox', 'mail'),
                                   ('API keys', '/admin/settings/api-keys', 'key'),
                                   ('API PUSH', '/admin/settings/api-push', 'webhook')])]
# Every admin's own settings, listed with the owner's under the same heading
EVERY_ADMIN_NAVIGATION = [('Settings', [('Notifications', '/admin/settings/notifications', 'notifications')])]


def navigation(admin: SignedInAdmin) -> dict[str, list[tuple[str, str, str]]]:
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for section, items in NAVIGATION + (OWNER_NAVIGATION if admin.is_owner else []) + EVERY_ADMIN_NAVIGATION:
        sections.setdefault(section, []).extend(items)
    return sections


def navigation_html(admin: SignedInAdmin, title: str) -> str:
    def entry(label: str, target: str, icon: str, extra: str = '') -> str:
        current = ' bg-stone-100 font-medium' if label == title else ''
        return (f'<a href="{target}"{extra} class="flex items-center gap-3 px-2 py-2 rounded text-stone-800 '
                f'no-underline hover:bg-stone-100{current}"><i class="q-icon material-icons text-2xl" '
                f'aria-hidden="true">{icon}</i>{label}</a>')
    parts = []
    for section, items in navigation(admin).items():
        parts.append(f'<div class="text-xs uppercase tracking-wide text-stone-500 px-2 pt-2">{section}</div>')
        parts += [entry(*item) for item in items]
    parts.append('<hr class="q-separator q-separator--horizontal my-2">')
    parts.append(entry('View the shop', '/', 'storefront', ' target="_blank" rel="noopener"'))
    return ''.join(parts)


@contextmanager
def admin_frame(shop: Shop, admin: SignedInAdmin, title: str) -> Iterator[None]:
    ui.page_title(f'{title} · {shop.name} · Orderly')
    # App-wide colours and CSS instead of ui.colors and ui.query('body'): those are elements, and every element costs
    # server memory in each open page (bench/live.py). The storefront sets the same colours on its own pages.
    app.colors(primary='#2f3e46', secondary='#84a98c', accent='#c8553d')
    ui.add_css('body { background-color: #f5f5f4; }'  # Tailwind's stone-100
               '.q-timeline__subtitle { text-transform: none; letter-spacing: normal; }')  # e-mails stay readable
    add_pwa_head()

    async def sign_out() -> None:
        await sign_out_everywhere(admin)
        app.storage.user.pop(TOKEN_KEY, None)
        ui.navigate.to('/admin/login')

    with ui.header().classes('bg-primary text-white items-center gap-2 px-3 py-1'):
        ui.button(icon='menu', on_click=lambda: drawer.run_method('toggle')) \
            .props('flat round color=white aria-label="Menu"')
        ui.html(f'<span class="text-lg font-semibold">{escape(shop.name)}</span> '
                f'<span class="text-lg opacity-70 ml-1 max-sm:hidden">{escape(title)}</span>', sanitize=False)
        # ml-auto instead of a ui.space(): only one of the two account links shows, and it starts the right side
        ui.link(admin.email, '/admin/account').classes('text-sm text-white opacity-80 no-underline hover:underline '
                                                       'max-sm:hidden ml-auto').mark('account')
        ui.button(icon='account_circle', on_click=lambda: ui.navigate.to('/admin/account')) \
            .props('flat round color=white aria-label="Your account"').classes('sm:hidden ml-auto')
        ui.button(icon='logout', on_click=sign_out) \
            .props('flat round color=white aria-label="Sign out" title="Sign out everywhere"').mark('sign-out')
    # Open above the breakpoint, closed below it, decided by the browser. Not `value=None`: NiceGUI would then ask
    # the browser for the drawer's state on every connect, and log an error when the page is left within a second.
    with ui.left_drawer(value=False).props('width=220 breakpoint=900 bordered show-if-above') \
            .classes('bg-white') as drawer:
        # One element for the whole menu instead of three per entry: every element costs server memory per open page.
        # Only our own fixed labels go into this HTML, never a merchant's or customer's text.
        ui.html(navigation_html(admin, title), sanitize=False).classes('w-full')
    with ui.column().classes('w-full max-w-7xl mx-auto p-2 sm:p-4 gap-3'):
        yield
