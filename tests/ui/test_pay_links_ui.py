"""The pay link leads somewhere, or there is none: the mail as the Mailbox keeps it, the order page, the pay page."""

import asyncio
import email
import email.policy
import re

from nicegui import ui
from nicegui.testing import User

from domain.catalogue import default_shop
from domain.models import MailboxMail, Order, Payment, PaymentStatus
from domain.payment_settings import PaymentOptions, update_payment_methods
from domain.statuses import OrderStatus
from tests.ui.test_checkout_flow import fill_checkout


async def place_shipping_order(user: User) -> Order:
    await user.open('/')
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await fill_checkout(user)
    user.find(marker='place-order').click()
    for _ in range(100):
        if order := await Order.first():
            return order
        await asyncio.sleep(0.05)
    raise AssertionError('no order placed')


async def confirmation_mail(code: str) -> tuple[str, str]:
    """The customer's confirmation as the Mailbox keeps it (no SMTP server set up): its text and HTML."""
    for _ in range(200):
        if kept := await MailboxMail.get_or_none(recipient='ann@example.com', order_code=code):
            mail = email.message_from_string(kept.source, policy=email.policy.default)
            return tuple(mail.get_body((kind,)).get_content() for kind in ('plain', 'html'))
        await asyncio.sleep(0.05)
    raise AssertionError('no confirmation in the Mailbox')


def panel_texts(user: User) -> list[str]:
    [panel] = user.find(marker='payment-panel').elements
    return [element.text for element in panel.descendants() if isinstance(element, ui.label)]


async def test_demo_shop_as_installed_offers_no_pay_link_and_no_empty_payment_card(user: User):
    order = await place_shipping_order(user)
    await user.should_see('Thank you, Ann Peeters!', retries=50)
    assert order.status is OrderStatus.ORDER_RECEIVED
    texts = panel_texts(user)
    assert texts[0] == 'Payment' and len(texts) > 1  # never a card with only its title
    assert 'Still to pay: € 13.90' in texts and 'The shop will tell you how to pay.' in texts
    await user.should_not_see(marker='pay-now')
    text, html = await confirmation_mail(order.code)
    assert '/pay' not in text and '/pay' not in html
    assert 'The shop will tell you how to pay.' in text
    await user.open(f'/order/{order.token}/pay')  # typed by hand: how to pay, not "not available"
    await user.should_see('The shop will tell you how to pay.')
    await user.should_not_see('Online payment is not available')


async def test_bank_transfer_page_shows_the_details_and_no_pay_button(user: User):
    await user.open('/')
    shop = await default_shop()
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(
        bank_transfer=True, iban='BE68 5390 0754 7034'))
    order = await place_shipping_order(user)
    await user.should_see('Thank you, Ann Peeters!', retries=50)
    assert (await Order.get(id=order.id)).status is OrderStatus.AWAITING_PAYMENT
    await user.should_see('BE68 5390 0754 7034')
    await user.should_see('In the name of Demo shop')
    await user.should_see(f'Reference: {order.code}')
    await user.should_not_see(marker='pay-now')
    text, html = await confirmation_mail(order.code)
    assert '/pay' not in text and '/pay' not in html and 'IBAN: BE68 5390 0754 7034' in text


async def test_with_the_demo_provider_the_mails_link_takes_the_open_amount(user: User):
    await user.open('/')
    shop = await default_shop()
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(online=True))
    order = await place_shipping_order(user)
    await user.should_see('Demo payment provider · no real money', retries=50)  # the checkout went there
    await user.open(f'/order/{order.token}')
    await user.should_see('We are waiting for the payment provider to confirm your payment.', retries=50)
    text, html = await confirmation_mail(order.code)
    [path] = {match for match in re.findall(r'href="https?://[^/"]+(/order/[^"]+/pay)"', html)}
    assert path == f'/order/{order.token}/pay' and path in text
    await user.open(path)  # followed: the provider's page for the open amount
    await user.should_see('Demo payment provider · no real money', retries=50)
    assert user.find(marker='demo-amount').elements.pop().text == 'EUR 13.90'
    user.find(marker='demo-pay').click()
    await user.should_see('Payment received', retries=100)
    assert (await Order.get(id=order.id)).status is OrderStatus.PAYMENT_RECEIVED
    assert await Payment.filter(order_id=order.id, status=PaymentStatus.PAID).count() == 1
    await user.should_not_see(marker='payment-panel')  # nothing left to pay: no card
