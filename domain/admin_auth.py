"""Admin sign-in: argon2 passwords, throttled guessing (shared with customer accounts, `domain.sign_in_throttle`),
sessions that expire, are listed and revocable, and that logout ends everywhere."""

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise import connections
from tortoise.transactions import in_transaction

from domain import sign_in_throttle
from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import AdminRole, AdminSession, AdminUser, Shop
from domain.passwords import hash_password
from domain.sessions import (
    device_key,
    is_known_device,
    issue_ticket,
    new_session_fields,
    new_token,
    redeem_ticket,
    session_is_live,
    token_hash,
    touch,
    usable_token,
)

__all__ = ['token_hash']  # re-exported: domain.admins and domain.customer_accounts hash tokens with it

MAX_FAILURES = sign_in_throttle.FREE_ACCOUNT_FAILURES  # failures of an account before its slow-down starts
FAILED_LOGIN_DELAY = 1.0  # seconds: a wrong password is answered slowly, whoever asks
ADMIN = 'admin'  # the ticket kind: a customer's ticket never opens an admin session


class LoginRefused(OrderlyError):
    """Wrong e-mail or password, or too many attempts."""


class TooManyFailures(LoginRefused):
    """Too many wrong passwords lately from this address or for this account: not even checked."""


@dataclass(frozen=True)
class SignedInAdmin:
    """Who is behind a session: what pages and handlers check before they act."""

    id: int
    shop_id: int
    email: str
    name: str
    role: AdminRole

    @property
    def is_owner(self) -> bool:
        return self.role is AdminRole.OWNER


@dataclass(frozen=True)
class SessionInfo:
    """One live session as the account page lists it."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    address: str
    current: bool


async def password_matches(keys: Sequence[str], password_hash: str | None, password: str, *,
                           slow: bool = True, known_device: str | None = None) -> bool:
    """Whether `password` matches `password_hash` (None: no such account, checked at the same argon2 cost), throttled
    by `domain.sign_in_throttle` for `keys` ("ip:…" an address, others an account) unless `known_device` is the key
    of a device that signed in to the account before. Raise `TooManyFailures`; a miss is answered slowly if `slow`."""
    try:
        return await sign_in_throttle.password_matches(keys, password_hash, password, known_device=known_device,
                                                       miss_delay=FAILED_LOGIN_DELAY if slow else 0)
    except sign_in_throttle.Throttled as error:
        raise TooManyFailures(str(error)) from None


def admin_account(admin_id: int) -> str:
    return f'admin:{admin_id}'


async def check_sign_in(*, shop: Shop, email: str, password: str, address: str,
                        device_token: str | None = None) -> AdminUser:
    """The admin with this e-mail and password (throttled, logged); raise `LoginRefused`. `device_token` is the
    browser's device cookie: a device that signed in to the account before is not slowed by guesses elsewhere."""
    email = email.strip().lower()[:254]
    admin = await AdminUser.get_or_none(shop_id=shop.id, email=email)
    known = admin is not None and await is_known_device(admin_account(admin.id), device_token)
    device = device_key(admin_account(admin.id), device_token, address) if known else None
    valid = await password_matches((f'ip:{address}', f'account:{shop.id}:{email}'),
                                   admin.password_hash if admin else None, password[:1000], known_device=device)
    now = datetime.now(UTC)
    if not valid:
        await write_log(connections.get('default'), shop_id=shop.id, order=None, kind='admin.login_failed',
                        actor=email, message=f'Failed sign-in for {email} from {address}', now=now)
        raise LoginRefused('Wrong e-mail or password.')
    await write_log(connections.get('default'), shop_id=shop.id, order=None, kind='admin.login', actor=admin.email,
                    message=f'{admin.email} signed in from {address}', now=now)
    return admin


async def open_session(admin: AdminUser, *, user_agent: str = '', address: str = '') -> str:
    """A new session of `admin`; its token (only the hash is stored) is for the browser to keep."""
    token = new_token()
    await AdminSession.create(shop_id=admin.shop_id, admin=admin, token_hash=token_hash(token),
                              **new_session_fields(user_agent=user_agent, address=address, now=datetime.now(UTC)))
    return token


async def sign_in(*, shop: Shop, email: str, password: str, address: str, device_token: str | None = None,
                  user_agent: str = '') -> str:
    """Check the password and open a session; return its token (kept by the browser). Raise `LoginRefused`."""
    admin = await check_sign_in(shop=shop, email=email, password=password, address=address, device_token=device_token)
    return await open_session(admin, user_agent=user_agent, address=address)


