"""API PUSH: POST each 'webhook' outbox message to its endpoint, signed per Standard Webhooks, and log every attempt.

What an answer means:
- 2xx: delivered. 410 Gone: the receiver says it is gone for good: the endpoint is switched off and the owner
  told (a notice mail, Logs, and the endpoint shows why). Its messages still waiting are given up, visibly.
- Anything else is retried with the outbox's backoff for about three days, never sooner than a Retry-After asks:
  429 and 5xx, timeouts and refused connections, and also other 4xx and 3xx (redirects are not followed); then
  given up, and the owner mailed (domain/webhooks.py registers the notice with the outbox). Standard
  Webhooks counts every non-2xx as a failure to retry; a 400, 401 or 404 is most often a receiver being deployed
  or misconfigured, and retrying gives the owner three days to fix it without losing an order.

Throughput and order: at most `per_endpoint` requests are in flight per endpoint (one slow receiver does not hold
up the others), while the events of one order reach an endpoint in the order they happened: the outbox hands out
only the oldest pending event per endpoint and order (`deliver_in_order`, registered by domain/webhooks.py), so
the next one is claimed once the earlier one is delivered or given up, and the dispatcher looks for it at once.
Each outcome is stored as its request ends (`report`), not when the batch ends.
"""

import asyncio
import base64
import email.utils
import hashlib
import hmac
import json
import logging
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from xml.etree import ElementTree

import httpcore
import httpx

from domain.models import OutboxMessage, WebhookEndpoint
from domain.outbox_delivery import LEASE, Delivered, Outcome, PermanentFailure, TemporaryFailure
from domain.webhook_payload import envelope
from domain.webhook_urls import address_refusal, resolve, shown_url
from domain.webhooks import disable_gone_endpoint, endpoints_by_id, record_attempts, signing_secrets

log = logging.getLogger(__name__)  # never given a secret or a signature

USER_AGENT = 'Orderly-Webhooks/1'
EXCERPT = 500  # characters of the answer kept in the delivery log
MAX_RETRY_AFTER = timedelta(hours=24)


def signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """`v1,` and the base64 HMAC-SHA256 of "id.timestamp.body", keyed with the secret's bytes after whsec_."""
    key = base64.b64decode(secret.removeprefix('whsec_'))
    digest = hmac.new(key, f'{message_id}.{timestamp}.'.encode() + body, hashlib.sha256).digest()
    return 'v1,' + base64.b64encode(digest).decode()


