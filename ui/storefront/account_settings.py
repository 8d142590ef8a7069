"""`/account/settings`: change the password (the current one first; other sessions end), edit the addresses, see
the browsers signed in to the account and sign any of them out."""

from collections.abc import Awaitable, Callable

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.admin_auth import SessionInfo
from domain.catalogue import default_shop
from domain.customer_accounts import (
    MAX_ADDRESSES,
    AccountError,
    change_password,
    end_session,
    live_sessions,
    save_addresses,
)
from domain.models import Customer, Shop
from domain.password_rule import PASSWORD_RULE
from ui.components.field_errors import set_error
from ui.components.session_list import SessionList
from ui.storefront.account import account_header
from ui.storefront.account_forms import form_message, remote_address, show_errors, text_input
from ui.storefront.checkout import COUNTRIES
from ui.storefront.customer_session import current_customer, current_token, guarded, require_customer
from ui.storefront.frame import storefront_frame


async def account_settings_page() -> RedirectResponse | None:
    shop = await default_shop()
    customer = await require_customer(shop, '/account/settings')
    if isinstance(customer, RedirectResponse):
        return customer
    with storefront_frame(shop, 'Account settings'):
        account_header(shop, customer, 'Account settings')
        with ui.element('div').classes('w-full grid grid-cols-1 md:grid-cols-2 gap-6 items-start'):
            password_card(shop, lambda: sessions.show())  # the password change signs the others out
            AddressesCard(shop, customer)
        sessions = await sessions_card(shop)


async def sessions_card(shop: Shop) -> SessionList:
    async def load() -> list[SessionInfo]:
        customer = await current_customer(shop)
        return await live_sessions(customer, current_token()) if customer else []

    async def end(session_id: int) -> bool:
        customer = await current_customer(shop)
        return customer is not None and await end_session(customer, session_id)

    sessions = SessionList(shop.timezone, load, end)
    await sessions.show()
    return sessions


def password_card(shop: Shop, others_signed_out: Callable[[], Awaitable[None]]) -> None:
    address = remote_address()

    async def submit(customer: Customer) -> None:
        try:
            await change_password(customer, current=fields['current'].value or '', new=fields['new'].value or '',
                                  remote=address, keep_token=current_token())
        except AccountError as error:
            show_errors(error, fields, message)
            return
        for field in fields.values():
            field.value = ''
        message.set_visibility(False)
        ui.notify('Your password is changed. You are signed out on your other devices.', type='positive')
        await others_signed_out()

    with ui.card().classes('w-full gap-3').props('flat bordered').mark('password-card'):
        ui.label('Password').classes('text-lg font-medium')
        fields = {'current': text_input('Current password', 'current-password', password=True,
                                        autocomplete='current-password'),
                  'new': text_input('New password', 'new-password', password=True, autocomplete='new-password')}
        ui.label(PASSWORD_RULE).classes('text-xs text-stone-500 password-rule')
        message = form_message()
        ui.button('Change password', on_click=guarded(shop, submit)).props('unelevated no-caps') \
            .mark('change-password')


class AddressesCard:
    """The account's addresses as forms; "Save" stores them all at once (the first is the default)."""

    def __init__(self, shop: Shop, customer: Customer) -> None:
        self.shop = shop
        self.forms: list[dict[str, ui.element]] = []
        self.made = 0  # forms made so far: numbers their markers, removed ones included
        with ui.card().classes('w-full gap-3').props('flat bordered').mark('addresses-card'):
            ui.label('Addresses').classes('text-lg font-medium')
            ui.label('The first one is filled in for you at the checkout.').classes('text-sm text-stone-500')
            self.list = ui.column().classes('w-full gap-4')
            for address in customer.addresses:
                self.add_form(address)
            with ui.row().classes('gap-2'):
                self.add_button = ui.button('Add an address', icon='add', on_click=lambda: self.add_form({})) \
                    .props('flat no-caps').mark('add-address')
                ui.button('Save addresses', on_click=guarded(shop, self.save)).props('unelevated no-caps') \
                    .mark('save-addresses')
        self.refresh_add()
        if not customer.addresses:
            self.add_form({})

    def add_form(self, address: dict) -> None:
        if len(self.forms) >= MAX_ADDRESSES:
            return
        index, self.made = self.made, self.made + 1
        with self.list, ui.column().classes('w-full gap-2 address-form') as box:
            form: dict[str, ui.element] = {
                'street': text_input('Street and number', f'street-{index}', autocomplete='street-address'),
            }
            with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-3 gap-2'):
                form['postal_code'] = text_input('Postal code', f'postal_code-{index}', autocomplete='postal-code')
                form['city'] = text_input('City', f'city-{index}', autocomplete='address-level2') \
                    .classes('sm:col-span-2')
            form['country'] = ui.select(COUNTRIES, value='BE', label='Country').props('outlined').classes('w-full') \
                .mark(f'country-{index}')
            for name, element in form.items():
                value = str(address.get(name) or '')
                if value and (name != 'country' or value in COUNTRIES):
                    element.value = value
            ui.button('Remove', icon='delete', on_click=lambda: self.remove(form, box)) \
                .props('flat dense no-caps color=negative').mark(f'remove-address-{index}')
        self.forms.append(form)
        self.refresh_add()

    def remove(self, form: dict[str, ui.element], box: ui.element) -> None:
        self.forms.remove(form)
        box.delete()
        self.refresh_add()

    def refresh_add(self) -> None:
        if hasattr(self, 'add_button'):
            self.add_button.set_visibility(len(self.forms) < MAX_ADDRESSES)

    async def save(self, customer: Customer) -> None:
        filled = [form for form in self.forms if any((form[name].value or '').strip()
                                                      for name in ('street', 'postal_code', 'city'))]
        try:
            await save_addresses(customer, [{name: element.value for name, element in form.items()}
                                            for form in filled])
        except AccountError as error:
            for index, form in enumerate(filled):
                for name, element in form.items():
                    set_error(element, error.errors.get(f'{index}.{name}'))
            ui.notify(str(error), type='negative')
            return
        ui.notify('Your addresses are saved.', type='positive')