async def sign_in_ticket(*, shop: Shop, email: str, password: str, address: str, browser_id: str,
                         device_token: str | None = None) -> str:
    """Check the password and return a ticket that opens the session in the browser `browser_id` only, once, within
    a minute (`redeem_sign_in`). Raise `LoginRefused`."""
    admin = await check_sign_in(shop=shop, email=email, password=password, address=address, device_token=device_token)
    return await issue_ticket(kind=ADMIN, account_id=admin.id, browser_id=browser_id, address=address)


async def redeem_sign_in(*, ticket: str | None, browser_id: str | None, user_agent: str, address: str,
                         same_address: bool = False) -> tuple[AdminUser, str] | None:
    """The admin and the token of the session a ticket opens, or None (unknown, used, expired, another browser's;
    with `same_address`, issued to another address)."""
    admin_id = await redeem_ticket(kind=ADMIN, ticket=ticket, browser_id=browser_id,
                                   address=address if same_address else None)
    admin = await AdminUser.get_or_none(id=admin_id) if admin_id is not None else None
    if admin is None:
        return None
    return admin, await open_session(admin, user_agent=user_agent, address=address)


async def _live_session(token: str | None) -> AdminSession | None:
    if not usable_token(token):
        return None
    session = await AdminSession.get_or_none(token_hash=token_hash(token), revoked_at__isnull=True) \
        .select_related('admin')
    now = datetime.now(UTC)
    if session is None or not session_is_live(session, now):
        return None
    await touch(session, now)
    return session


async def session_admin(token: str | None) -> SignedInAdmin | None:
    """The admin behind a live session token, or None (unknown, revoked, expired, or the admin was removed)."""
    session = await _live_session(token)
    if session is None:
        return None
    admin = session.admin
    return SignedInAdmin(id=admin.id, shop_id=admin.shop_id, email=admin.email, name=admin.name, role=admin.role)


async def live_sessions(admin: SignedInAdmin, current_token: str | None = None) -> list[SessionInfo]:
    """The admin's sessions that still work, the most recently used first."""
    now = datetime.now(UTC)
    current = token_hash(current_token) if current_token else None
    rows = await AdminSession.filter(admin_id=admin.id, revoked_at__isnull=True).order_by('-last_seen_at', '-id')
    return [SessionInfo(id=row.id, created_at=row.created_at, last_seen_at=row.last_seen_at or row.created_at,
                        user_agent=row.user_agent, address=row.address, current=row.token_hash == current)
            for row in rows if session_is_live(row, now)]


async def end_session(admin: SignedInAdmin, session_id: int) -> bool:
    """End one session of `admin` (another browser of theirs); False if it was not theirs or had ended."""
    now = datetime.now(UTC)
    ended = await AdminSession.filter(id=session_id, admin_id=admin.id, revoked_at__isnull=True).update(revoked_at=now)
    if ended:
        await write_log(connections.get('default'), shop_id=admin.shop_id, order=None, kind='admin.logout',
                        actor=admin.email, message=f'{admin.email} ended one of their sessions', now=now)
    return bool(ended)


async def sign_out_everywhere(admin: SignedInAdmin) -> None:
    """End every session of `admin`: each open page notices at its next action."""
    now = datetime.now(UTC)
    await AdminSession.filter(admin_id=admin.id, revoked_at__isnull=True).update(revoked_at=now)
    await write_log(connections.get('default'), shop_id=admin.shop_id, order=None, kind='admin.logout',
                    actor=admin.email, message=f'{admin.email} signed out everywhere', now=now)


async def reset_password(email: str) -> list[tuple[AdminUser, str]]:
    """A new random password for every admin with this e-mail (one per shop); their sessions end, a Log entry says
    so (without the password). Returns each admin with the password to show once."""
    email = email.strip().lower()
    done = []
    for admin in await AdminUser.filter(email=email):
        password = secrets.token_urlsafe(12)
        password_hash = await asyncio.to_thread(hash_password, password)
        now = datetime.now(UTC)
        async with in_transaction() as connection:
            await AdminUser.filter(id=admin.id).using_db(connection).update(password_hash=password_hash)
            await AdminSession.filter(admin_id=admin.id, revoked_at__isnull=True).using_db(connection) \
                .update(revoked_at=now)
            await write_log(connection, shop_id=admin.shop_id, order=None, kind='admin.password_reset',
                            actor='console', now=now,
                            message=f'New password for {admin.email} set on the console; signed out everywhere')
        done.append((admin, password))
    return done
