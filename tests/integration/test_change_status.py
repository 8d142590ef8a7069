"""The merchant changes an order's status: history, customer mail in the outbox, no silent overwrite."""

import secrets

import pytest

from domain.checkout import place_order
from domain.errors import InvalidStatusChange
from domain.events import OrderStatusChanged, hub
from domain.models import LogEntry, Order, OutboxMessage, Product
from domain.order_changes import ChangedMeanwhile, ConfirmationNeeded, StatusUpdate, change_status
from domain.schemas import parse_checkout
from domain.statuses import PROCESSING_WHILE_PAYMENT_EXPECTED, OrderStatus
from domain.webhooks import EndpointForm, create_endpoint

S = OrderStatus


async def new_order(shop, status: S = S.ORDER_RECEIVED) -> Order:
    product = await Product.get(sku='FLT-100')
    form = parse_checkout({'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1',
                           'postal_code': '9000', 'city': 'Gent', 'lines': [{'product_id': product.id, 'quantity': 1}],
                           'idempotency_key': secrets.token_urlsafe(18)})
    placed = await place_order(shop=shop, form=form, initial_status=status)
    return await Order.get(id=placed.id)


async def test_shipping_with_tracking_code_is_logged_and_mails_the_customer(shop):
    await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(
        url='https://pos.example.com/orderly', events=['order.status_changed']))
    order = await new_order(shop)
    seen = []
    hub.subscribe(OrderStatusChanged, seen.append)
    saved = await change_status(shop_id=shop.id, order_id=order.id, expected_version=order.version, actor='owner@x',
                                update=StatusUpdate(S.SHIPPED, reference=' 3S123456789 ', notify_customer=True))
    assert (saved.status, saved.reference, saved.version) == (S.SHIPPED, '3S123456789', 2)
    log = await LogEntry.get(order_id=order.id, kind='order.status_changed')
    assert log.actor == 'owner@x'
    assert log.message == f'{order.code}: status Order received → Order shipped, reference "3S123456789"'
    mail = await OutboxMessage.get(order_id=order.id, template='status_update')
    assert (mail.recipient, mail.payload['status'], mail.payload['reference']) == ('ann@example.com', 'shipped',
                                                                                   '3S123456789')
    assert await OutboxMessage.filter(order_id=order.id, event='order.status_changed', channel='webhook').count() == 1
    assert [(e.code, e.status, e.version) for e in seen] == [(order.code, S.SHIPPED, 2)]


async def test_no_customer_mail_unless_the_box_is_ticked(shop):
    order = await new_order(shop)
    await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(S.PROCESSING))
    assert not await OutboxMessage.filter(order_id=order.id, template='status_update').exists()


async def test_second_admin_saving_a_stale_order_is_refused_and_names_the_first(shop):
    order = await new_order(shop)
    await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='first@x',
                        update=StatusUpdate(S.PROCESSING))
    with pytest.raises(ChangedMeanwhile, match='changed by first@x meanwhile: it now says "Processing order"'):
        await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='second@x',
                            update=StatusUpdate(S.CANCELLED))
    assert (await Order.get(id=order.id)).status is S.PROCESSING


async def test_processing_while_waiting_for_payment_needs_confirmation(shop):
    order = await new_order(shop, S.AWAITING_PAYMENT)
    with pytest.raises(ConfirmationNeeded, match=PROCESSING_WHILE_PAYMENT_EXPECTED):
        await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='owner@x',
                            update=StatusUpdate(S.PROCESSING))
    assert (await Order.get(id=order.id)).status is S.AWAITING_PAYMENT
    saved = await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='owner@x',
                                update=StatusUpdate(S.PROCESSING), confirmed=True)
    assert saved.status is S.PROCESSING


async def test_disallowed_change_changes_nothing(shop):
    order = await new_order(shop)
    await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(S.CANCELLED))
    with pytest.raises(InvalidStatusChange):
        await change_status(shop_id=shop.id, order_id=order.id, expected_version=2, actor='owner@x',
                            update=StatusUpdate(S.SHIPPED))
    assert (await Order.get(id=order.id)).version == 2


async def test_an_order_of_another_shop_cannot_be_changed(shop):
    order = await new_order(shop)
    with pytest.raises(Exception, match='no longer exists'):
        await change_status(shop_id=shop.id + 1, order_id=order.id, expected_version=1, actor='x',
                            update=StatusUpdate(S.CANCELLED))
