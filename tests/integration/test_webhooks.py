"""API PUSH end to end: order events go through the outbox and the dispatcher to a real loopback HTTP receiver,
which checks every request with the independent `standardwebhooks` library."""

import asyncio
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from domain.checkout import place_order
from domain.events import OutboxQueued, hub
from domain.invoices import issue_invoice
from domain.models import LogEntry, OutboxMessage, OutboxState, WebhookDelivery, WebhookEndpoint
from domain.order_changes import StatusUpdate, change_status, change_statuses
from domain.order_deletion import delete_order
from domain.outbox_delivery import claim_due
from domain.statuses import OrderStatus
from domain.webhook_payload import EVENTS
from domain.webhooks import (
    EndpointForm,
    InvalidEndpoint,
    create_endpoint,
    delete_endpoint,
    redeliver,
    rotate_secret,
    send_test_event,
    set_endpoint_enabled,
    update_endpoint,
)
from integrations.outbox_dispatcher import OutboxDispatcher
from integrations.webhooks import WebhookHandler
from tests.integration.test_place_order import checkout, product
from tests.unit.test_webhook_rules import as_dict, stringly
from tests.webhook_receiver import Answer, WebhookReceiver

S = OrderStatus


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def handler():
    webhooks = WebhookHandler()
    yield webhooks
    await webhooks.aclose()


@pytest.fixture
def dispatcher(handler) -> OutboxDispatcher:
    return OutboxDispatcher([handler], slot='test:webhooks')


async def an_endpoint(shop, url: str, *, events=tuple(EVENTS), format: str = 'json') -> tuple[WebhookEndpoint, str]:
    return await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(
        url=url, events=list(events), format=format, allow_local_network=True))


async def an_order(shop, quantity: int = 1):
    return await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, quantity)))


async def all_due_now() -> None:
    """Time travel: every waiting retry is due."""
    await OutboxMessage.filter(state=OutboxState.PENDING).update(next_attempt_at=datetime.now(UTC))


def verified(request, secret: str) -> dict:
    return Webhook(secret).verify(request.body, request.headers)


async def test_each_order_event_arrives_signed_with_the_full_order(shop, receiver, dispatcher):
    endpoint, secret = await an_endpoint(shop, receiver.url())
    placed = await an_order(shop, quantity=2)
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(S.SHIPPED, reference='3S123'))
    await delete_order(shop_id=shop.id, order_id=placed.id, typed_code=placed.code, actor='owner@x')
    assert await dispatcher.deliver_due() == 3
    bodies = [verified(request, secret) for request in receiver.delivered()]
    assert [body['type'] for body in bodies] == ['order.created', 'order.status_changed', 'order.deleted']
    created = bodies[0]
    assert created['version'] == 1 and created['id'] == receiver.requests[0].webhook_id
    assert created['timestamp'].endswith('Z')
    order = created['data']['order']
    assert (order['code'], order['status'], order['test'], order['currency']) == (placed.code, 'order_received',
                                                                                  False, 'EUR')
    assert order['customer'] == {'name': 'Ann Peeters', 'email': 'ann@example.com', 'phone': '', 'vat_number': ''}
    assert order['delivery'] == {'method': 'shipping', 'address': {'street': 'Kerkstraat 1', 'postal_code': '9000',
                                                                   'city': 'Gent', 'country': 'BE'}}
    assert order['lines'] == [{'sku': 'FLT-100', 'name': 'Paper filters (100)', 'quantity': 2, 'unit_price': '6.95',
                               'vat_rate': '21.00', 'total': '13.90'}]
    assert order['totals'] == {'subtotal': '13.90', 'shipping': '6.95', 'vat': '3.62', 'total': '20.85'}
    changed = bodies[1]['data']
    assert (changed['order']['status'], changed['order']['reference'], changed['previous_status']) == (
        'shipped', '3S123', 'order_received')
    assert bodies[2]['data']['order']['code'] == placed.code
    assert all(request.headers['content-type'] == 'application/json' for request in receiver.requests)
    log = await WebhookDelivery.filter(endpoint_id=endpoint.id).order_by('id')
    assert [(row.event, row.status_code, row.attempt, row.response_excerpt) for row in log] == [
        ('order.created', 200, 1, 'ok'), ('order.status_changed', 200, 1, 'ok'), ('order.deleted', 200, 1, 'ok')]
    assert all(row.duration_ms >= 0 and row.order_code == placed.code for row in log)
    assert await OutboxMessage.filter(channel='webhook').exclude(state=OutboxState.DELIVERED).count() == 0


