"""Two Orderly instances (`python main.py` subprocesses) on one PostgreSQL database share the outbox.

Orders are placed through both instances' API; their mails go to a real SMTP server, their API PUSH to a real HTTP
receiver, while both instances' outbox workers run. The guarantee, proven here: a message is leased to one worker at a
time, so while workers live none is sent twice; a worker killed with messages in hand leaves them leased until the
lease expires, then another worker sends them. Those (and only those) may arrive twice, under the same Message-ID or
webhook-id, because the killed worker may have handed them over before it could record it: at least once, never lost.
(An attempt that outlasts 3/4 of the lease is given up and retried, so what the partner had accepted by then arrives
twice as well: the lease must be long against a batch's delivery; the default is 60 s.)
"""

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest
from tortoise import Tortoise

from domain.api_keys import create_api_key
from domain.catalogue import default_shop
from domain.models import ApiKeyAccess, Order, OutboxMessage, OutboxState, Product
from domain.webhooks import EndpointForm, create_endpoint
from integrations.database import open_database
from tests.mail_catcher import MailCatcher
from tests.orderly_instances import OrderlyInstance, new_secret_key, running_instances
from tests.webhook_receiver import WebhookReceiver

MAILS_PER_ORDER = 3  # the customer's confirmation, new-order mails to the owner and to the shop's address
RECEIVED_PER_ORDER = MAILS_PER_ORDER + 1  # and API PUSH order.created (the push finds no subscribed device)


@pytest.fixture
def catcher():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture
def receiver():
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def instance_settings(postgres_server, catcher: MailCatcher, **settings: str) -> dict[str, str]:
    return {'database_url': postgres_server.database(), 'secret_key': new_secret_key(), 'smtp_host': '127.0.0.1',
            'smtp_port': str(catcher.port), 'smtp_security': 'none', 'outbox_poll_seconds': '0.3', **settings}


async def prepare_shop(database_url: str, receiver: WebhookReceiver | None = None) -> str:
    """Open the instances' database here too; an API key (returned), stock for everybody, an API PUSH endpoint."""
    await open_database(database_url)
    shop = await default_shop()
    await Product.filter(shop_id=shop.id).update(stock=1_000_000)
    if receiver is not None:
        await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(
            url=receiver.url(), events=['order.created'], allow_local_network=True))
    return (await create_api_key(shop_id=shop.id, label='load test', access=ApiKeyAccess.READ_WRITE,
                                 actor='owner@x')).secret


async def place_orders(instances: list[OrderlyInstance], api_key: str, count: int, placed: Counter) -> None:
    """`count` orders through the instances' API in turn, eight at a time, counted in `placed` by instance. A request
    to an instance that died goes to the next one with the same Idempotency-Key, as a load balancer retries it."""
    gate = asyncio.Semaphore(8)

    async def one(client: httpx.AsyncClient, number: int) -> None:
        body = {'customer': {'name': f'Customer {number}', 'email': f'customer{number}@example.com'},
                'shipping_address': {'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent', 'country': 'BE'},
                'lines': [{'sku': 'FLT-100', 'quantity': 1}]}
        headers = {'Authorization': f'Bearer {api_key}', 'Idempotency-Key': f'order-{number}'}
        turn = number % len(instances)
        async with gate:
            for instance in instances[turn:] + instances[:turn]:
                if not instance.alive:
                    continue
                try:
                    answer = await client.post(f'{instance.url}/api/v1/orders', json=body, headers=headers)
                except httpx.TransportError:
                    continue
                assert answer.status_code in {200, 201}, answer.text
                placed[instance.name] += 1
                return
        raise AssertionError(f'no instance placed order {number}')

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(one(client, number) for number in range(count)))


async def outbox_rows() -> list[OutboxMessage]:
    return await OutboxMessage.all().order_by('id')


async def wait_until_all_delivered(seconds: float, *, watch=None) -> list[OutboxMessage]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if watch is not None:
            await watch()
        if not await OutboxMessage.exclude(state=OutboxState.DELIVERED).exists():
            return await outbox_rows()
        await asyncio.sleep(0.05)
    left = await OutboxMessage.exclude(state=OutboxState.DELIVERED).values('id', 'channel', 'state', 'leased_by',
                                                                          'last_error')
    raise AssertionError(f'{len(left)} messages not delivered, e.g. {left[:3]}')


async def slots_holding_leases() -> set[str]:
    """The instances (host:port) that hold leased, undelivered messages right now."""
    leased = await OutboxMessage.filter(state=OutboxState.PENDING).exclude(leased_by='') \
        .values_list('leased_by', flat=True)
    return {worker.split('/')[0] for worker in leased}


