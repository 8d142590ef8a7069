"""The REST API refuses hidden characters with a 422 that names the field, and creates nothing."""

import pytest

from domain.models import Order, OutboxMessage
from tests.integration.test_rest_api import client, error_of, new_order, place, writer  # noqa: F401  fixtures


@pytest.mark.parametrize(('order', 'field'), [
    (new_order(name='Ann \u202eSreteep'), 'customer.name'),
    (new_order(name='Ann\x00'), 'customer.name'),
    ({**new_order(), 'customer': {'name': 'Ann', 'email': 'ann\u200b@example.com'}}, 'customer.email'),
    ({**new_order(), 'shipping_address': {'street': 'Kerkstraat 1\x1b', 'postal_code': '9000', 'city': 'Gent'}},
     'shipping_address.street'),
    (new_order(note='Ring twice\x00'), 'note'),
])
async def test_order_with_a_hidden_character_is_422_with_its_field_and_creates_nothing(client, shop, writer,  # noqa: F811
                                                                                        order, field):
    error = error_of(await client.post('/orders', headers=writer, json=order), 422)
    assert error['code'] == 'validation_error'
    assert 'invisible or control character' in error['fields'][field]
    assert await Order.all().count() == 0 and await OutboxMessage.all().count() == 0


async def test_note_keeps_its_lines_and_names_keep_accents_and_emoji(client, shop, writer):  # noqa: F811
    order = await place(client, writer, name='Zoë 👩\u200d💻', note='Ring twice\nthen wait')
    assert order['customer']['name'] == 'Zoë 👩\u200d💻' and order['note'] == 'Ring twice\nthen wait'


async def test_status_change_with_a_bidi_override_in_the_reference_is_422(client, shop, writer):  # noqa: F811
    code = (await place(client, writer))['code']
    response = await client.post(f'/orders/{code}/status', headers=writer,
                                 json={'status': 'shipped', 'reference': '1Z999\u202eAA'})
    error = error_of(response, 422)
    assert 'invisible or control character' in error['fields']['reference']
    assert (await Order.get(code=code)).reference == ''
