"""The storefront's shared frame: header with the shop's name and the cart, a centred content column."""

from collections.abc import Iterator
from contextlib import contextmanager
from html import escape

from nicegui import ui

from domain.customer_settings import CustomerAccounts, customer_accounts
from domain.models import Shop
from ui.components.links import LINK_CSS
from ui.storefront import cart_state

LANGUAGE = 'en-US'  # the pages' <html lang> and Quasar's own words; the customer's language follows (issue 22)


def storefront_page(path: str) -> ui.page:
    """A storefront route: its HTML says which language it is in (screen readers, search engines, translators)."""
    return ui.page(path, language=LANGUAGE)


class CartButton(ui.link):
    """The header's cart link with the number of items; `refresh()` after the cart changes."""

    def __init__(self) -> None:
        super().__init__(target='/cart')
        self.classes('relative text-inherit no-underline flex items-center gap-1')
        with self:
            ui.icon('shopping_cart', size='sm')
            # the link's name is what it shows, "Cart" and the count (an aria-label "Cart" left the count out); on a
            # phone the word is only hidden from sight
            ui.label('Cart').classes('max-sm:sr-only')
            # beside the word, not floating over it: a floating badge covered the "t" of "Cart"
            self.badge = ui.badge(color='orange-8').props('rounded').classes('cart-count')
        self.refresh()

    def refresh(self) -> None:
        count = cart_state.item_count()
        self.badge.text = str(count)
        self.badge.set_visibility(count > 0)


def description(shop: Shop | None) -> str:
    """The page's meta description, as search results show it under the title."""
    name = shop.name if shop is not None else 'Our shop'
    return f'{name}: browse the products, order online and follow your order.'


@contextmanager
def storefront_frame(shop: Shop | None, title: str, *, cart: bool = True) -> Iterator[CartButton | None]:
    """The header and content column of every storefront page; `shop` None and `cart` False for error pages, which
    may be drawn when neither the database nor the visitor's storage can be read."""
    name = shop.name if shop is not None else 'Shop'
    ui.page_title(f'{title} · {name}')
    ui.add_head_html(f'<meta name="description" content="{escape(description(shop), quote=True)}">')
    ui.colors(primary='#2f3e46', secondary='#84a98c', accent='#c8553d')
    ui.query('body').classes('bg-stone-50')
    ui.add_css(LINK_CSS)
    cart_button = None
    with ui.header().classes('bg-white text-stone-900 shadow-sm'):
        with ui.row().classes('w-full max-w-5xl mx-auto items-center justify-between px-4 py-1 no-wrap'):
            ui.link(name, '/').classes('text-xl font-semibold text-inherit no-underline')
            with ui.row().classes('items-center gap-4 no-wrap'):
                if shop is not None and customer_accounts(shop) is not CustomerAccounts.GUESTS:
                    with ui.link(target='/account').classes('text-inherit no-underline flex items-center gap-1') \
                            .props('aria-label="Your account"').mark('account-link'):
                        ui.icon('person', size='sm')
                        ui.label('Account').classes('max-sm:hidden')
                if cart:
                    cart_button = CartButton()
    with ui.column().classes('w-full max-w-5xl mx-auto px-4 py-6 gap-6'):
        yield cart_button