async def test_each_endpoint_gets_only_the_events_it_wants_as_its_own_message(shop, receiver, dispatcher):
    _, created_only = await an_endpoint(shop, receiver.url('/created'), events=['order.created'])
    _, status_only = await an_endpoint(shop, receiver.url('/status'), events=['order.status_changed'])
    placed = await an_order(shop)
    await change_statuses(shop_id=shop.id, orders={placed.id: None}, status=S.PROCESSING, notify_customer=False,
                          actor='owner@x')
    rows = await OutboxMessage.filter(channel='webhook').order_by('id')
    assert [(row.event, row.order_code) for row in rows] == [('order.created', placed.code),
                                                             ('order.status_changed', placed.code)]
    await dispatcher.deliver_due()
    # two endpoints are delivered side by side: which one answers first is not defined, only what each one got
    assert sorted((r.path, verified(r, created_only if r.path == '/created' else status_only)['type'])
                  for r in receiver.delivered()) == [('/created', 'order.created'), ('/status', 'order.status_changed')]


async def test_xml_endpoint_gets_the_same_fields_as_json(shop, receiver, dispatcher):
    _, json_secret = await an_endpoint(shop, receiver.url('/json'))
    _, xml_secret = await an_endpoint(shop, receiver.url('/xml'), format='xml')
    await an_order(shop)
    await dispatcher.deliver_due()
    by_path = {request.path: request for request in receiver.delivered()}
    as_json = verified(by_path['/json'], json_secret)
    xml = by_path['/xml']
    Webhook(xml_secret).verify(xml.body, xml.headers, json_parse=False)
    assert xml.headers['content-type'] == 'application/xml; charset=utf-8'
    as_xml = as_dict(ElementTree.fromstring(xml.body))
    assert as_xml['id'] == xml.webhook_id != as_json['id']  # each endpoint its own message
    assert {**as_xml, 'id': ''} == stringly({**as_json, 'id': ''})


async def test_receiver_down_then_up_everything_arrives_and_each_event_keeps_its_webhook_id(shop, receiver,
                                                                                             dispatcher):
    _, secret = await an_endpoint(shop, receiver.url())
    receiver.stop()
    orders = [await an_order(shop) for _ in range(3)]
    for placed in orders:
        await change_status(shop_id=shop.id, order_id=placed.id, expected_version=1, actor='owner@x',
                            update=StatusUpdate(S.PROCESSING))
    await dispatcher.deliver_due()
    failed = await WebhookDelivery.all()
    assert len(failed) == 3 and {row.status_code for row in failed} == {None}  # the others wait for their order
    assert all('cannot connect' in row.error for row in failed)
    receiver.start()
    receiver.script = [Answer(503, {'Retry-After': '120'}, b'maintenance')] * 2
    await all_due_now()
    before = datetime.now(UTC)
    await dispatcher.deliver_due()
    busy = await OutboxMessage.filter(event_id__in=[r.webhook_id for r in receiver.requests if r.status == 503])
    assert len(busy) == 2 and all(m.next_attempt_at >= before + timedelta(seconds=119) for m in busy)
    for _ in range(4):  # held-back events become due when the one they wait for is delivered
        await all_due_now()
        await dispatcher.deliver_due()
    assert await OutboxMessage.filter(channel='webhook').exclude(state=OutboxState.DELIVERED).count() == 0
    delivered = receiver.delivered()
    assert len(delivered) == 6 and len({r.webhook_id for r in delivered}) == 6
    attempts = defaultdict(list)
    for request in receiver.requests:
        attempts[request.webhook_id].append(request.status)
        verified(request, secret)
    assert sorted(statuses for statuses in attempts.values() if len(statuses) > 1) == [[503, 200], [503, 200]]
    for placed in orders:
        types = [json.loads(r.body)['type'] for r in delivered if json.loads(r.body)['data']['order']['code'] ==
                 placed.code]
        assert types == ['order.created', 'order.status_changed']
    log = await WebhookDelivery.filter(status_code=503).first()
    assert (log.response_excerpt, log.attempt) == ('maintenance', 2)


