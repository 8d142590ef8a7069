"""The customer pays online with the built-in demo provider: checkout -> provider page -> back on the order page."""

import sys

from nicegui.testing import User

from domain.catalogue import default_shop
from domain.models import LogEntry, Order, Payment, PaymentStatus
from domain.payment_settings import PaymentOptions, update_payment_methods
from domain.statuses import OrderStatus
from tests.ui.test_checkout_flow import fill_checkout


def demo_standin():
    """The demo provider of the app as composed for this test (NiceGUI runs main.py afresh for each one)."""
    return sys.modules['integrations.payments.demo']._current['standin']


async def offer_online_payment() -> None:
    shop = await default_shop()
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(
        online=True, bank_transfer=True, iban='BE68 5390 0754 7034'))


async def test_customer_cancels_then_tries_again_and_pays(user: User):
    await user.open('/')
    await offer_online_payment()
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await user.should_see('Pay online now')
    await fill_checkout(user)
    user.find(marker='place-order').click()
    await user.should_see('Demo payment provider · no real money', retries=30)  # order, payment, provider page
    order = await Order.get()
    assert order.status is OrderStatus.AWAITING_PAYMENT
    await user.should_see(f'Order {order.code}')

    user.find(marker='demo-cancel').click()
    await user.should_see('Your payment was cancelled.', retries=30)
    assert (await Payment.get()).status is PaymentStatus.CANCELED
    user.find(marker='try-again').click()
    await user.should_see('Demo payment provider · no real money', retries=30)
    user.find(marker='demo-pay').click()
    await user.should_see('Thank you, Ann Peeters!', retries=30)
    await user.should_see('Payment received')
    order = await Order.get()
    assert order.status is OrderStatus.PAYMENT_RECEIVED
    assert [p.status for p in await Payment.all().order_by('id')] == [PaymentStatus.CANCELED, PaymentStatus.PAID]
    assert await LogEntry.filter(order_id=order.id, kind='order.paid').count() == 1

    await user.open(f'/order/{order.token}/pay')  # the link in the mail, once paid
    await user.should_see('Your payment is OK.')
    assert await Payment.all().count() == 2


async def test_bank_transfer_shows_iban_and_order_code_as_reference(user: User):
    await user.open('/')
    await offer_online_payment()
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    user.find('Bank transfer').click()
    await fill_checkout(user)
    user.find(marker='place-order').click()
    await user.should_see('Thank you, Ann Peeters!', retries=30)
    order = await Order.get()
    assert order.status is OrderStatus.AWAITING_PAYMENT
    await user.should_see('BE68 5390 0754 7034')
    await user.should_see(f'Reference: {order.code}')
    assert await Payment.all().count() == 0


async def test_provider_webhook_refuses_junk_without_a_server_error(user: User):
    await user.open('/')
    client = user.http_client
    assert (await client.post('/payments/webhook/demo', data={'id': 'tr_unknown'})).status_code == 200
    assert (await client.post('/payments/webhook/demo', content=b'\x00\xff',
                              headers={'content-type': 'multipart/form-data; boundary=x'})).status_code in (200, 400)
    assert (await client.post('/payments/webhook/nobody', data={'id': 'tr_1'})).status_code == 404
    assert (await client.post('/payments/webhook/demo', json={'id': 'tr_1'})).status_code == 200


async def test_order_page_waits_for_the_notification_and_then_shows_it(user: User):
    await user.open('/')
    await offer_online_payment()
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await fill_checkout(user)
    user.find(marker='place-order').click()
    await user.should_see('Demo payment provider · no real money', retries=30)
    order, payment = await Order.get(), await Payment.get()
    await user.open(f'/order/{order.token}')  # back before the provider told us anything
    await user.should_see('We are waiting for the payment provider to confirm your payment.')
    await demo_standin().set_status(payment.provider_payment_id, 'paid')  # and now the provider calls the webhook
    await user.should_see('Payment received', retries=100)  # the page looks again every 3 s
    await user.should_not_see(marker='payment-panel')
