"""Customer accounts: register, sign in (throttled like the admins), sessions (expiring, listed, revocable),
password change, addresses.

The mailed links (verification, password reset) are in `domain.customer_tokens`, the account's orders in
`domain.customer_orders`.
"""

import asyncio
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints, TypeAdapter, ValidationError
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import admin_auth
from domain.admin_auth import token_hash
from domain.customer_settings import CustomerAccounts, customer_accounts
from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import Customer, CustomerSession, Order, Shop
from domain.password_rule import password_problem
from domain.passwords import hash_password
from domain.schemas import MESSAGES
from domain.sessions import (
    device_key,
    is_known_device,
    issue_ticket,
    new_session_fields,
    new_token,
    redeem_ticket,
    session_is_live,
    touch,
    usable_token,
)
from domain.text_rules import INVISIBLE_ERROR, VISIBLE, invisible_problem

MAX_ADDRESSES = 5
WRONG_LOGIN = 'Wrong e-mail or password.'
NO_ACCOUNTS = 'This shop does not offer customer accounts: you can order as a guest.'
_EMAIL = TypeAdapter(EmailStr)


class AccountError(OrderlyError):
    """Something a customer entered is refused; `errors` maps a form field to its message ('' for the form)."""

    def __init__(self, errors: dict[str, str] | str) -> None:
        self.errors = {'': errors} if isinstance(errors, str) else dict(errors)
        if '' in self.errors:
            message = self.errors['']
        elif len(self.errors) == 1:
            message = next(iter(self.errors.values()))
        else:
            message = 'Please correct the marked fields.'
        super().__init__(message)


class Address(BaseModel):
    """One of the account's addresses: the fields the checkout asks for when shipping."""

    model_config = ConfigDict(str_strip_whitespace=True)

    street: Annotated[str, StringConstraints(min_length=1, max_length=200), VISIBLE]
    postal_code: Annotated[str, StringConstraints(min_length=1, max_length=16), VISIBLE]
    city: Annotated[str, StringConstraints(min_length=1, max_length=200), VISIBLE]
    country: Annotated[str, StringConstraints(pattern=r'^[A-Z]{2}$')] = 'BE'


def normal_email(email: str) -> str:
    return email.strip().lower()


def _checked_email(email: str) -> str:
    if problem := invisible_problem(email.strip()):
        raise AccountError({'email': problem})
    try:
        return normal_email(str(_EMAIL.validate_python(email.strip())))
    except ValidationError:
        raise AccountError({'email': MESSAGES['email']}) from None