async def test_events_of_one_order_arrive_in_order_when_the_endpoint_is_slow(shop, receiver):
    _, secret = await an_endpoint(shop, receiver.url())
    receiver.delay = (0.0, 0.06)
    orders = [await an_order(shop) for _ in range(6)]
    for status in (S.PROCESSING, S.SHIPPED, S.COMPLETED):
        for placed in orders:
            order_version = {S.PROCESSING: 1, S.SHIPPED: 2, S.COMPLETED: 3}[status]
            await change_status(shop_id=shop.id, order_id=placed.id, expected_version=order_version,
                                actor='owner@x', update=StatusUpdate(status))
    handler = WebhookHandler(batch_size=5, concurrency=4, per_endpoint=8)
    dispatcher = OutboxDispatcher([handler], slot='test:slow', poll_seconds=0.2)
    await dispatcher.start()
    try:
        for _ in range(200):
            if len(receiver.delivered()) == 24:
                break
            await asyncio.sleep(0.05)
    finally:
        await dispatcher.stop()
        await handler.aclose()
    delivered = [verified(request, secret) for request in receiver.delivered()]
    assert len(delivered) == 24
    for placed in orders:
        statuses = [body['data']['order']['status'] for body in delivered
                    if body['data']['order']['code'] == placed.code]
        assert statuses == ['order_received', 'processing', 'shipped', 'completed']


async def test_an_event_waits_while_the_earlier_one_of_its_order_waits_for_a_retry(shop, receiver, dispatcher):
    await an_endpoint(shop, receiver.url())
    receiver.script = [Answer(500, body=b'database locked')]
    placed = await an_order(shop)
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(S.PROCESSING))
    await dispatcher.deliver_due()
    assert [r.status for r in receiver.requests] == [500]
    waiting = await OutboxMessage.get(event='order.status_changed')
    # not tried at all while its order's first event waits: no attempt, no backoff of its own
    assert (waiting.state, waiting.attempts, waiting.last_error) == (OutboxState.PENDING, 0, '')
    assert waiting.next_attempt_at <= datetime.now(UTC)  # due, all the same
    await dispatcher.deliver_due()
    assert [r.status for r in receiver.requests] == [500]  # still held back: its order's first event is not in
    await OutboxMessage.filter(event='order.created').update(next_attempt_at=datetime.now(UTC))  # its retry is due
    await dispatcher.deliver_due()  # the follower goes as soon as the delivery it waited for is recorded
    assert [json.loads(r.body)['type'] for r in receiver.delivered()] == ['order.created', 'order.status_changed']


async def test_a_later_event_due_first_still_arrives_after_the_earlier_one_of_its_order(shop, receiver, dispatcher):
    await an_endpoint(shop, receiver.url())
    receiver.script = [Answer(500, body=b'database locked')]
    placed = await an_order(shop)
    await dispatcher.deliver_due()  # order.created failed: it waits for its retry
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(S.PROCESSING))
    # both due at once, the later event first in the claim's order (it became due before the earlier one's retry)
    now = datetime.now(UTC)
    await OutboxMessage.filter(event='order.created').update(next_attempt_at=now - timedelta(seconds=1))
    await OutboxMessage.filter(event='order.status_changed').update(next_attempt_at=now - timedelta(seconds=2))
    await dispatcher.deliver_due()
    assert [json.loads(r.body)['type'] for r in receiver.delivered()] == ['order.created', 'order.status_changed']


async def test_no_worker_takes_the_next_event_of_an_order_before_the_earlier_one_is_delivered_or_given_up(
        shop, receiver):
    endpoint, _ = await an_endpoint(shop, receiver.url())
    other, _ = await an_endpoint(shop, receiver.url('/other'))
    placed = await an_order(shop)
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(S.PROCESSING))
    first = await claim_due(worker='host:1/a', channels=['webhook'], limit=10)
    # the first event of the order for each endpoint; endpoints do not wait for each other
    assert sorted((m.event, m.recipient) for m in first) == [('order.created', str(endpoint.id)),
                                                             ('order.created', str(other.id))]
    assert await claim_due(worker='host:2/b', channels=['webhook'], limit=10) == []  # the other worker: nothing
    created = next(m for m in first if m.recipient == str(endpoint.id))
    await OutboxMessage.filter(id=created.id).update(state=OutboxState.DELIVERED, leased_by='', lease_expires_at=None)
    given_up = next(m for m in first if m.recipient == str(other.id))
    await OutboxMessage.filter(id=given_up.id).update(state=OutboxState.DEAD, leased_by='', lease_expires_at=None)
    second = await claim_due(worker='host:2/b', channels=['webhook'], limit=10)
    assert sorted((m.event, m.recipient) for m in second) == [('order.status_changed', str(endpoint.id)),
                                                              ('order.status_changed', str(other.id))]


