"""Prepayment against the Mollie stand-in on a real loopback port: the real httpx client, the real notification."""

import secrets
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from domain.checkout import place_order
from domain.models import LogEntry, Order, OutboxMessage, Payment, PaymentStatus, Product, Shop
from domain.order_changes import StatusUpdate, change_status
from domain.payments import (
    MAX_ATTEMPTS,
    NotificationResult,
    OrderNotPayable,
    PaymentProviderError,
    PaymentRequest,
    TooManyAttempts,
    mark_as_paid,
    open_amount,
    record_payment_notification,
    start_payment,
)
from domain.schemas import parse_checkout
from domain.statuses import OrderStatus
from domain.webhook_payload import ORDER_PAID
from domain.webhooks import EndpointForm, create_endpoint
from integrations.payments.mollie import MollieProvider
from integrations.payments.mollie_standin import StandInServer
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture
def standin():
    server = StandInServer().start()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def mollie(standin):
    provider = MollieProvider(api_key='test_abcdefghijk', api_url=standin.url, timeout=2)
    yield provider
    await provider.aclose()


async def public_address(host: str, port: int) -> list[str]:
    return ['93.184.216.34']


async def an_order(shop: Shop, status: OrderStatus = OrderStatus.AWAITING_PAYMENT) -> Order:
    beans = await Product.get(shop_id=shop.id, sku='COF-ESP-1K')
    form = parse_checkout({'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1',
                           'postal_code': '9000', 'city': 'Gent', 'lines': [{'product_id': beans.id, 'quantity': 1}],
                           'idempotency_key': secrets.token_urlsafe(18)})
    placed = await place_order(shop=shop, form=form, initial_status=status)
    return await Order.get(id=placed.id)


async def pay(order: Order, mollie: MollieProvider, receiver: WebhookReceiver) -> Payment:
    return await start_payment(order=order, provider=mollie, redirect_url=f'https://shop.example/order/{order.token}',
                               webhook_url=receiver.url('/payments/webhook/mollie'))


def steer(standin: StandInServer, payment: Payment, status: str, **extra) -> dict:
    answer = httpx.post(f'{standin.url}/_standin/payments/{payment.provider_payment_id}',
                        json={'status': status, **extra})
    assert answer.status_code == 200
    return answer.json()


async def test_payment_is_created_with_amount_as_text_and_the_key_sent(shop, standin, mollie, receiver):
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    created = standin.standin.payments[payment.provider_payment_id]
    assert created.amount == {'currency': 'EUR', 'value': f'{order.total:.2f}'}
    assert created.description == f'Order {order.code}' and created.metadata == {'order_code': order.code}
    assert standin.standin.requests[0] == ('POST', '/v2/payments', 'Bearer test_abcdefghijk')
    assert payment.checkout_url == f'{standin.url}/checkout/{payment.provider_payment_id}'
    assert (payment.status, payment.amount, payment.order_code) == (PaymentStatus.OPEN, order.total, order.code)


async def test_paid_notification_moves_the_order_once_with_log_webhook_and_push(shop, standin, mollie, receiver):
    endpoint, _ = await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(
        url='https://pos.example/hook', events=[ORDER_PAID]), resolver=public_address)
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    steer(standin, payment, 'paid')
    assert parse_qs(receiver.requests[0].body.decode()) == {'id': [payment.provider_payment_id]}  # as Mollie posts

    for _ in range(3):  # Mollie repeats notifications; each one is fetched, only the first changes anything
        result = await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id)
        assert result in (NotificationResult.PAID, NotificationResult.UNCHANGED)
    order = await Order.get(id=order.id)
    assert order.status is OrderStatus.PAYMENT_RECEIVED and order.version == 2
    payment = await Payment.get(id=payment.id)
    assert (payment.status, payment.method) == (PaymentStatus.PAID, 'ideal') and payment.paid_at
    assert await LogEntry.filter(order_id=order.id, kind='order.paid').count() == 1
    hooks = await OutboxMessage.filter(order_id=order.id, event=ORDER_PAID, channel='webhook')
    assert [m.recipient for m in hooks] == [str(endpoint.id)]
    assert hooks[0].payload['payment']['amount'] == f'{order.total:.2f}'
    assert await OutboxMessage.filter(order_id=order.id, event=ORDER_PAID, channel='push').count() == 1
    assert await open_amount(order) == 0


async def test_late_open_or_failed_notification_after_paid_changes_nothing(shop, standin, mollie, receiver):
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    steer(standin, payment, 'paid', notify=False)
    assert await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id) \
        is NotificationResult.PAID
    steer(standin, payment, 'open', notify=False)  # a stale answer arriving late
    assert await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id) \
        is NotificationResult.UNCHANGED
    assert (await Payment.get(id=payment.id)).status is PaymentStatus.PAID
    assert (await Order.get(id=order.id)).version == 2


