"""After the connection to the other instances was lost (a `Resync`), the live grid reads what it shows again."""

import asyncio

from nicegui.testing import User

from domain import checkout
from domain.events import EventHub, Resync, hub
from tests.ui.test_admin_orders import customer_orders, eventually, sign_in, table_rows


def codes(user: User) -> list[str]:
    return [row['code'] for row in table_rows(user)]


async def test_the_grid_shows_an_order_whose_event_it_missed_once_told_to_resync(user: User, monkeypatch):
    first = await customer_orders('Ann Peeters')
    await sign_in(user)
    await eventually(lambda: codes(user) == [first])
    monkeypatch.setattr(checkout, 'hub', EventHub())  # the next order's event is lost, as while disconnected
    missed = await customer_orders('Chris Missed')
    await asyncio.sleep(0.3)
    assert codes(user) == [first]
    await hub.publish(Resync())
    await eventually(lambda: codes(user) == [missed, first])
    assert user.find(marker='orders-table').elements.pop().pagination['rowsNumber'] == 2
