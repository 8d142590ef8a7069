"""Web Push: the devices each admin gets notifications on, which events they want, and the shop's VAPID keys.

The domain keeps these rows and queues outbox messages (channel 'push'); integrations/push sends them and reports
back through `record_push_results`. A device is one browser's subscription, as `pushManager.subscribe()` made it.
"""

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OutboxQueued, hub
from domain.logs import write_log
from domain.models import AdminUser, PushPreferences, PushSubscription, VapidKeys
from domain.outbox import enqueue, new_message

# The events an admin can choose to be notified of (outbox event names), in the merchant's words
PUSH_EVENTS = {'order.created': 'New orders', 'order.paid': 'Payments received'}
DEFAULT_EVENTS = frozenset({'order.created'})  # for an admin who never chose
TEST_EVENT = 'push.test'  # "Send test notification": one device, whatever the admin chose


class InvalidSubscription(OrderlyError):
    """The browser's subscription cannot be stored, or the device is not (any more) this admin's."""


@dataclass(frozen=True)
class BrowserSubscription:
    """What `PushSubscription.toJSON()` gives in the browser: where to push, and the keys to encrypt for."""

    endpoint: str
    p256dh: str  # base64url, 65 bytes: the browser's P-256 public key
    auth: str  # base64url, 16 bytes: the browser's auth secret


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def b64encode(data: bytes) -> str:
    """base64url without padding, as Web Push writes keys."""
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def parse_browser_subscription(data: Any) -> BrowserSubscription:
    """Check what the browser sent before it is stored; raise `InvalidSubscription`."""
    keys = data.get('keys') if isinstance(data, Mapping) else None
    endpoint = data.get('endpoint') if isinstance(data, Mapping) else None
    if not isinstance(endpoint, str) or not isinstance(keys, Mapping):
        raise InvalidSubscription('The browser gave no usable subscription.')
    parts = urlsplit(endpoint)
    if parts.scheme not in {'https', 'http'} or not parts.hostname or len(endpoint) > 1000:
        raise InvalidSubscription('The browser gave an unusable push address.')
    p256dh, auth = keys.get('p256dh'), keys.get('auth')
    try:
        point = _b64decode(p256dh) if isinstance(p256dh, str) else b''
        secret = _b64decode(auth) if isinstance(auth, str) else b''
    except (binascii.Error, ValueError):
        point = secret = b''
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise InvalidSubscription('The browser gave unusable encryption keys.')
    return BrowserSubscription(endpoint=endpoint, p256dh=b64encode(point), auth=b64encode(secret))


def device_label(user_agent: str) -> str:
    """A name for a device from its browser's User-Agent: "Chrome on Android", "Safari on iPhone"."""
    ua = user_agent or ''
    browsers = (('Edg/', 'Edge'), ('SamsungBrowser', 'Samsung Internet'), ('Firefox/', 'Firefox'),
                ('FxiOS', 'Firefox'), ('CriOS', 'Chrome'), ('OPR/', 'Opera'), ('Chrome/', 'Chrome'),
                ('Chromium/', 'Chromium'), ('Safari/', 'Safari'))
    systems = (('iPhone', 'iPhone'), ('iPad', 'iPad'), ('Android', 'Android'), ('Windows', 'Windows'),
               ('Mac OS X', 'Mac'), ('CrOS', 'ChromeOS'), ('Linux', 'Linux'))
    browser = next((name for token, name in browsers if token in ua), 'Browser')
    system = next((name for token, name in systems if token in ua), '')
    return f'{browser} on {system}' if system else browser


async def vapid_keys(shop_id: int) -> VapidKeys:
    """The shop's VAPID key pair, made on first use and kept: subscriptions are bound to its public key."""
    keys = await VapidKeys.get_or_none(shop_id=shop_id)
    if keys is not None:
        return keys
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    scalar = private.private_numbers().private_value.to_bytes(32, 'big')
    try:
        return await VapidKeys.create(shop_id=shop_id, private_key=b64encode(scalar), public_key=b64encode(public),
                                      created_at=datetime.now(UTC))
    except IntegrityError:  # another process made them first: theirs are the shop's
        return await VapidKeys.get(shop_id=shop_id)


async def vapid_public_key(shop_id: int) -> str:
    """The key the browser subscribes with (`applicationServerKey`), base64url."""
    return (await vapid_keys(shop_id)).public_key