async def test_amount_mismatch_is_flagged_and_not_recorded(shop, standin, mollie, receiver):
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    steer(standin, payment, 'paid', value='0.01', notify=False)
    for _ in range(2):
        await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id)
    payment = await Payment.get(id=payment.id)
    assert payment.status is PaymentStatus.OPEN and 'instead of' in payment.flagged
    assert (await Order.get(id=order.id)).status is OrderStatus.AWAITING_PAYMENT
    assert await LogEntry.filter(order_id=order.id, kind='payment.flagged').count() == 1


async def test_wrong_currency_is_flagged(shop, standin, mollie, receiver):
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    steer(standin, payment, 'paid', currency='USD', notify=False)
    assert await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id) \
        is NotificationResult.FLAGGED
    assert (await Order.get(id=order.id)).status is OrderStatus.AWAITING_PAYMENT


@pytest.mark.parametrize('status', ['failed', 'canceled', 'expired'])
async def test_failed_or_cancelled_payment_leaves_the_order_payable_for_another_try(shop, standin, mollie, receiver,
                                                                                  status):
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    steer(standin, payment, status, notify=False)
    assert await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id) \
        is NotificationResult.UPDATED
    assert (await Payment.get(id=payment.id)).status == status
    order = await Order.get(id=order.id)
    assert order.status is OrderStatus.AWAITING_PAYMENT
    again = await pay(order, mollie, receiver)
    assert again.provider_payment_id != payment.provider_payment_id and again.amount == order.total


@pytest.mark.parametrize('status', [s for s in OrderStatus if s not in (OrderStatus.ORDER_RECEIVED,
                                                                         OrderStatus.AWAITING_PAYMENT)])
async def test_customer_cannot_pay_when_order_is_not_payable(shop, standin, mollie, receiver, status):
    order = await an_order(shop, status=status)
    with pytest.raises(OrderNotPayable, match='Your payment is OK'):
        await pay(order, mollie, receiver)
    assert standin.standin.payments == {} and await Payment.all().count() == 0


async def test_payment_for_an_order_cancelled_meanwhile_is_flagged_for_refund(shop, standin, mollie, receiver):
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    await change_status(shop_id=shop.id, order_id=order.id, expected_version=order.version, actor='owner@x',
                        update=StatusUpdate(status=OrderStatus.CANCELLED))
    steer(standin, payment, 'paid', notify=False)
    assert await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id) \
        is NotificationResult.REFUND_NEEDED
    assert 'refund needed' in (await Payment.get(id=payment.id)).flagged
    assert (await Order.get(id=order.id)).status is OrderStatus.CANCELLED


async def test_unknown_ids_are_ignored_without_asking_the_provider(shop, standin, mollie):
    for made_up in ('tr_doesnotexist', '../../v2/payments', ''):
        assert await record_payment_notification(provider=mollie, provider_payment_id=made_up) \
            is NotificationResult.UNKNOWN
    assert standin.standin.requests == []


async def test_a_notification_through_another_provider_name_cannot_settle_a_payment(shop, standin, mollie, receiver):
    order = await an_order(shop)
    payment = await pay(order, mollie, receiver)
    steer(standin, payment, 'paid', notify=False)
    other = MollieProvider(name='demo', api_key='test_abcdefghijk', api_url=standin.url)
    assert await record_payment_notification(provider=other, provider_payment_id=payment.provider_payment_id) \
        is NotificationResult.UNKNOWN
    await other.aclose()
    assert (await Order.get(id=order.id)).status is OrderStatus.AWAITING_PAYMENT


async def test_provider_500_is_retried_then_reported_without_the_key(shop, standin, mollie, receiver):
    order = await an_order(shop)
    standin.standin.next_errors = [500, 503]
    payment = await pay(order, mollie, receiver)  # third try succeeds
    assert payment.provider_payment_id.startswith('tr_')
    standin.standin.next_errors = [500, 500, 500]
    with pytest.raises(PaymentProviderError) as refused:
        await pay(order, mollie, receiver)
    assert 'test_abcdefghijk' not in str(refused.value)


async def test_provider_timeout_becomes_a_provider_error(shop, standin, receiver):
    order = await an_order(shop)
    standin.standin.delay = 1.5
    slow = MollieProvider(api_key='test_abcdefghijk', api_url=standin.url, timeout=0.3)
    with pytest.raises(PaymentProviderError, match='could not be reached'):
        await pay(order, slow, receiver)
    await slow.aclose()
    assert await Payment.all().count() == 0


