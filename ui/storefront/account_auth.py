"""Signing in and out of a customer account: `/account/login`, `/account/register`, `/account/logout`,
`/account/forgot`, `/account/reset/{token}` and `/account/verify/{token}`."""

from urllib.parse import quote

from nicegui import ui

from domain.catalogue import default_shop
from domain.customer_accounts import NO_ACCOUNTS, AccountError, authenticate, register
from domain.customer_settings import CustomerAccounts, customer_accounts
from domain.customer_tokens import (
    INVALID_LINK,
    request_password_reset,
    reset_link_is_valid,
    reset_password,
    verify_email,
)
from domain.models import Shop
from domain.password_rule import PASSWORD_RULE
from ui.storefront import customer_session
from ui.storefront.account import sign_out
from ui.storefront.account_forms import attempt, form_card, form_message, remote_address, text_input
from ui.storefront.frame import storefront_frame


def _with_next(path: str, next_path: str) -> str:
    return f'{path}?next={quote(next_path, safe="/")}' if next_path != '/account' else path


async def _signed_in_already(shop: Shop, target: str) -> bool:
    """Send a signed-in customer on to `target`: the sign-in and register forms are for strangers."""
    if await customer_session.current_customer(shop):
        ui.navigate.to(target)
        return True
    return False


async def login_page(next: str = '') -> None:
    shop = await default_shop()
    target = customer_session.local_path(next)
    if await _signed_in_already(shop, target):
        return
    address, device = remote_address(), customer_session.device_token()

    async def submit() -> None:
        customer = await attempt(button, {}, message, lambda: authenticate(
            shop, email=email.value or '', password=password.value or '', remote=address, device_token=device))
        if customer is not None:
            await customer_session.sign_in(customer, target)

    with storefront_frame(shop, 'Sign in'), form_card('Sign in', 'Your orders and their status are in your account.'):
        email = text_input('E-mail', 'email', autocomplete='username', input_type='email')
        password = text_input('Password', 'password', password=True, autocomplete='current-password')
        password.on('keydown.enter', submit)
        message = form_message()
        button = ui.button('Sign in', on_click=submit).props('unelevated no-caps size=lg').classes('w-full') \
            .mark('sign-in')
        with ui.row().classes('w-full justify-between text-sm'):
            ui.link('Forgot your password?', '/account/forgot').mark('forgot-link')
            ui.link('Create an account', _with_next('/account/register', target)).mark('register-link')


async def register_page(next: str = '') -> None:
    shop = await default_shop()
    target = customer_session.local_path(next)
    if await _signed_in_already(shop, target):
        return
    if customer_accounts(shop) is CustomerAccounts.GUESTS:
        with storefront_frame(shop, 'Create an account'), form_card('No customer accounts', NO_ACCOUNTS):
            ui.link('Back to the shop', '/')
        return
    address = remote_address()

    async def submit() -> None:
        customer = await attempt(button, fields, message, lambda: register(
            shop, name=fields['name'].value or '', email=fields['email'].value or '',
            password=fields['password'].value or '', remote=address))
        if customer is not None:
            await customer_session.sign_in(customer, target)

    with storefront_frame(shop, 'Create an account'), \
            form_card('Create an account', 'See your orders and their status in one place.'):
        fields = {
            'name': text_input('Name', 'name', autocomplete='name'),
            'email': text_input('E-mail', 'email', autocomplete='email', input_type='email'),
            'password': text_input('Password', 'password', password=True, autocomplete='new-password'),
        }
        ui.label(PASSWORD_RULE).classes('text-xs text-stone-500 password-rule')
        message = form_message()
        button = ui.button('Create my account', on_click=submit).props('unelevated no-caps size=lg') \
            .classes('w-full').mark('register')
        with ui.row().classes('w-full text-sm gap-1'):
            ui.label('Already have an account?')
            ui.link('Sign in', _with_next('/account/login', target))


async def logout_page() -> None:
    """Opening it signs no one out: a signed-in customer is asked, the button's page event does it."""
    shop = await default_shop()
    if await customer_session.current_customer(shop) is not None:
        with storefront_frame(shop, 'Sign out'), form_card('Sign out?', 'On every device you are signed in with.'):
            ui.button('Sign out everywhere', on_click=customer_session.guarded(shop, sign_out)) \
                .props('unelevated no-caps size=lg').classes('w-full').mark('sign-out-everywhere')
            ui.link('Back to your account', '/account')
        return
    with storefront_frame(shop, 'Signed out'), form_card('You are signed out', 'On every device.'):
        ui.link('Back to the shop', '/')


async def forgot_page() -> None:
    shop = await default_shop()

    async def submit() -> None:
        email = field.value or ''
        if '@' not in email:
            field.error = 'Please enter the e-mail address of your account.'
            return
        await request_password_reset(shop, email=email)
        # the same answer whether or not the address has an account
        sent.text = (f'If {email.strip()} has an account with us, we have sent it a link to choose a new password. '
                     'The link works for one hour.')
        sent.set_visibility(True)

    with storefront_frame(shop, 'Forgot your password?'), \
            form_card('Forgot your password?', 'We will e-mail you a link to choose a new one.'):
        field = text_input('E-mail', 'email', autocomplete='email', input_type='email')
        field.on('keydown.enter', submit)
        sent = ui.label().classes('text-positive reset-sent')
        sent.set_visibility(False)
        ui.button('Send me a link', on_click=submit).props('unelevated no-caps size=lg').classes('w-full') \
            .mark('send-link')
        ui.link('Back to sign in', '/account/login').classes('text-sm')


async def reset_page(token: str) -> None:
    shop = await default_shop()

    async def submit() -> None:
        customer = await attempt(button, {'password': password}, message,
                                 lambda: reset_password(shop, token=token, password=password.value or ''))
        if customer is not None:
            await customer_session.sign_in(customer, '/account')

    with storefront_frame(shop, 'Choose a new password'):
        if not await reset_link_is_valid(shop, token):
            with form_card('This link has expired'):
                ui.label(INVALID_LINK).classes('text-stone-700')
                ui.link('Ask for a new link', '/account/forgot')
            return
        with form_card('Choose a new password', 'You will be signed out everywhere else.'):
            password = text_input('New password', 'password', password=True, autocomplete='new-password')
            ui.label(PASSWORD_RULE).classes('text-xs text-stone-500 password-rule')
            message = form_message()
            button = ui.button('Save my new password', on_click=submit).props('unelevated no-caps size=lg') \
                .classes('w-full').mark('save-password')


async def verify_page(token: str) -> None:
    shop = await default_shop()
    try:
        customer = await verify_email(shop, token)
    except AccountError as error:
        customer, problem = None, str(error)
    with storefront_frame(shop, 'Confirm your e-mail'):
        if customer is None:
            with form_card('This link has expired'):
                ui.label(problem).classes('text-stone-700')
                ui.label('Sign in to your account to get a new one.').classes('text-stone-700')
                ui.link('Go to your account', '/account')
            return
        with form_card('Thank you!', f'{customer.email} is confirmed.'):
            ui.link('Go to your account', '/account').mark('to-account')