def check_new_password(password: str, *, email: str, name: str, field: str = 'password') -> None:
    """Raise `AccountError` for `field` when the password breaks the rule (`domain.password_rule`)."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError({field: problem})


async def register(shop: Shop, *, name: str, email: str, password: str, remote: str = '') -> Customer:
    """Open an account and mail its verification link; a guest's customer row of that e-mail becomes the account.

    The guest's earlier orders are not the account's: they can be added on request once the e-mail is verified
    (`domain.customer_orders.attach_guest_orders`).
    """
    from domain.customer_tokens import VERIFY, issue_token  # the tokens module uses this one's helpers

    if customer_accounts(await Shop.get(id=shop.id)) is CustomerAccounts.GUESTS:  # the setting as it is now
        raise AccountError(NO_ACCOUNTS)
    name = ' '.join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors['name'] = MESSAGES['name']
    elif len(name) > 120:
        errors['name'] = 'Please shorten your name to at most 120 characters.'
    elif problem := invisible_problem(name):
        errors['name'] = problem
    try:
        email = _checked_email(email)
    except AccountError as error:
        errors |= error.errors
    problem = password_problem(password, email=email, name=name)
    if problem:
        errors['password'] = problem
    if errors:
        raise AccountError(errors)
    taken = AccountError({'email': 'There is already an account with this e-mail address. Please sign in, or '
                                   'reset your password if you forgot it.'})
    existing = await Customer.get_or_none(shop_id=shop.id, email=email)
    if existing is not None and existing.has_account:
        raise taken
    password_hash = await asyncio.to_thread(hash_password, password)
    now = datetime.now(UTC)
    try:
        async with in_transaction() as connection:
            if existing is None:
                customer = await Customer.create(shop_id=shop.id, email=email, name=name, password_hash=password_hash,
                                                 using_db=connection)
            else:  # conditional: of two registrations at once, one wins
                if not await Customer.filter(id=existing.id, password_hash='').using_db(connection).update(
                        name=name, password_hash=password_hash):
                    raise taken
                # a guest's orders become the account's only on request, after verification
                await Order.filter(customer_id=existing.id).using_db(connection).update(customer_id=None)
                customer = await Customer.get(id=existing.id).using_db(connection)
            await issue_token(connection, customer, VERIFY, now=now)
            await write_log(connection, shop_id=shop.id, order=None, kind='customer.registered', actor=email,
                            message=f'{email} opened an account' + (f' from {remote}' if remote else ''), now=now)
    except IntegrityError:  # the same e-mail registered at the same moment
        raise taken from None
    return customer


CUSTOMER = 'customer'  # the ticket kind: an admin's ticket never opens a customer session


def customer_account(customer_id: int) -> str:
    return f'customer:{customer_id}'


async def authenticate(shop: Shop, *, email: str, password: str, remote: str,
                       device_token: str | None = None) -> Customer:
    """The customer with this e-mail and password; raise `AccountError` (the same for an unknown e-mail and a wrong
    password, answered as slowly, and written to the Logs) or when throttled (`domain.sign_in_throttle`; a device
    that signed in to the account before, by its `device_token` cookie, is not slowed by guesses elsewhere)."""
    email = normal_email(email)[:254]
    customer = await Customer.get_or_none(shop_id=shop.id, email=email) if email else None
    stored = customer.password_hash if customer is not None and customer.has_account else None
    known = stored is not None and await is_known_device(customer_account(customer.id), device_token)
    try:
        valid = await admin_auth.password_matches(
            (f'ip:{remote}', f'customer:{shop.id}:{email}'), stored, password[:1000],
            known_device=device_key(customer_account(customer.id), device_token, remote) if known else None)
    except admin_auth.TooManyFailures as error:
        raise AccountError(str(error)) from None
    if not valid:
        await write_log(connections.get('default'), shop_id=shop.id, order=None, kind='customer.login_failed',
                        actor=email, message=f'Failed customer sign-in for {email} from {remote}',
                        now=datetime.now(UTC))
        raise AccountError(WRONG_LOGIN)
    return customer


async def sign_in_ticket(customer: Customer, *, browser_id: str, address: str) -> str:
    """A ticket that opens a session of `customer` in the browser `browser_id` only, once, within a minute."""
    return await issue_ticket(kind=CUSTOMER, account_id=customer.id, browser_id=browser_id, address=address)


async def redeem_sign_in(shop: Shop, *, ticket: str | None, browser_id: str | None, user_agent: str,
                         address: str, same_address: bool = False) -> tuple[Customer, str] | None:
    """The customer and the token of the session a ticket opens, or None (unknown, used, expired, another
    browser's or another shop's; with `same_address`, issued to another address)."""
    customer_id = await redeem_ticket(kind=CUSTOMER, ticket=ticket, browser_id=browser_id,
                                      address=address if same_address else None)
    customer = await Customer.get_or_none(id=customer_id, shop_id=shop.id) if customer_id is not None else None
    if customer is None or not customer.has_account:
        return None
    return customer, await open_session(customer, user_agent=user_agent, address=address)


async def open_session(customer: Customer, *, user_agent: str = '', address: str = '') -> str:
    """A new session of `customer`; its token (only the hash is stored) is for the browser to keep."""
    token = new_token()
    await CustomerSession.create(shop_id=customer.shop_id, customer_id=customer.id, token_hash=token_hash(token),
                                 **new_session_fields(user_agent=user_agent, address=address, now=datetime.now(UTC)))
    return token


async def session_customer(shop: Shop, token: str | None) -> Customer | None:
    """The account behind a live (unrevoked, unexpired) session token in this shop, or None."""
    if not usable_token(token):
        return None
    session = await CustomerSession.get_or_none(token_hash=token_hash(token), shop_id=shop.id,
                                                revoked_at__isnull=True).select_related('customer')
    now = datetime.now(UTC)
    if session is None or not session.customer.has_account or not session_is_live(session, now):
        return None
    await touch(session, now)
    return session.customer


async def live_sessions(customer: Customer, current_token: str | None = None) -> list[admin_auth.SessionInfo]:
    """The account's sessions that still work, the most recently used first."""
    now = datetime.now(UTC)
    current = token_hash(current_token) if current_token else None
    rows = await CustomerSession.filter(customer_id=customer.id, revoked_at__isnull=True) \
        .order_by('-last_seen_at', '-id')
    return [admin_auth.SessionInfo(id=row.id, created_at=row.created_at,
                                   last_seen_at=row.last_seen_at or row.created_at, user_agent=row.user_agent,
                                   address=row.address, current=row.token_hash == current)
            for row in rows if session_is_live(row, now)]