def signed_headers(endpoint: WebhookEndpoint, message_id: str, body: bytes, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers; during a rotation both secrets sign, space-separated."""
    timestamp = str(int(now.timestamp()))
    signatures = ' '.join(signature(secret, message_id, timestamp, body) for secret in signing_secrets(endpoint, now))
    return {'webhook-id': message_id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures}


def body_of(message: OutboxMessage, form: str) -> tuple[bytes, str]:
    """The request body and its content type: the same envelope as JSON or as XML."""
    payload = envelope(event=message.event, event_id=message.event_id, occurred_at=message.created_at,
                       data=message.payload)
    if form == 'xml':
        return to_xml(payload), 'application/xml; charset=utf-8'
    return json.dumps(payload, ensure_ascii=False, separators=(',', ':')).encode(), 'application/json'


_NOT_XML = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def to_xml(payload: dict[str, Any]) -> bytes:
    """`<webhook>` with one element per field, nested as in JSON; list items are named in the singular (lines/line),
    null is an empty element with null="true", booleans are true/false."""
    root = ElementTree.Element('webhook')
    _fill(root, 'webhook', payload)
    return ElementTree.tostring(root, encoding='utf-8', xml_declaration=True)


def _fill(element: ElementTree.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), key, item)
    elif isinstance(value, list):
        for item in value:
            item_name = name[:-1] if name.endswith('s') else 'item'
            _fill(ElementTree.SubElement(element, item_name), item_name, item)
    elif value is None:
        element.set('null', 'true')
    elif isinstance(value, bool):
        element.text = 'true' if value else 'false'
    else:
        element.text = _NOT_XML.sub('\ufffd', str(value))  # XML 1.0 cannot carry control characters


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds or an HTTP date) as a pause, at most a day; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        pause = timedelta(seconds=int(value))
    else:
        try:
            pause = email.utils.parsedate_to_datetime(value) - now
        except (TypeError, ValueError):
            return None
    return min(max(pause, timedelta(0)), MAX_RETRY_AFTER)


class TargetRefused(httpcore.ConnectError):
    """The host resolves to an address API PUSH never connects to."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host itself, refuses forbidden addresses, and connects to the address it checked: a name that
    resolves elsewhere between the check and the connection (DNS rebinding) cannot slip through."""

    def __init__(self, *, allow_local: bool) -> None:
        self.allow_local = allow_local
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options=None) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout=timeout or 5)
        if not addresses:
            raise httpcore.ConnectError(f'{host} does not resolve')
        for address in addresses:
            refusal = address_refusal(address, allow_local=self.allow_local)
            if refusal:
                raise TargetRefused(refusal)
        return await self.inner.connect_tcp(addresses[0], port, timeout=timeout, local_address=local_address,
                                            socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """One keep-alive connection at a time, through the guard."""

    def __init__(self, *, allow_local: bool, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)  # no proxy from the environment: it would skip the guard
        # httpx passes no network backend to httpcore: its pool is rebuilt with ours
        self._pool = httpcore.AsyncConnectionPool(ssl_context=ssl_context, max_connections=1,
                                                  max_keepalive_connections=1, keepalive_expiry=30,
                                                  network_backend=GuardedBackend(allow_local=allow_local))


class Lanes:
    """Up to `size` connections to one endpoint, each its own single-connection client; a request takes a free one.

    httpcore's shared pool scans all its connections for every request, which costs more the more run in
    parallel (measured: 16 in flight on one pool halve the rate of 4); lanes cost the same at any number.
    """

    def __init__(self, size: int, make: Callable[[], httpx.AsyncClient]) -> None:
        self.size, self.make = size, make
        self.clients: list[httpx.AsyncClient] = []
        self.free: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()

    async def take(self, timeout: float) -> httpx.AsyncClient:
        """A free lane, a new one while fewer than `size` exist, or TimeoutError."""
        if self.free.empty() and len(self.clients) < self.size:
            self.clients.append(self.make())
            return self.clients[-1]
        return await asyncio.wait_for(self.free.get(), max(timeout, 0))

    def give_back(self, client: httpx.AsyncClient) -> None:
        self.free.put_nowait(client)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


class WebhookHandler:
    """The 'webhook' channel's handler: batches of `batch_size`, `concurrency` batches at once, at most
    `per_endpoint` requests in flight per endpoint."""

    channel = 'webhook'
    reports_each = True  # each outcome is stored as its request ends: a crash resends only what was in flight

    def __init__(self, *, batch_size: int = 100, concurrency: int = 4, per_endpoint: int = 12,
                 connect_timeout: float = 5, read_timeout: float = 10, budget: timedelta = LEASE * 0.6) -> None:
        self.batch_size, self.concurrency, self.per_endpoint = batch_size, concurrency, per_endpoint
        self.timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
        self.budget = budget.total_seconds()  # a batch ends in time for the dispatcher to record it within the lease
        # a request that started gets this long, at most; with a short lease, half the budget, so that requests
        # waiting for a free connection still get their turn in the same batch
        self.request_limit = min(connect_timeout + read_timeout + 2, self.budget / 2)
        self._ssl_context: ssl.SSLContext | None = None
        self._lanes: dict[tuple[int, bool], Lanes] = {}  # by endpoint and whether local addresses are allowed

    def lanes(self, endpoint: WebhookEndpoint) -> Lanes:
        key = (endpoint.id, endpoint.allow_local_network)
        if key not in self._lanes:
            if self._ssl_context is None:  # loading the CA bundle takes a while: once, shared by every lane
                self._ssl_context = httpx.create_ssl_context(trust_env=False)
            transport = partial(GuardedTransport, allow_local=endpoint.allow_local_network,
                                ssl_context=self._ssl_context)
            self._lanes[key] = Lanes(self.per_endpoint, lambda: httpx.AsyncClient(
                transport=transport(), timeout=self.timeout, follow_redirects=False,
                headers={'user-agent': USER_AGENT}))
        return self._lanes[key]

    async def open(self) -> None:
        """Nothing to do: connections open on first use (and again after `aclose`)."""

    async def aclose(self) -> None:
        lanes, self._lanes = list(self._lanes.values()), {}
        for endpoint_lanes in lanes:
            await endpoint_lanes.aclose()

    async def deliver(self, messages: Sequence[OutboxMessage],
                      report: Callable[[OutboxMessage, Outcome], Awaitable[None]] | None = None) -> list[Outcome]:
        """Send each message (the outbox claimed at most one per endpoint and order: they need not wait for each
        other); `report` each outcome as its request ends."""
        deadline = asyncio.get_running_loop().time() + self.budget
        endpoints = await endpoints_by_id({int(m.recipient) for m in messages if m.recipient.isdigit()})
        results = await asyncio.gather(*(self._one(message, endpoints, deadline, report) for message in messages))
        try:  # bookkeeping: failing here must not make the dispatcher send what was delivered again
            await record_attempts([row for _, row in results if row])
            gone: dict[int, dict] = {}  # the first 410 per endpoint: the owner is told about it, once
            for _, row in results:
                if row and row['status_code'] == 410:
                    gone.setdefault(row['endpoint_id'], row)
            for endpoint_id, row in gone.items():
                await disable_gone_endpoint(endpoint_id, 'the receiver answered 410 Gone', event=row['event'],
                                            order_code=row['order_code'], error=row['error'])
        except Exception:
            log.exception('could not record %d API PUSH attempts', len(messages))
        return [outcome for outcome, _ in results]

    async def _one(self, message: OutboxMessage, endpoints: dict[int, WebhookEndpoint], deadline: float,
                   report: Callable[[OutboxMessage, Outcome], Awaitable[None]] | None) -> tuple[Outcome, dict | None]:
        endpoint = endpoints.get(int(message.recipient)) if message.recipient.isdigit() else None
        if endpoint is not None and endpoint.shop_id != message.shop_id:
            endpoint = None
        outcome, row = await self._send(message, endpoint, deadline)
        if report is not None:
            await report(message, outcome)
        return outcome, row

    async def _send(self, message: OutboxMessage, endpoint: WebhookEndpoint | None,
                    deadline: float) -> tuple[Outcome, dict | None]:
        if endpoint is None:
            return PermanentFailure('the endpoint no longer exists'), None
        if not endpoint.enabled:
            why = f' ({endpoint.disabled_reason})' if endpoint.disabled_reason else ''
            return PermanentFailure(f'the endpoint is disabled{why}; enable it and retry to send this'), None
        lanes = self.lanes(endpoint)
        try:
            client = await lanes.take(deadline - asyncio.get_running_loop().time() - self.request_limit)
        except TimeoutError:
            return TemporaryFailure(f'not sent this round: {shown_url(endpoint.url)} answers slowly'), None
        try:
            return await self._post(client, message, endpoint)
        finally:
            lanes.give_back(client)

    async def _post(self, client: httpx.AsyncClient, message: OutboxMessage,
                    endpoint: WebhookEndpoint) -> tuple[Outcome, dict]:
        now = datetime.now(UTC)
        where = shown_url(endpoint.url)
        body, content_type = body_of(message, endpoint.format)
        headers = {'content-type': content_type, **signed_headers(endpoint, message.event_id, body, now)}
        row = {'shop_id': message.shop_id, 'endpoint_id': endpoint.id, 'outbox_message_id': message.id,
               'event': message.event, 'event_id': message.event_id, 'order_code': message.order_code,
               'attempt': message.attempts + 1, 'created_at': now, 'status_code': None, 'duration_ms': 0,
               'response_excerpt': '', 'error': ''}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.request_limit):
                status, answer, response_headers = await self._exchange(client, endpoint.url, body, headers)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError, TimeoutError) as error:
            outcome = TemporaryFailure(self._network_error(error, where))
            row |= {'duration_ms': _ms(started), 'error': outcome.error[:500]}
            return outcome, row
        row |= {'status_code': status, 'duration_ms': _ms(started), 'response_excerpt': answer}
        if 200 <= status < 300:
            return Delivered(note=f'accepted by {where} (HTTP {status}, {row["duration_ms"]} ms)'), row
        if status == 410:
            outcome: Outcome = PermanentFailure(f'{where} answered 410 Gone: the endpoint was disabled')
        elif 300 <= status < 400:
            location = response_headers.get('location', '')
            outcome = TemporaryFailure(f'{where} answered {status}, a redirect{" to " + location if location else ""}'
                                       "; redirects are not followed: please update the endpoint's URL")
        else:
            outcome = TemporaryFailure(f'{where} answered HTTP {status}',
                                       retry_after=retry_after(response_headers.get('retry-after'), now))
        row['error'] = (outcome.error if isinstance(outcome, TemporaryFailure | PermanentFailure) else '')[:500]
        return outcome, row

    async def _exchange(self, client: httpx.AsyncClient, url: str, body: bytes,
                        headers: dict[str, str]) -> tuple[int, str, httpx.Headers]:
        """POST and read at most a few KB of the answer: enough for the log, whatever the receiver sends back."""
        async with client.stream('POST', url, content=body, headers=headers) as response:
            answer = b''
            async for chunk in response.aiter_raw():
                answer += chunk
                if len(answer) >= 4 * EXCERPT:
                    break
        text = answer.decode(response.encoding or 'utf-8', errors='replace')
        return response.status_code, ' '.join(text.split())[:EXCERPT], response.headers

    def _network_error(self, error: Exception, where: str) -> str:
        cause = error.__cause__
        if isinstance(cause, TargetRefused):
            return f'not sent to {where}: {cause}'
        if isinstance(error, httpx.ConnectTimeout):
            return f'no connection to {where} within {self.timeout.connect:.0f} s'
        if isinstance(error, httpx.TimeoutException | TimeoutError):
            return f'{where} did not answer within {self.timeout.read:.0f} s'
        if isinstance(error, httpx.ConnectError):
            return f'cannot connect to {where}: {error or "connection refused"}'
        return f'{where}: {type(error).__name__} {error}'.strip()


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
