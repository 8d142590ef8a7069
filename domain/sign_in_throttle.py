"""Throttled password checks for admins and customers, as OWASP's "device cookies" describe them.

- A browser that signed in to the account before (a known device) is judged only by its own failures, counted per
  device and address: guesses from elsewhere, even with a copy of its device cookie, never slow down or refuse its
  correct password. (Which device cookie a browser keeps at sign-in: `domain.sessions.device_after_sign_in`.)
- Any other browser is slowed down per account: after `FREE_ACCOUNT_FAILURES` failures an attempt must wait a delay
  that doubles with every further failure (up to `MAX_ACCOUNT_DELAY`), and per address: after `ADDRESS_LIMIT`
  failures within `ADDRESS_WINDOW` its attempts are refused.

Each attempt reserves its failure row before it counts (INSERT, then COUNT): of attempts made at the same moment
each one counts the others, so parallel guesses cannot all slip under a limit. A correct password, or an attempt
refused unchecked, takes its rows back.
"""

import asyncio
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from domain.errors import OrderlyError
from domain.models import LoginFailure
from domain.passwords import hash_password, verify_password

ADDRESS_LIMIT = 30  # failures per address (NAT and shared proxies put many people behind one)
ADDRESS_WINDOW = timedelta(minutes=15)
FREE_ACCOUNT_FAILURES = 10  # failures of an account from unknown devices before its slow-down starts
FIRST_ACCOUNT_DELAY = timedelta(seconds=15)  # then 30 s, 1 min, … up to MAX_ACCOUNT_DELAY
ACCOUNT_WINDOW = timedelta(hours=24)
MAX_ACCOUNT_DELAY = timedelta(minutes=15)
DEVICE_LIMIT = 10  # failures of a known device within DEVICE_WINDOW before it counts as unknown
DEVICE_WINDOW = timedelta(minutes=15)
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))  # unknown e-mails cost the same argon2 work


class Throttled(OrderlyError):
    """Too many wrong passwords lately from this address or for this account: not even checked."""


def account_delay(failures: int) -> timedelta:
    """How long an unknown device waits after the last of `failures` failures of an account."""
    if failures < FREE_ACCOUNT_FAILURES:
        return timedelta(0)
    return min(FIRST_ACCOUNT_DELAY * 2 ** min(failures - FREE_ACCOUNT_FAILURES, 20), MAX_ACCOUNT_DELAY)


async def _reserve(keys: Sequence[str], now: datetime) -> list[LoginFailure]:
    return [await LoginFailure.create(key=key, created_at=now) for key in keys]


async def _release(rows: Sequence[LoginFailure]) -> None:
    if rows:
        await LoginFailure.filter(id__in=[row.id for row in rows]).delete()


async def _device_still_trusted(device_key: str, now: datetime) -> list[LoginFailure] | None:
    """Reserve an attempt of the known device; None (nothing reserved) once it failed too often itself."""
    rows = await _reserve([device_key], now)
    if await LoginFailure.filter(key=device_key, created_at__gte=now - DEVICE_WINDOW).count() > DEVICE_LIMIT:
        await _release(rows)
        return None
    return rows


async def _refusal(address_key: str | None, account_keys: Sequence[str], rows: Sequence[LoginFailure],
                   now: datetime) -> str | None:
    """Why this (reserved) attempt of an unknown device is refused unchecked, or None."""
    if address_key is not None and await LoginFailure.filter(
            key=address_key, created_at__gte=now - ADDRESS_WINDOW).count() > ADDRESS_LIMIT:
        return 'Too many failed sign-ins from your network. Please wait 15 minutes and try again.'
    mine = [row.id for row in rows]
    for key in account_keys:
        others = LoginFailure.filter(key=key, created_at__gte=now - ACCOUNT_WINDOW).exclude(id__in=mine)
        failures = await others.count()
        delay = account_delay(failures)
        if not delay:
            continue
        latest = await others.order_by('-created_at').first()
        wait = (latest.created_at + delay - now).total_seconds() if latest is not None else 0
        if wait > 0:
            seconds = int(wait) + 1
            when = f'{seconds} seconds' if seconds < 120 else f'{seconds // 60 + 1} minutes'
            return (f'Too many failed sign-ins for this account. Please wait {when} and try again, or sign in '
                    'from a device you used before.')
    return None


async def password_matches(keys: Sequence[str], password_hash: str | None, password: str, *,
                           miss_delay: float = 0, known_device: str | None = None) -> bool:
    """Whether `password` matches `password_hash` (None: no such account, checked against a dummy hash at the same
    argon2 cost). `keys` are the attempt's throttling keys: "ip:…" an address, any other an account.
    `known_device` is the key of this browser's device cookie when it signed in to the account before.
    Raise `Throttled` (nothing checked) when throttled; a miss is answered after `miss_delay` seconds.
    """
    now = datetime.now(UTC)
    rows = await _device_still_trusted(known_device, now) if known_device else None
    if rows is None:  # an unknown device (or one that guessed too often itself)
        address = next((key for key in keys if key.startswith('ip:')), None)
        accounts = [key for key in keys if not key.startswith('ip:')]
        rows = await _reserve(keys, now)
        problem = await _refusal(address, accounts, rows, now)
        if problem:
            await _release(rows)
            raise Throttled(problem)
    valid = await asyncio.to_thread(verify_password, password_hash or _DUMMY_HASH, password)
    if password_hash and valid:
        await _release(rows)
        return True
    if miss_delay:  # the reserved rows stay: they are the failure
        await asyncio.sleep(miss_delay)
    return False
