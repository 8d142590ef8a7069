"""The LISTEN/NOTIFY bridge on a real PostgreSQL: two bridges, each with its own hub, stand for two instances."""

import asyncio
from decimal import Decimal

import pytest
from tortoise import Tortoise, connections

from domain.events import (
    DeliveriesRecorded,
    EventHub,
    OrderDeleted,
    OrderNoteAdded,
    OrderPlaced,
    OrderStatusChanged,
    OutboxQueued,
    Resync,
)
from domain.statuses import OrderStatus
from integrations.database import open_database
from integrations.pg_events import CHANNEL, PgEventBridge, decode, encode

EVENTS = [
    OrderPlaced(shop_id=1, order_id=7, code='DS-2026-0007', customer_name='Zoë "Z" <Peeters>', total=Decimal('46.40'),
                currency='EUR', is_test=False),
    OrderStatusChanged(shop_id=1, order_id=7, code='DS-2026-0007', status=OrderStatus.SHIPPED, version=3,
                       actor='owner@x'),
    OrderDeleted(shop_id=1, order_id=7, code='DS-2026-0007', actor='owner@x'),
    OrderNoteAdded(shop_id=1, order_id=7, code='DS-2026-0007', actor='owner@x'),
    DeliveriesRecorded(shop_id=1, order_ids=frozenset({7, 8}), delivered=2, failed=1, dead=0),
    OutboxQueued(shop_id=1, count=3),
]


class Heard:
    """Every event a hub published, by type."""

    def __init__(self, hub: EventHub) -> None:
        self.events: list[object] = []
        for kind in (*{type(event) for event in EVENTS}, Resync):
            hub.subscribe(kind, self.events.append)

    async def wait_for(self, count: int, seconds: float = 5) -> list[object]:
        async with asyncio.timeout(seconds):
            while len(self.events) < count:
                await asyncio.sleep(0.01)
        return self.events


@pytest.fixture
async def two_bridges(postgres_server):
    url = postgres_server.database()
    await open_database(url)
    hubs = EventHub(), EventHub()
    bridges = [PgEventBridge(url, hub, check_seconds=0.5) for hub in hubs]
    for bridge in bridges:
        await bridge.start()
    yield hubs, bridges
    for bridge in bridges:
        await bridge.stop()
    await Tortoise.close_connections()


def test_every_bridged_event_survives_the_trip_as_json():
    for event in EVENTS:
        sender, decoded = decode(encode(event, 'instance-a'))
        assert (sender, decoded) == ('instance-a', event)
    assert decode('{"kind": "DropTables"}') is None
    assert decode('not json') is None


async def test_events_of_one_instance_are_published_on_the_other_once(two_bridges):
    (hub_a, hub_b), _ = two_bridges
    heard_a, heard_b = Heard(hub_a), Heard(hub_b)
    for event in EVENTS:
        await hub_a.publish(event)
    assert await heard_b.wait_for(len(EVENTS)) == EVENTS  # in order, with their types
    await asyncio.sleep(0.3)
    assert heard_b.events == EVENTS  # each once
    assert heard_a.events == EVENTS  # what A published locally, never echoed back to it


async def test_what_is_not_ours_on_the_channel_is_ignored(two_bridges):
    (hub_a, hub_b), _ = two_bridges
    heard_b = Heard(hub_b)
    await connections.get('default').execute_query('SELECT pg_notify($1, $2)', [CHANNEL, '{"kind": "DropTables"}'])
    await hub_a.publish(EVENTS[0])
    assert await heard_b.wait_for(1) == [EVENTS[0]]


async def test_a_lost_listening_connection_comes_back_and_pages_are_told_to_reload(two_bridges, postgres_server):
    (hub_a, hub_b), (_, bridge_b) = two_bridges
    heard_b = Heard(hub_b)
    pid = bridge_b.connection.get_server_pid()
    await connections.get('default').execute_query('SELECT pg_terminate_backend($1)', [pid])
    assert await heard_b.wait_for(1) == [Resync()]
    assert bridge_b.reconnections == 1 and bridge_b.connection.get_server_pid() != pid
    await hub_a.publish(EVENTS[1])
    assert await heard_b.wait_for(2) == [Resync(), EVENTS[1]]