async def test_a_retry_comes_at_its_time_and_the_next_event_at_once_after_it_not_at_the_next_poll(shop, receiver):
    await an_endpoint(shop, receiver.url())
    receiver.script = [Answer(503, body=b'deploying')]
    placed = await an_order(shop)
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(S.PROCESSING))
    handler = WebhookHandler()
    dispatcher = OutboxDispatcher([handler], slot='test:timing', poll_seconds=30)  # a poll would come far too late
    unsubscribe = hub.subscribe(OutboxQueued, dispatcher.wake)
    await dispatcher.start()
    try:
        for _ in range(300):
            if len(receiver.requests) == 3:
                break
            await asyncio.sleep(0.05)
    finally:
        unsubscribe()
        await dispatcher.stop()
        await handler.aclose()
    assert [(json.loads(r.body)['type'], r.status) for r in receiver.requests] == [
        ('order.created', 503), ('order.created', 200), ('order.status_changed', 200)]
    failed, retried, following = (r.at for r in receiver.requests)
    print(f'first retry {retried - failed:.2f} s after the failure, the next event {following - retried:.3f} s after')
    assert 4 - 0.1 <= retried - failed <= 6 + 1  # the first retry: 5 s ± 20 %, and a second for a loaded machine
    assert following - retried < 1  # due at once when the earlier one is delivered


async def test_each_outcome_is_recorded_when_its_request_ends_not_when_the_batch_ends(shop, receiver):
    slow = WebhookReceiver().start()
    slow.delay = 3.0
    try:
        fast_endpoint, _ = await an_endpoint(shop, receiver.url(), events=['order.created'])
        await an_endpoint(shop, slow.url(), events=['order.created'])
        await an_order(shop)
        handler = WebhookHandler()
        dispatcher = OutboxDispatcher([handler], slot='test:each', poll_seconds=30)
        await dispatcher.start()
        try:
            fast = OutboxMessage.filter(channel='webhook', recipient=str(fast_endpoint.id))
            for _ in range(40):
                if await fast.filter(state=OutboxState.DELIVERED).exists():
                    break
                await asyncio.sleep(0.05)
            assert await fast.filter(state=OutboxState.DELIVERED).exists(), 'not recorded within 2 s'
            assert not slow.requests  # its batch is still out: the slow receiver has not answered yet
        finally:
            await dispatcher.stop()
            await handler.aclose()
    finally:
        slow.stop()
    assert len(slow.delivered()) == 1


async def test_other_4xx_and_redirects_are_retried_and_redirects_not_followed(shop, receiver, dispatcher):
    await an_endpoint(shop, receiver.url('/moved'))
    receiver.script = [Answer(302, {'Location': receiver.url('/elsewhere')}), Answer(404, body=b'no route')]
    await an_order(shop)
    await an_order(shop)
    await dispatcher.deliver_due()
    assert [r.path for r in receiver.requests] == ['/moved', '/moved']
    errors = sorted(m.last_error for m in await OutboxMessage.filter(channel='webhook'))
    assert 'answered 302, a redirect to' in errors[0] and 'answered HTTP 404' in errors[1]
    assert {m.state for m in await OutboxMessage.filter(channel='webhook')} == {OutboxState.PENDING}


async def test_410_disables_the_endpoint_and_tells_the_owner(shop, receiver, dispatcher):
    endpoint, _ = await an_endpoint(shop, receiver.url())
    receiver.default = Answer(410, body=b'gone')
    await an_order(shop)
    await dispatcher.deliver_due()
    endpoint = await WebhookEndpoint.get(id=endpoint.id)
    assert not endpoint.enabled and '410 Gone' in endpoint.disabled_reason
    assert (await OutboxMessage.get(channel='webhook')).state is OutboxState.DEAD
    told = await LogEntry.get(kind='settings.api_push', actor='system')
    assert 'disabled: the receiver answered 410 Gone' in told.message
    assert await OutboxMessage.filter(channel='mail', template='shop_notice').count() == 1  # and mailed
    await an_order(shop)
    assert await OutboxMessage.filter(channel='webhook').count() == 1  # nothing new for a disabled endpoint


async def test_during_a_rotation_receivers_with_the_old_and_the_new_secret_both_verify(shop, receiver, dispatcher):
    endpoint, old = await an_endpoint(shop, receiver.url())
    new = await rotate_secret(shop_id=shop.id, endpoint_id=endpoint.id, actor='owner@x')
    assert new != old and new.startswith('whsec_')
    await an_order(shop)
    await dispatcher.deliver_due()
    request = receiver.delivered()[0]
    assert len(request.headers['webhook-signature'].split(' ')) == 2
    assert verified(request, old) == verified(request, new)
    await WebhookEndpoint.filter(id=endpoint.id).update(previous_secret_expires_at=datetime.now(UTC))
    await an_order(shop)
    await dispatcher.deliver_due()
    after = receiver.delivered()[1]
    verified(after, new)
    with pytest.raises(WebhookVerificationError):
        verified(after, old)
    assert not await LogEntry.filter(message__contains=new[6:20]).exists()  # never logged


