"""API PUSH (Settings > API PUSH): the shop's endpoints, their signing secrets, and the outbox messages that carry
order events to them.

An order service writes one outbox message per enabled endpoint subscribed to its event, in its own transaction
(`subscribers` + `event_messages`); integrations/webhooks.py signs and delivers them, per endpoint and order one
at a time, oldest first (`deliver_in_order`). Secrets sign, so they are
stored as they are; the owner sees each once, when it is made, and none is ever logged.
"""

import base64
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OutboxQueued, hub
from domain.logs import OrderRef
from domain.models import LogEntry, OutboxMessage, OutboxState, Shop, WebhookDelivery, WebhookEndpoint
from domain.outbox import enqueue, new_message
from domain.outbox_delivery import ShopNotice, deliver_in_order, notify_owner_when_given_up, queue_shop_notice
from domain.sql import fetch, insert_rows
from domain.webhook_payload import EVENTS, TEST_EVENT, example_order
from domain.webhook_urls import Resolver, UnsafeTarget, check_url, resolve, shown_url

CHANNEL = 'webhook'
FORMATS = {'json': 'JSON', 'xml': 'XML'}
ROTATION_WINDOW = timedelta(hours=24)  # the previous secret keeps signing this long after a rotation
MAX_ENDPOINTS = 20  # per shop: each one costs every order an outbox row
SECRET_BYTES = 32
LOG_KIND = 'settings.api_push'


class InvalidEndpoint(OrderlyError):
    """The endpoint cannot be saved as asked; `field_errors` maps a form field to its message. Nothing changed."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__(next(iter(field_errors.values())) if len(field_errors) == 1
                         else 'Please correct the marked fields.')
        self.field_errors = field_errors


class EndpointGone(OrderlyError):
    """The endpoint, delivery or message was deleted meanwhile, or cannot take this action now."""


@dataclass(frozen=True)
class EndpointForm:
    """An endpoint as the owner typed it; `save` checks it."""

    url: str
    events: Sequence[str]
    format: str = 'json'
    description: str = ''
    allow_local_network: bool = False


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes it: whsec_ and the base64 of 32 random bytes."""
    return 'whsec_' + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign a request now: the current one, and the previous one during its rotation window."""
    previous = endpoint.previous_secret and endpoint.previous_secret_expires_at and \
        endpoint.previous_secret_expires_at > now
    return [endpoint.secret, endpoint.previous_secret] if previous else [endpoint.secret]


def describe_endpoint(endpoint: WebhookEndpoint) -> str:
    """"Cash register (https://pos.example.com/orderly)", without the query string."""
    url = shown_url(endpoint.url)
    return f'{endpoint.description} ({url})' if endpoint.description else url


async def list_endpoints(shop_id: int) -> list[WebhookEndpoint]:
    return await WebhookEndpoint.filter(shop_id=shop_id).order_by('id')


async def endpoint_of(shop_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, shop_id=shop_id)
    if endpoint is None:
        raise EndpointGone('This endpoint no longer exists.')
    return endpoint


async def _checked(form: EndpointForm, resolver: Resolver) -> dict[str, Any]:
    errors: dict[str, str] = {}
    url = form.url.strip()
    try:
        url = await check_url(form.url, allow_local=form.allow_local_network, resolver=resolver)
    except UnsafeTarget as refusal:
        errors['url'] = str(refusal)
    events = list(dict.fromkeys(form.events))
    if not events:
        errors['events'] = 'Please choose at least one event to send.'
    elif unknown := [event for event in events if event not in EVENTS]:
        errors['events'] = f'Unknown event: {", ".join(unknown)}.'
    if form.format not in FORMATS:
        errors['format'] = 'Please choose JSON or XML.'
    description = form.description.strip()
    if len(description) > 120:
        errors['description'] = 'Please keep the name to 120 characters at most.'
    if errors:
        raise InvalidEndpoint(errors)
    return {'url': url, 'events': events, 'format': form.format, 'description': description,
            'allow_local_network': form.allow_local_network}


async def create_endpoint(*, shop_id: int, form: EndpointForm, actor: str,
                          resolver: Resolver = resolve) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint (enabled); returns it and its secret, which the owner sees this once."""
    values = await _checked(form, resolver)
    secret, now = new_secret(), datetime.now(UTC)
    async with in_transaction() as connection:
        if await WebhookEndpoint.filter(shop_id=shop_id).using_db(connection).count() >= MAX_ENDPOINTS:
            raise InvalidEndpoint({'url': f'A shop can have at most {MAX_ENDPOINTS} API PUSH endpoints.'})
        endpoint = await WebhookEndpoint.create(shop_id=shop_id, secret=secret, created_at=now, updated_at=now,
                                                using_db=connection, **values)
        await _log(connection, shop_id, actor, now, f'API PUSH endpoint {describe_endpoint(endpoint)} added: '
                   f'{", ".join(endpoint.events)} as {FORMATS[endpoint.format]}', endpoint)
    return endpoint, secret


