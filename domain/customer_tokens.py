"""The links mailed to customers: verify the e-mail address, reset a forgotten password.

Each link carries a random token; only its hash is stored, it works once and expires. The mail goes through the
outbox in the transaction that makes the token (the token rides in that row's payload until the mail is built).
"""

import asyncio
import secrets
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain.customer_accounts import AccountError, check_new_password, end_sessions, normal_email, token_hash
from domain.logs import write_log
from domain.models import Customer, CustomerToken, Shop
from domain.outbox import enqueue, new_message
from domain.passwords import hash_password

VERIFY, RESET = 'verify', 'reset'
LIFETIMES = {VERIFY: timedelta(days=3), RESET: timedelta(hours=1)}
TEMPLATES = {VERIFY: 'customer_verification', RESET: 'password_reset'}
MAX_LINKS_PER_HOUR = 5  # per account and kind: a form cannot be used to flood someone's mailbox
INVALID_LINK = 'This link is not valid (any more). Links work once and expire: please ask for a new one.'


async def issue_token(connection: BaseDBAsyncClient, customer: Customer, purpose: str, *, now: datetime) -> str:
    """Store a new token of `purpose` for `customer` and queue its mail, both on `connection`; return the token."""
    token = secrets.token_urlsafe(32)
    await CustomerToken.create(shop_id=customer.shop_id, customer_id=customer.id, purpose=purpose,
                               token_hash=token_hash(token), email=customer.email, created_at=now,
                               expires_at=now + LIFETIMES[purpose], using_db=connection)
    await enqueue(connection, [new_message(
        shop_id=customer.shop_id, order=None, channel='mail', event=f'customer.{purpose}', template=TEMPLATES[purpose],
        recipient=customer.email, payload={'name': customer.name, 'token': token,
                                           'valid_hours': int(LIFETIMES[purpose].total_seconds() // 3600)}, now=now)])
    return token


async def _recent_links(customer: Customer, purpose: str, now: datetime) -> int:
    return await CustomerToken.filter(customer_id=customer.id, purpose=purpose,
                                      created_at__gte=now - timedelta(hours=1)).count()


async def send_verification(customer: Customer) -> None:
    """Mail a new verification link (an account whose e-mail is not verified yet)."""
    now = datetime.now(UTC)
    if customer.email_verified_at is not None:
        raise AccountError('Your e-mail address is already verified.')
    if await _recent_links(customer, VERIFY, now) >= MAX_LINKS_PER_HOUR:
        raise AccountError('We have sent you several links in the last hour. Please look in your mailbox (and its '
                           'spam folder), or try again later.')
    async with in_transaction() as connection:
        await issue_token(connection, customer, VERIFY, now=now)


async def request_password_reset(shop: Shop, *, email: str) -> None:
    """Mail a reset link if this e-mail has an account; the answer is the same either way."""
    now = datetime.now(UTC)
    customer = await Customer.get_or_none(shop_id=shop.id, email=normal_email(email)[:254])
    if customer is None or not customer.has_account or await _recent_links(customer, RESET, now) >= MAX_LINKS_PER_HOUR:
        return
    async with in_transaction() as connection:
        await issue_token(connection, customer, RESET, now=now)


async def _live_token(shop: Shop, token: str, purpose: str, *, used: bool = False) -> CustomerToken | None:
    """The unexpired token of `purpose` (unused, unless `used`) for the address its account still has."""
    if not token or len(token) > 100:
        return None
    found = await CustomerToken.get_or_none(token_hash=token_hash(token), shop_id=shop.id, purpose=purpose) \
        .select_related('customer')
    if found is None or found.expires_at <= datetime.now(UTC) or found.email != found.customer.email:
        return None
    return found if used or found.used_at is None else None


async def verify_email(shop: Shop, token: str) -> Customer:
    """Mark the account's e-mail verified by the link's token; raise `AccountError` for an unknown or expired link.

    Opening the link again (or after a mail scanner did) answers as the first time, while it has not expired."""
    found = await _live_token(shop, token, VERIFY, used=True)
    if found is None or (found.used_at is not None and found.customer.email_verified_at is None):
        raise AccountError(INVALID_LINK)
    if found.used_at is not None:
        return found.customer
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        if not await CustomerToken.filter(id=found.id, used_at__isnull=True).using_db(connection).update(used_at=now):
            raise AccountError(INVALID_LINK)
        customer = found.customer
        if customer.email_verified_at is None:
            await Customer.filter(id=customer.id).using_db(connection).update(email_verified_at=now)
            customer.email_verified_at = now
            await write_log(connection, shop_id=shop.id, order=None, kind='customer.verified', actor=customer.email,
                            message=f'{customer.email} verified their e-mail address', now=now)
    return customer


async def reset_link_is_valid(shop: Shop, token: str) -> bool:
    return await _live_token(shop, token, RESET) is not None


async def reset_password(shop: Shop, *, token: str, password: str) -> Customer:
    """Set a new password by a reset link (once); every session of the account ends. The link reached the mailbox,
    so it verifies the address too."""
    found = await _live_token(shop, token, RESET)
    if found is None:
        raise AccountError(INVALID_LINK)
    customer = found.customer
    check_new_password(password, email=customer.email, name=customer.name)
    password_hash = await asyncio.to_thread(hash_password, password)
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        if not await CustomerToken.filter(id=found.id, used_at__isnull=True).using_db(connection).update(used_at=now):
            raise AccountError(INVALID_LINK)
        await CustomerToken.filter(customer_id=customer.id, purpose=RESET, used_at__isnull=True) \
            .using_db(connection).update(used_at=now)  # older links die with this one
        changes = {'password_hash': password_hash}
        if customer.email_verified_at is None:
            changes['email_verified_at'] = now
        await Customer.filter(id=customer.id).using_db(connection).update(**changes)
        await end_sessions(customer, connection=connection)
        await write_log(connection, shop_id=shop.id, order=None, kind='customer.password_reset', actor=customer.email,
                        message=f'{customer.email} set a new password by a reset link', now=now)
    for name, value in changes.items():
        setattr(customer, name, value)
    return customer