async def test_link_local_and_metadata_urls_are_refused_and_nothing_is_saved(shop):
    for url in ('http://169.254.169.254/latest/meta-data/', 'https://[fe80::1]/hook',
                'https://metadata.google.internal/computeMetadata/v1/', 'https://[fd00:ec2::254]/',
                'https://user:pass@pos.example.com/hook', 'ftp://pos.example.com/hook'):
        with pytest.raises(InvalidEndpoint) as refused:
            await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(
                url=url, events=['order.created'], allow_local_network=True))
        assert set(refused.value.field_errors) == {'url'}
    assert await WebhookEndpoint.all().count() == 0
    assert not await LogEntry.filter(kind='settings.api_push').exists()


async def test_a_name_that_resolves_to_this_computer_is_refused_at_connection_time(shop, receiver, dispatcher):
    endpoint, _ = await an_endpoint(shop, f'http://localhost:{receiver.port}/hook')
    await WebhookEndpoint.filter(id=endpoint.id).update(allow_local_network=False)  # as if DNS had changed
    await an_order(shop)
    await dispatcher.deliver_due()
    assert receiver.requests == []
    message = await OutboxMessage.get(channel='webhook')
    assert 'not sent to http://localhost' in message.last_error and 'loopback' in message.last_error


async def test_a_refused_change_changes_nothing(shop):
    endpoint, _ = await an_endpoint(shop, 'http://127.0.0.1:9/hook')
    with pytest.raises(InvalidEndpoint) as refused:
        await update_endpoint(shop_id=shop.id, endpoint_id=endpoint.id, actor='owner@x', form=EndpointForm(
            url='https://169.254.169.254/', events=[], format='yaml', allow_local_network=True))
    assert set(refused.value.field_errors) == {'url', 'events', 'format'}
    assert (await WebhookEndpoint.get(id=endpoint.id)).url == 'http://127.0.0.1:9/hook'


async def test_test_event_and_redelivery_keep_their_webhook_id(shop, receiver, dispatcher):
    endpoint, secret = await an_endpoint(shop, receiver.url(), events=['order.deleted'])
    await send_test_event(shop_id=shop.id, endpoint_id=endpoint.id, actor='owner@x')
    await dispatcher.deliver_due()
    test = verified(receiver.delivered()[0], secret)
    assert test['type'] == 'webhook.test' and test['data']['order']['test'] is True
    first = await WebhookDelivery.get(endpoint_id=endpoint.id)
    await redeliver(shop_id=shop.id, delivery_id=first.id, actor='owner@x')
    await dispatcher.deliver_due()
    again = receiver.delivered()[1]
    assert again.webhook_id == receiver.delivered()[0].webhook_id and verified(again, secret) == test
    assert await WebhookDelivery.filter(endpoint_id=endpoint.id).count() == 2
    assert await LogEntry.filter(kind='delivery.retry', message__contains='redelivery requested').exists()


async def test_disabling_and_deleting_an_endpoint(shop, receiver, dispatcher):
    endpoint, _ = await an_endpoint(shop, receiver.url())
    await an_order(shop)
    await set_endpoint_enabled(shop_id=shop.id, endpoint_id=endpoint.id, enabled=False, actor='owner@x')
    await dispatcher.deliver_due()
    queued = await OutboxMessage.get(channel='webhook')
    assert queued.state is OutboxState.DEAD and 'endpoint is disabled' in queued.last_error
    assert receiver.requests == []
    await set_endpoint_enabled(shop_id=shop.id, endpoint_id=endpoint.id, enabled=True, actor='owner@x')
    await an_order(shop)
    await delete_endpoint(shop_id=shop.id, endpoint_id=endpoint.id, actor='owner@x')
    assert await OutboxMessage.filter(channel='webhook', state=OutboxState.PENDING).count() == 0
    assert await WebhookEndpoint.all().count() == 0


async def test_an_issued_invoice_is_announced_with_its_number_and_totals(shop, receiver, dispatcher):
    _, secret = await an_endpoint(shop, receiver.url(), events=['invoice.created'])
    placed = await an_order(shop, quantity=2)
    invoice = await issue_invoice(shop_id=shop.id, order_id=placed.id, actor='owner@x')
    assert await dispatcher.deliver_due() == 1
    [body] = [verified(request, secret) for request in receiver.delivered()]
    assert body['type'] == 'invoice.created'
    assert body['data']['invoice']['number'] == invoice.number
    assert (body['data']['invoice']['total'], body['data']['order']['code']) == ('20.85', placed.code)
    assert body['data']['order']['lines'][0]['sku'] == 'FLT-100'
