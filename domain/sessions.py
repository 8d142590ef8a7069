"""What admin and customer sessions share: their lifetimes, the single-use sign-in tickets, the known devices.

A checked password does not open a session in the page that checked it: the page gets a ticket for an HTTP round
trip (`issue_ticket`), and the route that redeems it (`redeem_ticket`) opens the session, sets its cookie and gives
the browser a new NiceGUI session id. The ticket works once, for a minute, in the browser it was issued to: a
cookie planted before the sign-in (session fixation) or a ticket sent to someone else's browser (login CSRF) opens
nothing.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.models import KnownDevice, SignInTicket

TICKET_LIFETIME = timedelta(minutes=1)
SEEN_EVERY = timedelta(minutes=1)  # how often a session's last_seen_at is written: not on every page event
MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True)
class Lifetimes:
    """How long a session lives: `idle` without use, `absolute` at most after its sign-in."""

    idle: timedelta = timedelta(hours=12)
    absolute: timedelta = timedelta(days=30)


_lifetimes = Lifetimes()


def set_lifetimes(chosen: Lifetimes) -> None:
    """Set the session lifetimes (from ORDERLY_SESSION_IDLE_HOURS and ORDERLY_SESSION_MAX_DAYS, at start)."""
    global _lifetimes  # read once from the settings when the app is composed
    _lifetimes = chosen


def lifetimes() -> Lifetimes:
    return _lifetimes


def token_hash(token: str) -> str:
    """What is stored of a session, ticket, device or link token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def usable_token(token: str | None) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH


def session_is_live(session, now: datetime) -> bool:
    """Whether an AdminSession or CustomerSession row is neither revoked nor expired (idle or absolute)."""
    if session.revoked_at is not None:
        return False
    expires = session.expires_at or session.created_at + _lifetimes.absolute
    seen = session.last_seen_at or session.created_at
    return now < expires and now < seen + _lifetimes.idle


def new_session_fields(*, user_agent: str, address: str, now: datetime) -> dict:
    """The fields of a new session row besides its owner and token."""
    return {'created_at': now, 'last_seen_at': now, 'expires_at': now + _lifetimes.absolute,
            'user_agent': user_agent[:300], 'address': address[:64]}


async def touch(session, now: datetime) -> None:
    """Note that the session was used (at most once per `SEEN_EVERY`): its idle time starts again."""
    if session.last_seen_at is None or now - session.last_seen_at >= SEEN_EVERY:
        session.last_seen_at = now
        await type(session).filter(id=session.id).update(last_seen_at=now)


async def issue_ticket(*, kind: str, account_id: int, browser_id: str, address: str) -> str:
    """A ticket that opens a session of `account_id` (`kind` admin or customer) in the browser `browser_id`."""
    ticket = new_token()
    now = datetime.now(UTC)
    await SignInTicket.filter(expires_at__lt=now - timedelta(hours=1)).delete()  # the table stays small
    await SignInTicket.create(kind=kind, account_id=account_id, ticket_hash=token_hash(ticket),
                              browser_hash=token_hash(browser_id), address=address[:64], created_at=now,
                              expires_at=now + TICKET_LIFETIME)
    return ticket


async def redeem_ticket(*, kind: str, ticket: str | None, browser_id: str | None,
                        address: str | None = None) -> int | None:
    """The account the ticket was issued for, once: None for an unknown, used, expired or foreign ticket. With
    `address`, only from the address it was issued to (when the browser did not say it came from the shop's page)."""
    if not usable_token(ticket) or not browser_id:
        return None
    now = datetime.now(UTC)
    query = SignInTicket.filter(ticket_hash=token_hash(ticket), kind=kind, browser_hash=token_hash(browser_id),
                                used_at__isnull=True, expires_at__gt=now)
    if address is not None:
        query = query.filter(address=address[:64])
    found = await query.first()
    if found is None or not await SignInTicket.filter(id=found.id, used_at__isnull=True).update(used_at=now):
        return None  # of two redemptions at once, one wins
    return found.account_id


def device_key(account: str, device_token: str | None, address: str) -> str:
    """The throttling key of a device cookie for an account, per address: guesses made with a copy of the cookie
    elsewhere never use up the budget of the browser that holds it."""
    return f'device:{account}:{token_hash(device_token or "")}:{address[:64]}'


async def is_known_device(account: str, device_token: str | None) -> bool:
    """Whether this browser's device cookie signed in to `account` ("admin:ID", "customer:ID") before."""
    if not usable_token(device_token):
        return False
    return await KnownDevice.filter(account=account, token_hash=token_hash(device_token)).exists()


async def device_after_sign_in(account: str, offered: str | None) -> str:
    """The device cookie a browser keeps after signing in to `account`: the one it offered if that signed in to this
    account before, else a new random one. Another site can plant a device cookie it knows (cookie tossing): that
    never becomes a known device of this account. A new one takes over the accounts the offered one was known to,
    so a browser shared by two accounts stays known to both, and the offered value is then worth nothing."""
    now = datetime.now(UTC)
    if usable_token(offered) and await KnownDevice.filter(account=account, token_hash=token_hash(offered)) \
            .update(last_used_at=now):
        return offered
    device = new_token()
    if usable_token(offered):
        await KnownDevice.filter(token_hash=token_hash(offered)).update(token_hash=token_hash(device))
    await remember_device(account, device)
    return device


async def remember_device(account: str, device_token: str) -> None:
    """Note that the browser with this device cookie signed in to `account`."""
    now = datetime.now(UTC)
    hashed = token_hash(device_token)
    if not await KnownDevice.filter(account=account, token_hash=hashed).update(last_used_at=now):
        await KnownDevice.get_or_create(account=account, token_hash=hashed,
                                        defaults={'created_at': now, 'last_used_at': now})
