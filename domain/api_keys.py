"""API keys: the owner creates them for other programs, sees each secret once, and can revoke them at any time.

Only a SHA-256 of the secret is stored. The secret carries 256 random bits, so a fast hash is enough: nobody can
guess their way back to it, and looking a key up by its hash needs no slow comparison.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import ApiKey, ApiKeyAccess

KEY_PREFIX = 'ok_live_'
HINT_LENGTH = 12  # 'ok_live_' and four characters of the secret
MAX_LABEL_LENGTH = 80
MAX_KEY_LENGTH = 200  # longer bearer tokens are not ours: refused before hashing
LAST_USED_PRECISION = timedelta(minutes=1)  # reads do not turn into a write per request


class InvalidApiKey(OrderlyError):
    """A key cannot be created or revoked as asked; the message says why."""


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: `secret` is shown to the owner once and never stored."""

    key: ApiKey
    secret: str


@dataclass(frozen=True)
class ApiCaller:
    """Who is behind a request's bearer key: the shop it may see, and whether it may change anything."""

    key_id: int
    shop_id: int
    label: str
    can_write: bool

    @property
    def actor(self) -> str:
        """How the Logs name what this key did."""
        return f'API key "{self.label}"'[:254]


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_api_key(*, shop_id: int, label: str, access: ApiKeyAccess, actor: str) -> NewApiKey:
    """Create a key for the shop; the returned secret is the only copy there will ever be."""
    label = ' '.join(label.split())
    if not label:
        raise InvalidApiKey('Please give the key a name, e.g. the program that will use it.')
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidApiKey(f'The name can be at most {MAX_LABEL_LENGTH} characters.')
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        key = await ApiKey.create(shop_id=shop_id, label=label, hint=secret[:HINT_LENGTH], key_hash=key_hash(secret),
                                  access=access, created_by=actor, created_at=now, using_db=connection)
        await write_log(connection, shop_id=shop_id, order=None, kind='settings.api_keys', actor=actor, now=now,
                        message=f'API key "{label}" created ({access.label.lower()}, {key.hint}…)',
                        data={'key_id': key.id, 'access': access.value})
    return NewApiKey(key=key, secret=secret)


async def list_api_keys(shop_id: int) -> list[ApiKey]:
    """The shop's keys, live ones first, newest first."""
    keys = await ApiKey.filter(shop_id=shop_id).order_by('-created_at', '-id')
    return sorted(keys, key=lambda key: key.revoked_at is not None)


async def revoke_api_key(*, shop_id: int, key_id: int, actor: str) -> ApiKey:
    """Revoke the key: its next request is refused. Revoking twice changes nothing."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        key = await ApiKey.get_or_none(id=key_id, shop_id=shop_id).using_db(connection)
        if key is None:
            raise InvalidApiKey('This API key no longer exists.')
        if key.revoked_at is not None:
            return key
        key.revoked_at = now
        await key.save(update_fields=['revoked_at'], using_db=connection)
        await write_log(connection, shop_id=shop_id, order=None, kind='settings.api_keys', actor=actor, now=now,
                        message=f'API key "{key.label}" revoked ({key.hint}…)', data={'key_id': key.id})
    return key


async def authenticate(secret: str) -> ApiCaller | None:
    """The caller behind a bearer secret, or None for an unknown or revoked key. Notes when the key was used."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > MAX_KEY_LENGTH:
        return None
    key = await ApiKey.get_or_none(key_hash=key_hash(secret), revoked_at__isnull=True)
    if key is None:
        return None
    now = datetime.now(UTC)
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        # conditional, so that concurrent requests of one key write it once
        await ApiKey.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION),
                            id=key.id).update(last_used_at=now)
    return ApiCaller(key_id=key.id, shop_id=key.shop_id, label=key.label,
                     can_write=key.access is ApiKeyAccess.READ_WRITE)