async def update_endpoint(*, shop_id: int, endpoint_id: int, form: EndpointForm, actor: str,
                          resolver: Resolver = resolve) -> list[str]:
    """Save the endpoint's URL, events, format, name and local-network switch; returns the fields that changed."""
    values = await _checked(form, resolver)
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        endpoint = await _endpoint(connection, shop_id, endpoint_id)
        changed = [name for name, value in values.items() if getattr(endpoint, name) != value]
        if not changed:
            return []
        await WebhookEndpoint.filter(id=endpoint.id).using_db(connection).update(updated_at=now, **values)
        shown = {'url': lambda v: shown_url(v), 'events': ', '.join, 'format': FORMATS.get,
                 'allow_local_network': lambda v: 'on' if v else 'off', 'description': lambda v: f'"{v}"'}
        await _log(connection, shop_id, actor, now, f'API PUSH endpoint {describe_endpoint(endpoint)} changed: ' +
                   '; '.join(f'{name.replace("_", " ")} {shown[name](values[name])}' for name in changed), endpoint)
    return changed


async def set_endpoint_enabled(*, shop_id: int, endpoint_id: int, enabled: bool, actor: str) -> None:
    """Switch the endpoint on or off. Off: new events are not queued for it and queued ones are given up."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        endpoint = await _endpoint(connection, shop_id, endpoint_id)
        if endpoint.enabled == enabled:
            return
        await WebhookEndpoint.filter(id=endpoint.id).using_db(connection).update(
            enabled=enabled, disabled_reason='', updated_at=now)
        await _log(connection, shop_id, actor, now,
                   f'API PUSH endpoint {describe_endpoint(endpoint)} {"enabled" if enabled else "disabled"}', endpoint)


async def delete_endpoint(*, shop_id: int, endpoint_id: int, actor: str) -> None:
    """Delete the endpoint, its delivery log, and its messages still waiting: they have nowhere to go."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        endpoint = await _endpoint(connection, shop_id, endpoint_id)
        await OutboxMessage.filter(shop_id=shop_id, channel=CHANNEL, recipient=str(endpoint.id),
                                   state=OutboxState.PENDING).using_db(connection).delete()
        await WebhookDelivery.filter(shop_id=shop_id, endpoint_id=endpoint.id).using_db(connection).delete()
        await endpoint.delete(using_db=connection)
        await _log(connection, shop_id, actor, now, f'API PUSH endpoint {describe_endpoint(endpoint)} deleted', None)


async def rotate_secret(*, shop_id: int, endpoint_id: int, actor: str) -> str:
    """Give the endpoint a new secret, shown this once; the old one keeps signing for ROTATION_WINDOW."""
    now, secret = datetime.now(UTC), new_secret()
    async with in_transaction() as connection:
        endpoint = await _endpoint(connection, shop_id, endpoint_id)
        until = now + ROTATION_WINDOW
        await WebhookEndpoint.filter(id=endpoint.id).using_db(connection).update(
            secret=secret, previous_secret=endpoint.secret, previous_secret_expires_at=until, updated_at=now)
        await _log(connection, shop_id, actor, now, f'API PUSH endpoint {describe_endpoint(endpoint)}: secret '
                   f'rotated; the previous one also signs until {until:%d %b %H:%M} UTC', endpoint)
    return secret