async def save_subscription(*, shop_id: int, admin_id: int, subscription: BrowserSubscription, label: str,
                            actor: str) -> PushSubscription:
    """Store a browser's subscription for an admin; the same browser subscribing again replaces its row."""
    label = re.sub(r'\s+', ' ', label).strip()[:80] or 'This device'
    now = datetime.now(UTC)
    fields = {'shop_id': shop_id, 'admin_id': admin_id, 'p256dh': subscription.p256dh, 'auth': subscription.auth,
              'device_label': label, 'last_error': '', 'last_event_id': ''}
    async with in_transaction() as connection:
        if not await AdminUser.exists(id=admin_id, shop_id=shop_id):
            raise InvalidSubscription('Your account no longer exists.')
        device = await PushSubscription.get_or_none(endpoint=subscription.endpoint).using_db(connection)
        if device is None:
            try:
                device = await PushSubscription.create(endpoint=subscription.endpoint, created_at=now, **fields,
                                                       using_db=connection)
            except IntegrityError:
                raise InvalidSubscription('This device was just enabled elsewhere; please try again.') from None
        else:  # a browser keeps its subscription: a new sign-in on it takes the device over
            await PushSubscription.filter(id=device.id).using_db(connection).update(**fields)
            device = await PushSubscription.get(id=device.id).using_db(connection)
        await write_log(connection, shop_id=shop_id, order=None, kind='settings.notifications', actor=actor,
                        message=f'Notifications on for {actor} on {label}', now=now)
    return device


async def admin_devices(*, shop_id: int, admin_id: int) -> list[PushSubscription]:
    """The devices an admin gets notifications on, oldest first."""
    return await PushSubscription.filter(shop_id=shop_id, admin_id=admin_id).order_by('created_at', 'id')


async def is_admins_device(*, admin_id: int, endpoint: str | None) -> bool:
    """Whether the browser with this push `endpoint` gets the admin's notifications."""
    return bool(endpoint) and await PushSubscription.exists(endpoint=endpoint, admin_id=admin_id)


async def _own_device(shop_id: int, admin_id: int, device_id: int) -> PushSubscription:
    device = await PushSubscription.get_or_none(id=device_id, shop_id=shop_id, admin_id=admin_id)
    if device is None:
        raise InvalidSubscription('This device no longer gets notifications.')
    return device


async def remove_device(*, shop_id: int, admin_id: int, device_id: int, actor: str) -> PushSubscription:
    """Stop notifications to one of the admin's own devices."""
    async with in_transaction() as connection:
        device = await _own_device(shop_id, admin_id, device_id)
        await PushSubscription.filter(id=device.id).using_db(connection).delete()
        await write_log(connection, shop_id=shop_id, order=None, kind='settings.notifications', actor=actor,
                        message=f'Notifications off for {actor} on {device.device_label}', now=datetime.now(UTC))
    return device


async def queue_test_notification(*, shop_id: int, admin_id: int, device_id: int) -> PushSubscription:
    """Queue a test notification to one of the admin's devices; the outbox sends it like any other."""
    device = await _own_device(shop_id, admin_id, device_id)
    message = new_message(shop_id=shop_id, order=None, channel='push', event=TEST_EVENT, template='test',
                          recipient=device.device_label, payload={'device_id': device.id}, now=datetime.now(UTC))
    await enqueue(connections.get('default'), [message])
    await hub.publish(OutboxQueued(shop_id=shop_id, count=1))
    return device


async def push_preferences(admin_id: int) -> frozenset[str]:
    """The events the admin wants pushed."""
    chosen = await PushPreferences.get_or_none(admin_id=admin_id)
    return DEFAULT_EVENTS if chosen is None else frozenset(chosen.events)


async def save_push_preferences(*, admin_id: int, events: Iterable[str]) -> frozenset[str]:
    """Store which events the admin wants pushed (unknown names are dropped)."""
    wanted = frozenset(event for event in events if event in PUSH_EVENTS)
    await PushPreferences.update_or_create(defaults={'events': sorted(wanted)}, admin_id=admin_id)
    return wanted


async def devices_wanting(*, shop_id: int, event: str) -> list[PushSubscription]:
    """Every device of the shop's admins who want `event` pushed."""
    devices = await PushSubscription.filter(shop_id=shop_id).order_by('id')
    chosen = {row.admin_id: frozenset(row.events) for row in
              await PushPreferences.filter(admin_id__in={d.admin_id for d in devices})}
    return [d for d in devices if event in chosen.get(d.admin_id, DEFAULT_EVENTS)]


async def record_push_results(*, accepted: Mapping[str, Iterable[int]], gone: Iterable[int],
                              failed: Mapping[int, str], now: datetime | None = None) -> None:
    """After a round of pushes: devices that took a message (by its event id), ones whose browser unsubscribed
    (removed), and ones that failed (the error, shown in Settings > Notifications)."""
    now = now or datetime.now(UTC)
    async with in_transaction() as connection:
        for event_id, device_ids in accepted.items():
            if ids := list(device_ids):
                await PushSubscription.filter(id__in=ids).using_db(connection).update(
                    last_success_at=now, last_event_id=event_id, last_error='')
        if ids := list(gone):
            await PushSubscription.filter(id__in=ids).using_db(connection).delete()
        for device_id, error in failed.items():
            await PushSubscription.filter(id=device_id).using_db(connection).update(last_error=error[:300])
