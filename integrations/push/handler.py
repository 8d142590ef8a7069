"""The 'push' channel: one outbox message fans out to every device that wants it, through pywebpush.

How a fan-out ends (one outcome per outbox message):
- Every device accepted it, or its browser had unsubscribed (404/410: that device is removed): `Delivered`,
  "sent to 2 devices".
- A device's push service was busy or unreachable (429, 5xx, timeout, connection): `TemporaryFailure`; the
  dispatcher retries later, and the retry skips the devices that already took this message (`last_event_id`).
  Should one still get it twice, the notification's tag per order replaces the first: the phone shows it once.
- Refused for good (another 4xx, such as 403 for a subscription made with other keys) and sent to none:
  `PermanentFailure`; sent to some: `Delivered`, with the refusal in the note and on the device's row.
"""

import asyncio
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from py_vapid import Vapid, VapidException
from pywebpush import WebPushException, webpush_async

from domain.models import OutboxMessage, PushSubscription, Shop
from domain.outbox_delivery import Delivered, Outcome, PermanentFailure, TemporaryFailure
from domain.push_subscriptions import TEST_EVENT, devices_wanting, record_push_results, vapid_keys
from integrations.push.notification import Notification, UnknownNotification, notification_for

SENT, GONE, REFUSED, RETRY = 'sent', 'gone', 'refused', 'retry'


@dataclass(frozen=True)
class DeviceResult:
    device: PushSubscription
    result: str  # SENT, GONE, REFUSED or RETRY
    error: str = ''


def _devices(count: int) -> str:
    return f'{count} device{"" if count == 1 else "s"}'


@dataclass
class Round:
    """One outbox message on its way to its devices."""

    message: OutboxMessage
    notification: Notification
    signer: Vapid
    subject: str
    targets: list[PushSubscription]
    already: int = 0
    results: list[DeviceResult] = field(default_factory=list)

    def outcome(self) -> Outcome:
        by: dict[str, list[DeviceResult]] = defaultdict(list)
        for r in self.results:
            by[r.result].append(r)
        sent = len(by[SENT]) + self.already
        if by[RETRY]:
            return TemporaryFailure(f'{_devices(len(by[RETRY]))} not reached ({by[RETRY][0].error})' +
                                    (f'; sent to {_devices(sent)}' if sent else ''))
        if by[REFUSED] and not sent:
            return PermanentFailure(f'refused for {_devices(len(by[REFUSED]))}: {by[REFUSED][0].error}')
        parts = [f'sent to {_devices(sent)}'] if sent else []
        if by[GONE]:
            parts.append(f'{_devices(len(by[GONE]))} removed (unsubscribed in the browser)')
        if by[REFUSED]:
            parts.append(f'refused for {_devices(len(by[REFUSED]))}: {by[REFUSED][0].error}')
        if not sent:
            nobody = 'no device has notifications on (Settings > Notifications)'
            return Delivered(note='not sent: ' + ('; '.join(parts) or nobody))
        return Delivered(note='; '.join(parts))