async def send_test_event(*, shop_id: int, endpoint_id: int, actor: str) -> None:
    """Queue a `webhook.test` event with a made-up order for the endpoint, whatever events it subscribes to."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        endpoint = await _endpoint(connection, shop_id, endpoint_id)
        if not endpoint.enabled:
            raise EndpointGone('This endpoint is disabled: enable it to send a test event.')
        shop = await Shop.get(id=shop_id).using_db(connection)
        await enqueue(connection, [new_message(shop_id=shop_id, order=None, channel=CHANNEL, event=TEST_EVENT,
                                               recipient=str(endpoint.id), now=now,
                                               payload={'order': example_order(shop.currency, now=now)})])
        await _log(connection, shop_id, actor, now,
                   f'API PUSH endpoint {describe_endpoint(endpoint)}: test event queued', endpoint)
    await hub.publish(OutboxQueued(shop_id=shop_id, count=1))


async def redeliver(*, shop_id: int, delivery_id: int, actor: str) -> OutboxMessage:
    """Send the message of a logged attempt again, now: the same payload under the same webhook-id, as Standard
    Webhooks asks of a resend (a receiver that already processed it recognises it)."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        delivery = await WebhookDelivery.get_or_none(id=delivery_id, shop_id=shop_id).using_db(connection)
        if delivery is None:
            raise EndpointGone('This delivery is no longer in the log.')
        endpoint = await _endpoint(connection, shop_id, delivery.endpoint_id)
        if not endpoint.enabled:
            raise EndpointGone('This endpoint is disabled: enable it to redeliver.')
        message = await OutboxMessage.get_or_none(id=delivery.outbox_message_id, shop_id=shop_id) \
            .using_db(connection)
        if message is None:
            raise EndpointGone('This message is no longer kept.')
        if message.state is OutboxState.PENDING and message.lease_expires_at and message.lease_expires_at > now:
            raise EndpointGone('This message is being delivered right now.')
        await OutboxMessage.filter(id=message.id).using_db(connection).update(
            state=OutboxState.PENDING, attempts=0, next_attempt_at=now, leased_by='', lease_expires_at=None,
            delivered_at=None)
        await insert_rows(connection, LogEntry._meta.db_table, [{
            'shop_id': shop_id, 'order_id': message.order_id, 'order_code': message.order_code,
            'kind': 'delivery.retry', 'actor': actor, 'created_at': now,
            'message': f'API PUSH {message.event} to {describe_endpoint(endpoint)}: redelivery requested',
            'data': {'outbox_id': message.id, 'event_id': message.event_id, 'channel': CHANNEL,
                     'was': message.state.value}}])
    await hub.publish(OutboxQueued(shop_id=shop_id, count=1))
    return message


async def delivery_log(shop_id: int, endpoint_id: int, *, limit: int = 50) -> list[WebhookDelivery]:
    """The endpoint's newest attempts first."""
    return await WebhookDelivery.filter(shop_id=shop_id, endpoint_id=endpoint_id) \
        .order_by('-created_at', '-id').limit(limit)


async def subscribers(connection: BaseDBAsyncClient, shop_id: int, event: str) -> list[int]:
    """The shop's enabled endpoints that want `event`, read in the caller's transaction: one small query."""
    rows = await fetch(connection, 'SELECT id, events FROM webhook_endpoint WHERE shop_id = ? AND enabled = ?',
                       shop_id, True)
    return [row['id'] for row in rows
            if event in (json.loads(row['events']) if isinstance(row['events'], str) else row['events'])]


