"""The storefront's shared frame: header with the shop's name and the cart, a centred content column."""

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from domain.customer_settings import CustomerAccounts, customer_accounts
from domain.models import Shop
from ui.storefront import cart_state


class CartButton(ui.link):
    """The header's cart link with the number of items; `refresh()` after the cart changes."""

    def __init__(self) -> None:
        super().__init__(target='/cart')
        self.classes('relative text-inherit no-underline flex items-center gap-1').props('aria-label="Cart"')
        with self:
            ui.icon('shopping_cart', size='sm')
            ui.label('Cart').classes('max-sm:hidden')
            self.badge = ui.badge(color='orange-8').props('floating rounded').classes('cart-count')
        self.refresh()

    def refresh(self) -> None:
        count = cart_state.item_count()
        self.badge.text = str(count)
        self.badge.set_visibility(count > 0)


@contextmanager
def storefront_frame(shop: Shop, title: str) -> Iterator[CartButton]:
    ui.page_title(f'{title} · {shop.name}')
    ui.colors(primary='#2f3e46', secondary='#84a98c', accent='#c8553d')
    ui.query('body').classes('bg-stone-50')
    with ui.header().classes('bg-white text-stone-900 shadow-sm'):
        with ui.row().classes('w-full max-w-5xl mx-auto items-center justify-between px-4 py-1 no-wrap'):
            ui.link(shop.name, '/').classes('text-xl font-semibold text-inherit no-underline')
            with ui.row().classes('items-center gap-4 no-wrap'):
                if customer_accounts(shop) is not CustomerAccounts.GUESTS:
                    with ui.link(target='/account').classes('text-inherit no-underline flex items-center gap-1') \
                            .props('aria-label="Your account"').mark('account-link'):
                        ui.icon('person', size='sm')
                        ui.label('Account').classes('max-sm:hidden')
                cart_button = CartButton()
    with ui.column().classes('w-full max-w-5xl mx-auto px-4 py-6 gap-6'):
        yield cart_button
