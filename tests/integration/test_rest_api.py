"""The REST API at /api/v1 over HTTP (httpx, in-process): keys, orders, products, and no shop seeing another's."""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from domain.api_keys import create_api_key, revoke_api_key
from domain.invoices import issue_invoice
from domain.models import ApiKey, ApiKeyAccess, Invoice, LogEntry, Order, OutboxMessage, Product, Shop
from domain.order_changes import StatusUpdate, change_status
from domain.statuses import OrderStatus
from integrations.api import mount_api
from tests.conftest import ADMIN_EMAIL

ADDRESS = {'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent', 'country': 'BE'}


def new_order(sku: str = 'FLT-100', quantity: int = 1, name: str = 'Ann Peeters', **more) -> dict:
    return {'customer': {'name': name, 'email': 'ann@example.com'}, 'shipping_address': ADDRESS,
            'lines': [{'sku': sku, 'quantity': quantity}], **more}


@pytest.fixture
async def client(db) -> httpx.AsyncClient:
    app = FastAPI()
    mount_api(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test/api/v1') as client:
        yield client


async def bearer(shop: Shop, access: ApiKeyAccess = ApiKeyAccess.READ_WRITE, label: str = 'Point of sale') -> dict:
    new = await create_api_key(shop_id=shop.id, label=label, access=access, actor=ADMIN_EMAIL)
    return {'Authorization': f'Bearer {new.secret}'}


@pytest.fixture
async def writer(shop) -> dict:
    return await bearer(shop)


@pytest.fixture
async def reader(shop) -> dict:
    return await bearer(shop, ApiKeyAccess.READ, 'Accounting')


@pytest.fixture
async def other_shop(db) -> Shop:
    """A second shop on the same database, with a product of the same SKU as the demo shop's."""
    shop = await Shop.create(name='Other shop', code_prefix='OTHER', email='orders@other.example')
    await Product.create(shop=shop, sku='FLT-100', name='Other filters', price=Decimal('5.00'),
                         vat_rate=Decimal('21'), stock=10)
    return shop


async def place(client: httpx.AsyncClient, headers: dict, **order) -> dict:
    response = await client.post('/orders', headers=headers, json=new_order(**order))
    assert response.status_code == 201, response.text
    return response.json()


def error_of(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers['content-type'] == 'application/json'
    return response.json()['error']


# ---- keys


async def test_request_without_a_key_is_refused_with_401(client, shop):
    error = error_of(await client.get('/orders'), 401)
    assert error['code'] == 'unauthorized' and 'Bearer' in error['message']
    response = await client.get('/orders', headers={'Authorization': 'Basic dXNlcjpwYXNz'})
    assert error_of(response, 401)['code'] == 'unauthorized'
    assert response.headers['www-authenticate'] == 'Bearer'


async def test_unknown_key_is_refused_with_401(client, shop):
    response = await client.get('/orders', headers={'Authorization': 'Bearer ok_live_' + 'x' * 43})
    assert error_of(response, 401)['code'] == 'invalid_api_key'


async def test_revoked_key_is_refused_from_its_next_request(client, shop):
    new = await create_api_key(shop_id=shop.id, label='Old till', access=ApiKeyAccess.READ, actor=ADMIN_EMAIL)
    headers = {'Authorization': f'Bearer {new.secret}'}
    assert (await client.get('/orders', headers=headers)).status_code == 200
    await revoke_api_key(shop_id=shop.id, key_id=new.key.id, actor=ADMIN_EMAIL)
    assert error_of(await client.get('/orders', headers=headers), 401)['code'] == 'invalid_api_key'


async def test_read_only_key_reads_but_every_write_is_refused_with_403(client, shop, writer, reader):
    order = await place(client, writer)
    assert (await client.get(f'/orders/{order["code"]}', headers=reader)).status_code == 200
    assert (await client.get('/products/FLT-100', headers=reader)).status_code == 200
    writes = [client.post('/orders', headers=reader, json=new_order()),
              client.post(f'/orders/{order["code"]}/status', headers=reader, json={'status': 'shipped'}),
              client.delete(f'/orders/{order["code"]}', headers=reader, params={'confirm_code': order['code']}),
              client.patch('/products/FLT-100', headers=reader, json={'stock': 1})]
    for write in writes:
        assert error_of(await write, 403)['code'] == 'read_only_key'
    assert await Order.all().count() == 1
    assert (await Product.get(shop_id=shop.id, sku='FLT-100')).stock == 119


async def test_key_is_stored_hashed_and_never_logged_and_its_use_is_noted(client, shop):
    new = await create_api_key(shop_id=shop.id, label='Till', access=ApiKeyAccess.READ, actor=ADMIN_EMAIL)
    assert new.secret.startswith('ok_live_') and len(new.secret) >= 8 + 43
    key = await ApiKey.get(id=new.key.id)
    assert new.secret not in {key.key_hash, key.hint} and key.last_used_at is None
    await client.get('/orders', headers={'Authorization': f'Bearer {new.secret}'})
    assert (await ApiKey.get(id=key.id)).last_used_at is not None
    entries = await LogEntry.filter(kind='settings.api_keys')
    assert [entry.message for entry in entries] == [f'API key "Till" created (read only, {key.hint}…)']
    assert all(new.secret not in f'{entry.message}{entry.data}' for entry in await LogEntry.all())


# ---- orders


async def test_order_is_placed_through_the_checkout_with_stock_log_and_outbox(client, shop, writer):
    response = await client.post('/orders', headers=writer, json=new_order(quantity=2, note='Ring twice'))
    assert response.status_code == 201
    order = response.json()
    assert response.headers['location'] == f'/api/v1/orders/{order["code"]}'
    assert order['code'].startswith('DEMO-') and order['status'] == 'order_received'
    assert order['status_label'] == 'Order received' and order['is_test'] is False and order['version'] == 1
    assert order['customer'] == {'name': 'Ann Peeters', 'email': 'ann@example.com', 'phone': '', 'vat_number': ''}
    assert order['shipping_address'] == ADDRESS and order['note'] == 'Ring twice'
    assert order['lines'] == [{'sku': 'FLT-100', 'name': 'Paper filters (100)', 'quantity': 2, 'unit_price': '6.95',
                               'vat_rate': '21.00', 'total': '13.90'}]
    assert (order['subtotal'], order['shipping_cost'], order['total'], order['currency']) == \
        ('13.90', '6.95', '20.85', 'EUR')
    assert (await Product.get(shop_id=shop.id, sku='FLT-100')).stock == 118
    placed = await LogEntry.get(kind='order.placed')
    assert placed.actor == 'API key "Point of sale"'
    assert await OutboxMessage.filter(order_code=order['code'], template='customer_confirmation').count() == 1


async def test_same_idempotency_key_returns_the_same_order_with_200(client, shop, writer):
    headers = {**writer, 'Idempotency-Key': '6f1c2a8e-2f4b-4c55-9a39-1d1c3e0a9b7d'}
    first = await client.post('/orders', headers=headers, json=new_order())
    again = await client.post('/orders', headers=headers, json=new_order())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert await Order.all().count() == 1
    assert (await Product.get(shop_id=shop.id, sku='FLT-100')).stock == 119
    other = await client.post('/orders', headers={**writer, 'Idempotency-Key': 'another key'}, json=new_order())
    assert other.status_code == 201 and other.json()['code'] != first.json()['code']


async def test_concurrent_retries_with_one_idempotency_key_place_one_order(client, shop, writer):
    headers = {**writer, 'Idempotency-Key': 'till-7-receipt-311'}
    responses = await asyncio.gather(*(client.post('/orders', headers=headers, json=new_order()) for _ in range(3)))
    assert sorted(response.status_code for response in responses) == [200, 200, 201]
    assert len({response.json()['code'] for response in responses}) == 1
    assert await Order.all().count() == 1


async def test_retry_finds_its_order_even_when_the_stock_ran_out_since(client, shop, writer):
    headers = {**writer, 'Idempotency-Key': 'cookbook-1'}
    first = await client.post('/orders', headers=headers, json=new_order('BOOK-BAR', 3))
    assert (await Product.get(shop_id=shop.id, sku='BOOK-BAR')).stock == 0
    again = await client.post('/orders', headers=headers, json=new_order('BOOK-BAR', 3))
    assert again.status_code == 200 and again.json()['code'] == first.json()['code']


async def test_reused_idempotency_key_with_another_order_is_refused(client, shop, writer):
    headers = {**writer, 'Idempotency-Key': 'order-17'}
    first = await client.post('/orders', headers=headers, json=new_order(quantity=1))
    error = error_of(await client.post('/orders', headers=headers, json=new_order(quantity=5)), 422)
    assert error['code'] == 'idempotency_key_reused' and first.json()['code'] in error['message']
    assert await Order.all().count() == 1


async def test_invalid_order_is_422_with_a_message_per_field(client, shop, writer):
    response = await client.post('/orders', headers=writer, json={
        'customer': {'name': '', 'email': 'not-an-address'}, 'lines': [{'sku': 'FLT-100', 'quantity': 0}]})
    error = error_of(response, 422)
    assert error['code'] == 'validation_error'
    assert set(error['fields']) == {'customer.name', 'customer.email', 'lines.0.quantity'}
    error = error_of(await client.post('/orders', headers=writer, json={**new_order(), 'shipping_address': None}),
                     422)
    assert error['code'] == 'invalid_order'
    assert error['fields']['shipping_address.street'] == 'Please enter the street and number.'
    error = error_of(await client.post('/orders', headers=writer, json=new_order('NOPE-1')), 422)
    assert error['code'] == 'unknown_product' and error['fields'] == {
        'lines.0.sku': 'There is no product with SKU "NOPE-1" in this shop.'}
    error = error_of(await client.post('/orders', headers=writer, json=new_order('BOOK-BAR', 4)), 422)
    assert error == {'code': 'out_of_stock', 'message': 'Only 3 of "Barista cookbook" left in stock.',
                     'fields': {'lines.0': 'Only 3 of "Barista cookbook" left in stock.'}}
    error = error_of(await client.post('/orders', headers=writer, content=b'{"customer":'), 422)
    assert error['code'] == 'validation_error'
    assert await Order.all().count() == 0


async def test_get_order_by_code_ignores_case_and_unknown_codes_are_404(client, shop, writer, reader):
    order = await place(client, writer, delivery_method='pickup')
    response = await client.get(f'/orders/{order["code"].lower()}', headers=reader)
    assert response.json() == order and order['shipping_address'] == ADDRESS  # kept though picked up
    assert error_of(await client.get('/orders/DEMO-9999-XX', headers=reader), 404)['code'] == 'not_found'
    assert error_of(await client.get('/orders/' + 'X' * 500, headers=reader), 404)['code'] == 'not_found'


async def test_orders_list_is_newest_first_and_pages_by_cursor_without_repeats(client, shop, writer, reader):
    codes = [(await place(client, writer, name=f'Customer {n}'))['code'] for n in range(5)]
    response = await client.get('/orders', headers=reader, params={'limit': 2})
    page = response.json()
    assert [o['code'] for o in page['orders']] == codes[:-3:-1] and page['next_cursor']
    await place(client, writer, name='Late customer')  # arrives while the client pages: not in the older pages
    seen = [o['code'] for o in page['orders']]
    while page['next_cursor']:
        page = (await client.get('/orders', headers=reader, params={'limit': 2, 'cursor': page['next_cursor']})).json()
        seen += [o['code'] for o in page['orders']]
    assert seen == codes[::-1]
    first = (await client.get('/orders', headers=reader)).json()['orders'][0]
    assert first['customer_name'] == 'Late customer' and first['status_label'] == 'Order received'
    assert error_of(await client.get('/orders', headers=reader, params={'cursor': 'garbage!'}), 422)['code'] == \
        'invalid_cursor'
    assert error_of(await client.get('/orders', headers=reader, params={'limit': 0}), 422)['fields'] == {
        'limit': 'Input should be greater than or equal to 1'}


async def test_orders_list_filters_by_status_date_search_and_test_flag(client, shop, writer, reader):
    real = await place(client, writer, name='Zoë Vermeulen')
    test = await place(client, writer, name='Test Person', is_test=True)
    shipped = await place(client, writer, name='Bert Claes')
    await client.post(f'/orders/{shipped["code"]}/status', headers=writer, json={'status': 'shipped'})
    await Order.filter(code=real['code']).update(created_at=datetime.now(UTC) - timedelta(days=3))

    async def codes(**params) -> list[str]:
        response = await client.get('/orders', headers=reader, params=params)
        assert response.status_code == 200, response.text
        return [order['code'] for order in response.json()['orders']]

    assert await codes(status='shipped') == [shipped['code']]
    assert await codes(is_test='true') == [test['code']]
    assert await codes(is_test='false') == [shipped['code'], real['code']]
    assert await codes(search='vermeulen') == [real['code']]
    assert await codes(search=shipped['code']) == [shipped['code']]
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert await codes(created_from=since) == [shipped['code'], test['code']]
    assert await codes(created_to=since) == [real['code']]
    assert await codes(created_to=since.replace('+00:00', '')) == [real['code']]  # no offset: UTC
    assert await codes(created_from=since, status='order_received', is_test='false') == []
    assert error_of(await client.get('/orders', headers=reader, params={'status': 'lost'}), 422)['fields'].keys() == \
        {'status'}
    assert error_of(await client.get('/orders', headers=reader, params={'created_from': '1700000000'}), 422)[
        'fields'].keys() == {'created_from'}  # a Unix time is not taken for a date
    # a misspelt filter is refused rather than ignored: it would list every order
    assert error_of(await client.get('/orders', headers=reader, params={'stauts': 'shipped'}), 422)['fields'] == {
        'stauts': 'Extra inputs are not permitted'}


async def test_status_change_saves_reference_and_mails_the_customer_when_asked(client, shop, writer):
    order = await place(client, writer)
    response = await client.post(f'/orders/{order["code"]}/status', headers=writer, json={
        'status': 'shipped', 'reference': '1Z999AA10123456784', 'notify_customer': True,
        'expected_version': order['version']})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed['status'], changed['status_label'], changed['reference'], changed['version']) == \
        ('shipped', 'Order shipped', '1Z999AA10123456784', 2)
    mail = await OutboxMessage.get(channel='mail', event='order.status_changed')
    assert mail.recipient == 'ann@example.com'
    # the reference stays when it is not sent, and goes when it is sent empty
    kept = (await client.post(f'/orders/{order["code"]}/status', headers=writer, json={'status': 'completed'})).json()
    assert kept['reference'] == '1Z999AA10123456784'
    gone = (await client.post(f'/orders/{order["code"]}/status', headers=writer,
                              json={'status': 'completed', 'reference': ''})).json()
    assert gone['reference'] == '' and gone['version'] == 4
    entry = await LogEntry.filter(kind='order.status_changed').order_by('-id').first()
    assert entry.actor == 'API key "Point of sale"'


async def test_status_change_on_a_stale_version_is_409_with_the_order_as_it_is_now(client, shop, writer):
    order = await place(client, writer)
    stored = await Order.get(code=order['code'])
    await change_status(shop_id=shop.id, order_id=stored.id, expected_version=1, actor=ADMIN_EMAIL,
                        update=StatusUpdate(OrderStatus.PROCESSING, 'Packed by Mia'))
    response = await client.post(f'/orders/{order["code"]}/status', headers=writer,
                                 json={'status': 'cancelled', 'expected_version': 1})
    error = error_of(response, 409)
    assert error['code'] == 'changed_meanwhile' and ADMIN_EMAIL in error['message']
    assert (error['order']['status'], error['order']['reference'], error['order']['version']) == \
        ('processing', 'Packed by Mia', 2)
    assert (await Order.get(id=stored.id)).status is OrderStatus.PROCESSING


async def test_status_change_that_needs_confirmation_is_409_until_resent_with_confirm(client, shop, writer):
    order = await place(client, writer)
    await client.post(f'/orders/{order["code"]}/status', headers=writer, json={'status': 'awaiting_payment'})
    change = {'status': 'processing'}
    error = error_of(await client.post(f'/orders/{order["code"]}/status', headers=writer, json=change), 409)
    assert error['code'] == 'confirmation_needed' and '"confirm": true' in error['message']
    assert error['order']['status'] == 'awaiting_payment'
    response = await client.post(f'/orders/{order["code"]}/status', headers=writer, json={**change, 'confirm': True})
    assert response.status_code == 200 and response.json()['status'] == 'processing'


async def test_status_change_the_rules_forbid_is_409(client, shop, writer):
    order = await place(client, writer)
    await client.post(f'/orders/{order["code"]}/status', headers=writer, json={'status': 'cancelled'})
    error = error_of(await client.post(f'/orders/{order["code"]}/status', headers=writer,
                                       json={'status': 'shipped'}), 409)
    assert error['code'] == 'invalid_status_change'
    assert error['message'] == 'An order cannot go from "Cancelled" to "Order shipped".'


async def test_real_order_is_deleted_only_with_its_code_and_test_orders_at_once(client, shop, writer):
    real, test = await place(client, writer), await place(client, writer, quantity=5, is_test=True)
    assert (await Product.get(shop_id=shop.id, sku='FLT-100')).stock == 114
    error = error_of(await client.delete(f'/orders/{real["code"]}', headers=writer), 422)
    assert error['code'] == 'confirmation_needed' and error['fields'] == {'confirm_code': f'Must be {real["code"]}.'}
    response = await client.delete(f'/orders/{real["code"]}', headers=writer, params={'confirm_code': real['code']})
    assert response.status_code == 204 and response.content == b''
    assert (await client.delete(f'/orders/{test["code"]}', headers=writer)).status_code == 204
    assert await Order.all().count() == 0
    assert (await Product.get(shop_id=shop.id, sku='FLT-100')).stock == 119  # the test order's 5 came back
    assert error_of(await client.get(f'/orders/{real["code"]}', headers=writer), 404)['code'] == 'not_found'
    assert await LogEntry.filter(kind='order.deleted', actor='API key "Point of sale"').count() == 2


async def test_deleting_an_invoiced_order_cancels_and_credits_it(client, shop, writer):
    order = await place(client, writer)
    invoice = await issue_invoice(shop_id=shop.id, order_id=(await Order.get(code=order['code'])).id, actor='owner')
    response = await client.delete(f'/orders/{order["code"]}', headers=writer, params={'confirm_code': order['code']})
    assert response.status_code == 200
    body = response.json()
    note = await Invoice.get(kind='credit_note', credited_number=invoice.number)
    assert body['credit_notes'] == [note.number] and body['order']['status'] == 'cancelled'
    assert body['message'] == f'{order["code"]} has an invoice, so it stays for the accounts: it is cancelled and ' \
                              f'credit note {note.number} issued.'
    assert (await client.get(f'/orders/{order["code"]}', headers=writer)).json()['status'] == 'cancelled'


# ---- products


async def test_products_are_listed_by_page_and_read_by_sku(client, shop, reader):
    first = (await client.get('/products', headers=reader, params={'limit': 4})).json()
    rest = (await client.get('/products', headers=reader, params={'cursor': first['next_cursor']})).json()
    assert [p['sku'] for p in first['products'] + rest['products']] == [
        'COF-ESP-1K', 'BRW-DRP-01', 'MUG-SAG-35', 'KET-GN-1L', 'FLT-100', 'BOOK-BAR']
    assert rest['next_cursor'] is None
    product = (await client.get('/products/BOOK-BAR', headers=reader)).json()
    assert product == {'sku': 'BOOK-BAR', 'name': 'Barista cookbook', 'description': '', 'price': '32.00',
                       'vat_rate': '6.00', 'stock': 3, 'active': True, 'image_url': ''}
    assert error_of(await client.get('/products/NOPE', headers=reader), 404)['code'] == 'not_found'


async def test_stock_is_set_or_adjusted_but_never_below_zero(client, shop, writer):
    response = await client.patch('/products/BOOK-BAR', headers=writer, json={'stock': 10})
    assert response.status_code == 200 and response.json()['stock'] == 10
    response = await client.patch('/products/BOOK-BAR', headers=writer, json={'stock_change': -4})
    assert response.json()['stock'] == 6
    error = error_of(await client.patch('/products/BOOK-BAR', headers=writer, json={'stock_change': -7}), 409)
    assert error == {'code': 'insufficient_stock', 'message': 'BOOK-BAR has 6 in stock: it cannot go down by 7.'}
    for body in ({'stock': -1}, {'stock': 5, 'stock_change': 1}, {}, {'stock': 'many'}):
        assert error_of(await client.patch('/products/BOOK-BAR', headers=writer, json=body), 422)['code'] == \
            'validation_error'
    assert (await Product.get(shop_id=shop.id, sku='BOOK-BAR')).stock == 6
    entries = await LogEntry.filter(kind='product.stock').order_by('id').values_list('message', flat=True)
    assert entries == ['Stock of BOOK-BAR: 3 → 10', 'Stock of BOOK-BAR: 10 → 6']
    assert error_of(await client.patch('/products/NOPE', headers=writer, json={'stock': 1}), 404)['code'] == \
        'not_found'


# ---- one shop never sees another's


async def test_a_key_of_one_shop_never_sees_or_touches_another_shops_orders(client, shop, other_shop, writer):
    ours = await place(client, writer)
    theirs_key = await bearer(other_shop, label='Their till')
    theirs = await place(client, theirs_key)
    assert theirs['code'].startswith('OTHER-') and theirs['lines'][0]['name'] == 'Other filters'  # their product
    assert [o['code'] for o in (await client.get('/orders', headers=theirs_key)).json()['orders']] == \
        [theirs['code']]
    assert [o['code'] for o in (await client.get('/orders', headers=theirs_key,
                                                 params={'search': ours['code']})).json()['orders']] == []
    attempts = [client.get(f'/orders/{ours["code"]}', headers=theirs_key),
                client.post(f'/orders/{ours["code"]}/status', headers=theirs_key, json={'status': 'cancelled'}),
                client.delete(f'/orders/{ours["code"]}', headers=theirs_key, params={'confirm_code': ours['code']})]
    for attempt in attempts:
        assert error_of(await attempt, 404)['code'] == 'not_found'  # 404, not 403: nothing is given away
    assert (await Order.get(code=ours['code'])).status is OrderStatus.ORDER_RECEIVED
    # the same SKU names each shop's own product
    await client.patch('/products/FLT-100', headers=theirs_key, json={'stock': 2})
    assert (await Product.get(shop_id=shop.id, sku='FLT-100')).stock == 119
    assert (await client.get('/products/FLT-100', headers=writer)).json()['stock'] == 119
    assert [p['sku'] for p in (await client.get('/products', headers=theirs_key)).json()['products']] == ['FLT-100']


async def test_an_idempotency_key_is_per_shop(client, shop, other_shop, writer):
    theirs_key = await bearer(other_shop, label='Their till')
    ours = await client.post('/orders', headers={**writer, 'Idempotency-Key': 'shared'}, json=new_order())
    theirs = await client.post('/orders', headers={**theirs_key, 'Idempotency-Key': 'shared'}, json=new_order())
    assert (ours.status_code, theirs.status_code) == (201, 201)
    assert theirs.json()['code'].startswith('OTHER-')


# ---- the API's own edges


async def test_unknown_routes_methods_and_bodies_answer_json(client, shop, reader, writer):
    assert error_of(await client.get('/nothing/here', headers=reader), 404)['code'] == 'not_found'
    assert error_of(await client.get('/orders/a%0Ab/x', headers=reader), 404)['code'] == 'not_found'
    response = await client.put('/orders/DEMO-1001-HK', headers=reader)
    assert error_of(response, 405)['code'] == 'method_not_allowed'
    assert response.headers['allow'] == 'GET, DELETE'  # of every route of the path, not only the first
    error = error_of(await client.post('/orders', headers={**writer, 'Content-Type': 'application/json'},
                                       content=b'\xff\xfe'), 422)
    assert error['fields'] == {'body': 'The body is not valid JSON.'}


async def test_openapi_describes_only_the_api_with_bearer_auth(client, db):
    schema = (await client.get('/openapi.json')).json()
    assert set(schema['paths']) == {'/orders', '/orders/{code}', '/orders/{code}/status', '/orders/{code}/mark-paid',
                                    '/products', '/products/{sku}'}
    assert schema['servers'] == [{'url': '/api/v1'}]
    assert schema['components']['securitySchemes']['ApiKey'] == {
        'type': 'http', 'description': 'An API key from Settings > API keys: `Authorization: Bearer ok_live_…`.',
        'scheme': 'bearer'}
    assert 'HTTPValidationError' not in schema['components']['schemas']
    docs = await client.get('/docs')
    assert docs.status_code == 200 and '/api/v1/openapi.json' in docs.text