def event_messages(endpoint_ids: Sequence[int], *, shop_id: int, event: str, order: OrderRef | None,
                   data: Callable[[], dict[str, Any]], now: datetime, order_code: str = '') -> list[dict[str, Any]]:
    """One outbox message per endpoint for `event`, for `enqueue` in the caller's transaction.

    `data` builds the payload's data (the order as it is now), only if some endpoint wants it; every endpoint
    gets the same data, each under its own webhook-id. `order_code` names a deleted order (`order` None).
    """
    if not endpoint_ids:
        return []
    payload = data()
    messages = [new_message(shop_id=shop_id, order=order, channel=CHANNEL, event=event, recipient=str(endpoint_id),
                            payload=payload, now=now) for endpoint_id in endpoint_ids]
    if order_code:
        for message in messages:
            message['order_code'] = order_code
    return messages


# For the delivering handler (integrations/webhooks.py)

async def endpoints_by_id(ids: Sequence[int]) -> dict[int, WebhookEndpoint]:
    return {endpoint.id: endpoint for endpoint in await WebhookEndpoint.filter(id__in=list(ids))}


async def record_attempts(rows: list[dict[str, Any]]) -> None:
    """Store HTTP attempts (WebhookDelivery columns) in the endpoints' delivery logs, in one statement."""
    if rows:
        async with in_transaction() as connection:
            await insert_rows(connection, WebhookDelivery._meta.db_table, rows)


async def disable_gone_endpoint(endpoint_id: int, reason: str, *, event: str = '', order_code: str = '',
                                error: str = '') -> bool:
    """Switch off an endpoint whose receiver said it is gone (410), say so in the Logs and mail the owner (`event`,
    `order_code`, `error`: the attempt that got the 410); False if it was off already."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, enabled=True).using_db(connection)
        if endpoint is None:
            return False
        # only if still on: of two workers that both got a 410, one switches it off and tells the owner
        if not await WebhookEndpoint.filter(id=endpoint.id, enabled=True).using_db(connection).update(
                enabled=False, disabled_reason=reason[:300], updated_at=now):
            return False
        await _log(connection, endpoint.shop_id, 'system', now,
                   f'API PUSH endpoint {describe_endpoint(endpoint)} disabled: {reason}', endpoint)
        mails = await queue_shop_notice(connection, shop_id=endpoint.shop_id, now=now, notice=ShopNotice(
            'api_push_disabled', {'url': _without_query(endpoint.url), 'event': event, 'order_code': order_code,
                                  'error': error or reason}))
    if mails:
        await hub.publish(OutboxQueued(shop_id=endpoint.shop_id, count=mails))
    return True


async def _given_up_notice(connection: BaseDBAsyncClient, message: OutboxMessage, error: str,
                           attempts: int) -> ShopNotice | None:
    """The owner's notice about an event given up after days of retries; none if its endpoint was deleted."""
    if not message.recipient.isdigit():
        return None
    endpoint = await WebhookEndpoint.get_or_none(id=int(message.recipient), shop_id=message.shop_id) \
        .using_db(connection)
    if endpoint is None:
        return None
    return ShopNotice('api_push_given_up', {'url': _without_query(endpoint.url), 'event': message.event,
                                            'order_code': message.order_code, 'error': error, 'attempts': attempts})


notify_owner_when_given_up(CHANNEL, _given_up_notice)  # on import: the webhook handler imports this module
deliver_in_order(CHANNEL)  # docs/webhooks.md: the events of one order reach an endpoint in the order they happened


def _without_query(url: str) -> str:
    """The URL for a mail: its query string may hold the receiver's token."""
    parts = urlsplit(url)
    return f'{parts.scheme}://{parts.netloc}{parts.path}'


async def _endpoint(connection: BaseDBAsyncClient, shop_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, shop_id=shop_id).using_db(connection)
    if endpoint is None:
        raise EndpointGone('This endpoint no longer exists.')
    return endpoint


async def _log(connection: BaseDBAsyncClient, shop_id: int, actor: str, now: datetime, message: str,
               endpoint: WebhookEndpoint | None) -> None:
    await insert_rows(connection, LogEntry._meta.db_table, [{
        'shop_id': shop_id, 'order_id': None, 'order_code': '', 'kind': LOG_KIND, 'actor': actor, 'message': message,
        'data': {'endpoint_id': endpoint.id} if endpoint else {}, 'created_at': now}])