async def test_bad_key_is_refused_with_mollies_401(shop, standin, receiver):
    order = await an_order(shop)
    wrong = MollieProvider(api_key='not-a-key', api_url=standin.url)
    with pytest.raises(PaymentProviderError, match='401'):
        await pay(order, wrong, receiver)
    await wrong.aclose()


@pytest.mark.parametrize('target', ['javascript:alert(document.domain)', 'data:text/html,x', '/order/abc', ''])
async def test_standin_refuses_a_redirect_url_that_is_no_web_address_as_mollie_does(shop, standin, mollie, target):
    order = await an_order(shop)
    with pytest.raises(PaymentProviderError, match='422: The redirect URL is invalid'):
        await start_payment(order=order, provider=mollie, redirect_url=target, webhook_url='')
    assert not standin.standin.payments and await Payment.all().count() == 0


async def test_a_checkout_link_that_is_no_web_address_is_never_where_customers_are_sent(shop, standin, mollie,
                                                                                        receiver):
    standin.standin.checkout_url = lambda payment_id: f'javascript:alert("{payment_id}")'
    order = await an_order(shop)
    with pytest.raises(PaymentProviderError, match='no web address'):
        await pay(order, mollie, receiver)
    assert await Payment.all().count() == 0


async def test_open_amount_is_what_is_left_after_payments(shop, standin, mollie, receiver):
    order = await an_order(shop, status=OrderStatus.ORDER_RECEIVED)
    assert await open_amount(order) == order.total > Decimal(0)


async def test_admin_marks_a_bank_transfer_paid_and_it_is_recorded_as_who_did_it(shop):
    order = await an_order(shop)
    await mark_as_paid(shop_id=shop.id, order_id=order.id, actor='owner@x')
    order = await Order.get(id=order.id)
    assert order.status is OrderStatus.PAYMENT_RECEIVED
    payment = await Payment.get(order_id=order.id)
    assert (payment.provider, payment.status, payment.amount) == ('manual', PaymentStatus.PAID, order.total)
    entry = await LogEntry.get(order_id=order.id, kind='order.paid')
    assert entry.actor == 'owner@x'
    with pytest.raises(OrderNotPayable):
        await mark_as_paid(shop_id=shop.id, order_id=order.id, actor='owner@x')


async def test_many_attempts_in_a_short_time_are_refused_and_flagged_once(shop, standin, mollie, receiver):
    order = await an_order(shop)
    for _ in range(MAX_ATTEMPTS):
        await pay(order, mollie, receiver)
    for _ in range(2):
        with pytest.raises(TooManyAttempts):
            await pay(order, mollie, receiver)
    assert len(standin.standin.payments) == MAX_ATTEMPTS
    assert await LogEntry.filter(order_id=order.id, kind='payment.flagged').count() == 1


async def test_a_notification_for_a_payment_of_shop_a_cannot_mark_an_order_of_shop_b_paid(shop, standin, mollie,
                                                                                         receiver):
    other = await Shop.create(name='Other shop', code_prefix='OTHR', email='other@shop.example')
    await Product.create(shop=other, sku='COF-ESP-1K', name='Espresso beans, 1 kg', price=Decimal('24.95'),
                         vat_rate=Decimal(6), stock=10)
    theirs = await an_order(other)
    ours = await an_order(shop)
    # a payment made at the provider for shop B's order, not started by Orderly: its notification is ignored
    forged = await mollie.create_payment(PaymentRequest(
        amount=theirs.total, currency='EUR', description=f'Order {theirs.code}', redirect_url='https://x.example/',
        webhook_url=receiver.url('/payments/webhook/mollie'), metadata={'order_code': theirs.code}))
    httpx.post(f'{standin.url}/_standin/payments/{forged.provider_payment_id}', json={'status': 'paid'})
    result = await record_payment_notification(provider=mollie, provider_payment_id=forged.provider_payment_id)
    assert result is NotificationResult.UNKNOWN
    # shop A's own payment, paid: only shop A's order moves
    payment = await pay(ours, mollie, receiver)
    steer(standin, payment, 'paid')
    await record_payment_notification(provider=mollie, provider_payment_id=payment.provider_payment_id)
    assert (await Order.get(id=ours.id)).status is OrderStatus.PAYMENT_RECEIVED
    assert (await Order.get(id=theirs.id)).status is OrderStatus.AWAITING_PAYMENT
    assert await Payment.filter(shop_id=other.id).count() == 0
    assert await LogEntry.filter(shop_id=other.id, kind__in=['order.paid', 'payment.received']).count() == 0
