"""The checkout's account part, as Settings > Customers checkout asks: "Log in or create an account" before the form
(account required), the "Create an account" offer with a password (account optional), or who is signed in."""

from nicegui import ui

from domain.models import Customer
from domain.password_rule import PASSWORD_RULE

LOGIN_PATH = '/account/login?next=/checkout'
REGISTER_PATH = '/account/register?next=/checkout'


def account_required_notice() -> None:
    """Instead of the form, when the shop takes orders from customers with an account only."""
    with ui.card().classes('w-full max-w-xl gap-3 account-required').props('flat bordered').mark('account-required'):
        ui.label('Log in or create an account to order').classes('text-xl font-semibold')
        ui.label('This shop takes orders from customers with an account. Your cart stays as it is.') \
            .classes('text-stone-600')
        with ui.row().classes('gap-2'):
            ui.button('Log in', icon='login', on_click=lambda: ui.navigate.to(LOGIN_PATH)) \
                .props('unelevated no-caps').mark('to-login')
            ui.button('Create an account', icon='person_add', on_click=lambda: ui.navigate.to(REGISTER_PATH)) \
                .props('outline no-caps').mark('to-register')


def signed_in_note(customer: Customer) -> None:
    with ui.row().classes('w-full items-center gap-2 text-stone-600').mark('signed-in-as'):
        ui.icon('person')
        ui.label(f'Signed in as {customer.email}. This order goes to your account.')


class AccountOffer:
    """ "Create an account" and its password, or continue as a guest; the account is made when the order is placed."""

    def __init__(self) -> None:
        with ui.column().classes('w-full gap-1') as self.container:
            with ui.row().classes('w-full items-center justify-between gap-2'):
                self.checkbox = ui.checkbox('Create an account: see your orders and check out faster next time') \
                    .classes('create-account').mark('create_account')
                ui.link('Already have an account? Log in', LOGIN_PATH).classes('text-sm')
            with ui.column().classes('w-full gap-1') as password_block:
                self.password = ui.input('Choose a password', password=True, password_toggle_button=True) \
                    .props('outlined autocomplete=new-password').classes('w-full').mark('password')
                ui.label(PASSWORD_RULE).classes('text-xs text-stone-500')
        password_block.bind_visibility_from(self.checkbox, 'value')
        self.password.on_value_change(lambda: setattr(self.password, 'error', None))

    @property
    def wanted(self) -> bool:
        return bool(self.checkbox.value)
