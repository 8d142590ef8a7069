"""Admin sign-in: argon2 passwords, throttled guessing (shared with customer accounts), sessions that logout ends
everywhere."""

import asyncio
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise import connections

from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import AdminRole, AdminSession, AdminUser, LoginFailure, Shop
from domain.passwords import hash_password, verify_password

MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
FAILED_LOGIN_DELAY = 1.0  # seconds: a wrong password is answered slowly, whoever asks
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))  # unknown e-mails cost the same argon2 work


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


def token_hash(token: str) -> str:
    """What is stored of a session or link token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


async def password_matches(keys: Sequence[str], password_hash: str | None, password: str, *,
                           slow: bool = True) -> bool:
    """Whether `password` matches `password_hash` (None: no such account, checked against a dummy hash at the same
    argon2 cost). Raise `TooManyFailures` after `MAX_FAILURES` misses for any of `keys` (an address, an account)
    within `FAILURE_WINDOW`; a miss counts for every key and, `slow`, is answered after `FAILED_LOGIN_DELAY`."""
    since = datetime.now(UTC) - FAILURE_WINDOW
    if max([await LoginFailure.filter(key=key, created_at__gte=since).count() for key in keys]) >= MAX_FAILURES:
        raise TooManyFailures('Too many failed sign-ins. Please wait 15 minutes and try again.')
    valid = await asyncio.to_thread(verify_password, password_hash or _DUMMY_HASH, password)
    if password_hash and valid:
        return True
    await LoginFailure.bulk_create([LoginFailure(key=key, created_at=datetime.now(UTC)) for key in keys])
    if slow:
        await asyncio.sleep(FAILED_LOGIN_DELAY)
    return False


async def sign_in(*, shop: Shop, email: str, password: str, address: str) -> str:
    """Check the password and open a session; return its token (kept by the browser). Raise `LoginRefused`."""
    email = email.strip().lower()
    admin = await AdminUser.get_or_none(shop_id=shop.id, email=email)
    valid = await password_matches((f'ip:{address}', f'account:{shop.id}:{email}'),
                                   admin.password_hash if admin else None, password)
    now = datetime.now(UTC)
    if not valid:
        await write_log(connections.get('default'), shop_id=shop.id, order=None, kind='admin.login_failed',
                        actor=email[:254], message=f'Failed sign-in for {email[:254]} from {address}', now=now)
        raise LoginRefused('Wrong e-mail or password.')
    token = secrets.token_urlsafe(32)
    await AdminSession.create(shop_id=shop.id, admin=admin, token_hash=token_hash(token), created_at=now)
    await write_log(connections.get('default'), shop_id=shop.id, order=None, kind='admin.login', actor=admin.email,
                    message=f'{admin.email} signed in from {address}', now=now)
    return token


async def session_admin(token: str | None) -> SignedInAdmin | None:
    """The admin behind a live session token, or None (unknown, revoked, or the admin was removed)."""
    if not token:
        return None
    session = await AdminSession.get_or_none(token_hash=token_hash(token), revoked_at__isnull=True) \
        .select_related('admin')
    if session is None:
        return None
    admin = session.admin
    return SignedInAdmin(id=admin.id, shop_id=admin.shop_id, email=admin.email, name=admin.name, role=admin.role)


async def sign_out_everywhere(admin: SignedInAdmin) -> None:
    """End every session of `admin`: each open page notices at its next action."""
    now = datetime.now(UTC)
    await AdminSession.filter(admin_id=admin.id, revoked_at__isnull=True).update(revoked_at=now)
    await write_log(connections.get('default'), shop_id=admin.shop_id, order=None, kind='admin.logout',
                    actor=admin.email, message=f'{admin.email} signed out everywhere', now=now)