async def end_session(customer: Customer, session_id: int) -> bool:
    """End one session of `customer`; False if it was not theirs or had ended."""
    return bool(await CustomerSession.filter(id=session_id, customer_id=customer.id, revoked_at__isnull=True)
                .update(revoked_at=datetime.now(UTC)))


async def end_sessions(customer: Customer, *, keep_token: str | None = None,
                       connection: BaseDBAsyncClient | None = None) -> int:
    """Revoke every session of `customer` but the one of `keep_token`; return how many ended."""
    query = CustomerSession.filter(customer_id=customer.id, revoked_at__isnull=True)
    if keep_token:
        query = query.exclude(token_hash=token_hash(keep_token))
    return await query.using_db(connection or connections.get('default')).update(revoked_at=datetime.now(UTC))


async def change_password(customer: Customer, *, current: str, new: str, remote: str,
                          keep_token: str | None = None) -> None:
    """Set a new password after checking the current one; every other session of the account ends."""
    fresh = await Customer.get(id=customer.id)
    try:
        valid = await admin_auth.password_matches((f'ip:{remote}', f'customer:{fresh.shop_id}:{fresh.email}'),
                                                  fresh.password_hash, current[:1000], slow=False)
    except admin_auth.TooManyFailures:
        raise AccountError({'current': 'Too many wrong passwords. Please wait 15 minutes and try again.'}) from None
    if not valid:
        raise AccountError({'current': 'This is not your current password.'})
    check_new_password(new, email=fresh.email, name=fresh.name, field='new')
    password_hash = await asyncio.to_thread(hash_password, new)
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        await Customer.filter(id=fresh.id).using_db(connection).update(password_hash=password_hash)
        await end_sessions(fresh, keep_token=keep_token, connection=connection)
        await write_log(connection, shop_id=fresh.shop_id, order=None, kind='customer.password_changed',
                        actor=fresh.email, message=f'{fresh.email} changed their password', now=now)
    customer.password_hash = password_hash


def parse_address(data: dict) -> dict[str, str]:
    """One address from a form, checked; raise `AccountError` with one message per wrong field."""
    data = {name: str(data.get(name) or '').strip() for name in Address.model_fields}
    data['country'] = data['country'].upper() or 'BE'
    try:
        return Address.model_validate(data).model_dump()
    except ValidationError as error:
        raise AccountError({str(item['loc'][0]): item['msg'] if item['type'] == INVISIBLE_ERROR
                            else MESSAGES[str(item['loc'][0])] for item in error.errors()}) from None


async def save_addresses(customer: Customer, addresses: list[dict]) -> list[dict[str, str]]:
    """Replace the account's addresses (the first is the default); return them as stored."""
    if len(addresses) > MAX_ADDRESSES:
        raise AccountError(f'An account keeps at most {MAX_ADDRESSES} addresses.')
    errors: dict[str, str] = {}
    checked = []
    for index, address in enumerate(addresses):
        try:
            checked.append(parse_address(address))
        except AccountError as error:
            errors |= {f'{index}.{field}': message for field, message in error.errors.items()}
    if errors:
        raise AccountError(errors)
    await Customer.filter(id=customer.id).update(addresses=checked)
    customer.addresses = checked
    return checked