class PushHandler:
    """Delivers the outbox's push rows: `batch_size` messages a call, up to `parallel` pushes in flight at once."""

    channel = 'push'

    def __init__(self, *, subject: Callable[[Shop], str], timeout: float = 10, batch_size: int = 20,
                 concurrency: int = 2, parallel: int = 100) -> None:
        self.subject, self.timeout = subject, timeout
        self.batch_size, self.concurrency, self.parallel = batch_size, concurrency, parallel
        self._signers: dict[int, Vapid] = {}  # by shop: keys never change once made

    async def _signer(self, shop_id: int) -> Vapid:
        if shop_id not in self._signers:
            # the raw base64url scalar, as pywebpush wants it (it would read any other string as DER)
            self._signers[shop_id] = Vapid.from_raw((await vapid_keys(shop_id)).private_key.encode())
        return self._signers[shop_id]

    async def deliver(self, messages: Sequence[OutboxMessage]) -> list[Outcome]:
        shops = {shop.id: shop for shop in await Shop.filter(id__in={m.shop_id for m in messages})}
        wanting: dict[tuple[int, str], list[PushSubscription]] = {}
        rounds: list[Round | Outcome] = []
        for message in messages:
            try:
                notification = notification_for(message)
            except UnknownNotification as error:
                rounds.append(PermanentFailure(str(error)))
                continue
            if message.event == TEST_EVENT:
                devices = await PushSubscription.filter(id=message.payload.get('device_id'), shop_id=message.shop_id)
            else:
                key = (message.shop_id, message.event)
                if key not in wanting:
                    wanting[key] = await devices_wanting(shop_id=message.shop_id, event=message.event)
                devices = wanting[key]
            shop = shops[message.shop_id]
            rounds.append(Round(message=message, notification=notification, signer=await self._signer(shop.id),
                                subject=self.subject(shop), targets=devices))
        slots = asyncio.Semaphore(self.parallel)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
            await asyncio.gather(*(self._fan_out(session, slots, r) for r in rounds if isinstance(r, Round)))
        accepted: dict[str, list[int]] = defaultdict(list)
        failed: dict[int, str] = {}
        gone: list[int] = []
        for r in rounds:
            for result in r.results if isinstance(r, Round) else ():
                if result.result == SENT:
                    accepted[r.message.event_id].append(result.device.id)
                elif result.result == GONE:
                    gone.append(result.device.id)
                else:
                    failed[result.device.id] = result.error
        await record_push_results(accepted=accepted, gone=gone, failed=failed)
        return [r.outcome() if isinstance(r, Round) else r for r in rounds]

    async def _fan_out(self, session: aiohttp.ClientSession, slots: asyncio.Semaphore, round_: Round) -> None:
        data = json.dumps(round_.notification.payload, ensure_ascii=False)
        due = [device for device in round_.targets if device.last_event_id != round_.message.event_id]
        round_.already = len(round_.targets) - len(due)  # took it on an earlier attempt: not sent again
        round_.results = list(await asyncio.gather(*(
            self._push(session, slots, device, data, round_) for device in due)))

    async def _push(self, session: aiohttp.ClientSession, slots: asyncio.Semaphore, device: PushSubscription,
                    data: str, round_: Round) -> DeviceResult:
        host, notification, subject = urlsplit(device.endpoint).netloc, round_.notification, round_.subject
        async with slots:
            try:
                await webpush_async(
                    subscription_info={'endpoint': device.endpoint,
                                       'keys': {'p256dh': device.p256dh, 'auth': device.auth}},
                    data=data, vapid_private_key=round_.signer,
                    vapid_claims={'sub': subject},  # a new dict each call: pywebpush writes aud and exp into it
                    ttl=notification.ttl, headers={'Urgency': notification.urgency, **notification.headers},
                    timeout=aiohttp.ClientTimeout(total=self.timeout), aiohttp_session=session)
            except WebPushException as error:
                status = error.status_code
                if status is None:  # refused before sending: the stored keys are unusable
                    return DeviceResult(device, REFUSED, f'cannot push: {error.message}')
                if status in (404, 410):
                    return DeviceResult(device, GONE)
                said = f'{status} {getattr(error.response, "reason", "") or ""}'.strip() + f' from {host}'
                return DeviceResult(device, RETRY if status == 429 or status >= 500 else REFUSED, said)
            except VapidException as error:  # a subject the push services would refuse: a setting to fix
                return DeviceResult(device, REFUSED, f'VAPID subject {subject!r} refused: {error}')
            except TimeoutError:
                return DeviceResult(device, RETRY, f'no answer from {host} within {self.timeout:g} s')
            except (aiohttp.ClientError, OSError) as error:
                return DeviceResult(device, RETRY, f'{host} unreachable: {type(error).__name__}')
        return DeviceResult(device, SENT)
