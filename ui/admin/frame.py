"""The admin frame every merchant page shares: header with the shop, navigation, and sign-out."""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape

from nicegui import app, ui

from domain.admin_auth import SignedInAdmin, sign_out_everywhere
from domain.models import Shop
from ui.admin.pwa import add_pwa_head
from ui.admin.session import SIGNED_OUT_ROUTE
from ui.components.links import LINK_CSS
from ui.components.quasar_html import button_html, emits

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


def navigation(is_owner: bool) -> dict[str, list[tuple[str, str, str]]]:
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for section, items in NAVIGATION + (OWNER_NAVIGATION if is_owner else []) + EVERY_ADMIN_NAVIGATION:
        sections.setdefault(section, []).extend(items)
    return sections


def navigation_html(admin: SignedInAdmin, title: str) -> str:
    return _navigation_html(admin.is_owner, title)


@functools.cache  # one string for all pages with the same menu, not a copy per open page
def _navigation_html(is_owner: bool, title: str) -> str:
    def entry(label: str, target: str, icon: str, extra: str = '') -> str:
        current = ' bg-stone-100 font-medium' if label == title else ''
        return (f'<a href="{target}"{extra} class="flex items-center gap-3 px-2 py-2 rounded text-stone-800 '
                f'no-underline hover:bg-stone-100{current}"><i class="q-icon material-icons text-2xl" '
                f'aria-hidden="true">{icon}</i>{label}</a>')
    parts = []
    for section, items in navigation(is_owner).items():
        parts.append(f'<div class="text-xs uppercase tracking-wide text-stone-500 px-2 pt-2">{section}</div>')
        parts += [entry(*item) for item in items]
    parts.append('<hr class="q-separator q-separator--horizontal my-2">')
    parts.append(entry('View the shop', '/', 'storefront', ' target="_blank" rel="noopener"'))
    return ''.join(parts)


SIGN_OUT_EVENT = 'admin_sign_out'  # a page event (NiceGUI's emitEvent), sent by the header's sign-out button
ROUND = 'q-btn--flat q-btn--round text-white no-underline'  # the header's buttons, as props('flat round')


def header_html(shop: Shop, admin: SignedInAdmin, title: str, drawer_id: int, *, heading: bool = False) -> str:
    """The menu button, the shop and page names, the admin's account (their e-mail on a laptop, an icon on a
    phone) and sign-out, drawn as Quasar draws its flat round buttons. With `heading` the page name is the page's
    level-one heading (for pages that draw no title of their own)."""
    level = ' role="heading" aria-level="1"' if heading else ''
    return ('<div class="flex items-center gap-2 no-wrap">'
            + button_html('menu', 'Menu', f'type="button" onclick="getElement({drawer_id}).toggle()"', look=ROUND)
            + f'<span class="text-lg font-semibold truncate max-sm:hidden">{escape(shop.name)}</span>'
            f'<span class="text-lg sm:opacity-70 sm:ml-1 truncate"{level}>{escape(title)}</span>'
            f'<a href="/admin/account" class="text-sm text-white opacity-80 no-underline hover:underline '
            f'max-sm:hidden ml-auto truncate">{escape(admin.email)}</a>'
            + button_html('account_circle', 'Your account', 'href="/admin/account"', tag='a',
                          look=f'{ROUND} sm:hidden ml-auto')
            + button_html('logout', 'Sign out everywhere', emits(SIGN_OUT_EVENT), look=ROUND)
            + '</div>')


@contextmanager
def admin_frame(shop: Shop, admin: SignedInAdmin, title: str, *, header_heading: bool = False) -> Iterator[None]:
    """The frame around an admin page; `header_heading` where the header's page name is the page's only title."""
    ui.page_title(f'{title} · {shop.name} · Orderly')
    # App-wide colours and CSS instead of ui.colors and ui.query('body'): those are elements, and every element costs
    # server memory in each open page (bench/live.py). The storefront sets the same colours on its own pages.
    app.colors(primary='#2f3e46', secondary='#84a98c', accent='#c8553d')
    # Tailwind's stone-50: its stone-500 captions reach 4.6:1 (on stone-100 they were 4.4, below WCAG AA's 4.5)
    ui.add_css('body { background-color: #fafaf9; }'
               '.q-timeline__subtitle { text-transform: none; letter-spacing: normal; }'  # e-mails stay readable
               f'{LINK_CSS}')
    add_pwa_head()

    async def sign_out() -> None:
        await sign_out_everywhere(admin)
        ui.navigate.to(SIGNED_OUT_ROUTE)  # an HTTP response forgets the cookie and renews NiceGUI's browser id

    # The header is one HTML element, not six elements: every element costs server memory in each open page
    # (bench/live.py). Its menu button toggles the drawer in the browser, its sign-out button sends the page event
    # SIGN_OUT_EVENT; only our own fixed labels and the escaped shop name and e-mail go into this HTML.
    with ui.header().classes('bg-primary text-white items-center gap-2 px-3 py-1'):
        bar = ui.html('', sanitize=False).classes('grow')
    ui.on(SIGN_OUT_EVENT, sign_out)
    # Open above the breakpoint, closed below it, decided by the browser. Not `value=None`: NiceGUI would then ask
    # the browser for the drawer's state on every connect, and log an error when the page is left within a second.
    with ui.left_drawer(value=False).props('width=220 breakpoint=900 bordered show-if-above') \
            .classes('bg-white') as drawer:
        # One element for the whole menu instead of three per entry.
        ui.html(navigation_html(admin, title), sanitize=False).classes('w-full')
    bar.content = header_html(shop, admin, title, drawer.id, heading=header_heading)
    # The page's own content area, not another column inside it: one element less per open page
    with ui.context.client.content.classes('w-full max-w-7xl mx-auto p-2 sm:p-4 gap-3'):
        yield