def received_ids(catcher: MailCatcher, receiver: WebhookReceiver | None = None) -> Counter:
    """How often each event id arrived: mails by Message-ID (event id @ shop domain), API PUSH by webhook-id."""
    mails = [received.message_id.split('@')[0] for received in catcher.received]
    return Counter(mails + [request.webhook_id for request in (receiver.delivered() if receiver else [])])


async def test_both_instances_deliver_a_thousand_messages_each_once(postgres_server, catcher, receiver, tmp_path):
    settings = instance_settings(postgres_server, catcher)  # the default lease: nobody dies here
    with running_instances(tmp_path, **settings) as instances:
        try:
            api_key = await prepare_shop(settings['database_url'], receiver)
            seen_working: set[str] = set()

            async def watch() -> None:
                seen_working.update(await slots_holding_leases())

            started, placed = time.monotonic(), Counter()
            placing = asyncio.create_task(place_orders(instances, api_key, 1000 // RECEIVED_PER_ORDER, placed))
            while not placing.done():
                await watch()
                await asyncio.sleep(0.02)
            await placing
            print(f'placed in {time.monotonic() - started:.1f} s')
            rows = await wait_until_all_delivered(60, watch=watch)
            print(f'delivered in {time.monotonic() - started:.1f} s')
        finally:
            await Tortoise.close_connections()
        assert placed == {'a': 125, 'b': 125}
        for_receivers = [row for row in rows if row.channel in {'mail', 'webhook'}]
        assert len(for_receivers) == 1000
        arrived = received_ids(catcher, receiver)
        assert set(arrived) == {row.event_id for row in for_receivers}
        assert [event for event, times in arrived.items() if times > 1] == []  # each exactly once
        assert all(row.attempts == 1 for row in rows), 'a message was attempted twice'
        # both workers had work in hand while the messages went out
        assert seen_working == {instance.slot for instance in instances}
        for instance in instances:
            assert instance.errors() == [], instance.log_tail()


async def test_when_one_instance_is_killed_the_other_delivers_its_messages_after_the_lease(
        postgres_server, catcher, tmp_path):
    # Short, to keep the test short, yet long enough for a batch of mails on a busy machine: an attempt that outlasts
    # 3/4 of it is given up and retried, and what the mail server had accepted by then would arrive twice.
    # Mails only: an API PUSH request may take 17 s.
    lease_seconds = 10
    settings = instance_settings(postgres_server, catcher, outbox_lease_seconds=str(lease_seconds))
    catcher.delay = 0.005  # a slower mail server: the instance dies with messages in hand
    with running_instances(tmp_path, **settings) as instances:
        a, b = instances
        try:
            api_key = await prepare_shop(settings['database_url'])
            placed: Counter = Counter()
            placing = asyncio.create_task(place_orders(instances, api_key, 150, placed))
            # midway: a third of the orders placed, mails going out, some of them in a's hands
            deadline = time.monotonic() + 60
            while placed.total() < 50 or not catcher.received or a.slot not in await slots_holding_leases():
                assert time.monotonic() < deadline, f'a never held messages midway: {placed}'
                await asyncio.sleep(0.005)
            a.kill()
            killed_at = datetime.now(UTC)
            in_hand = {row.event_id: row.lease_expires_at for row in await OutboxMessage.filter(
                state=OutboxState.PENDING, leased_by__startswith=f'{a.slot}/')}
            await placing  # the rest through b
            rows = await wait_until_all_delivered(30 + lease_seconds)
            orders = await Order.all().count()
        finally:
            await Tortoise.close_connections()
        assert in_hand, 'instance a held no messages when it was killed'
        assert orders == placed.total() == 150 and placed['b'] > placed['a'] > 0  # none lost, none placed twice
        arrived = received_ids(catcher)
        for_receivers = {row.event_id for row in rows if row.channel == 'mail'}
        assert len(for_receivers) == 150 * MAILS_PER_ORDER
        assert set(arrived) == for_receivers  # every message arrived
        twice = {event for event, times in arrived.items() if times > 1}
        unexplained = [(row.attempts, row.last_error) for row in rows if row.event_id in twice - set(in_hand)]
        assert unexplained == [], 'sent twice though no dead worker held them (attempts, last error)'
        assert max(arrived.values()) <= 2
        print(f'{len(in_hand)} messages in the killed instance\'s hands, {len(twice)} of them sent twice')
        for row in rows:
            if row.event_id in in_hand:  # taken over only once the dead worker's lease had run out
                assert row.delivered_at >= in_hand[row.event_id] > killed_at
            else:
                assert row.attempts == 1
        assert b.errors() == [], b.log_tail()
