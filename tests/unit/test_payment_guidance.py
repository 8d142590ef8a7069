"""The rule behind every pay link and payment instruction, without a database (domain/payment_guidance.py)."""

from decimal import Decimal
from types import SimpleNamespace

from domain.payment_guidance import BankTransfer, PayLater, PayOnline, PayOnPickup, how_to_pay
from domain.payment_settings import PaymentOptions
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus

IBAN = 'BE68539007547034'


def order(status=OrderStatus.AWAITING_PAYMENT, delivery=DeliveryMethod.SHIPPING):
    return SimpleNamespace(status=status, delivery_method=delivery, token='tok', code='DEMO-1001-HK', currency='EUR')


def ways(options, the_order=None, amount='13.90', providers=('demo',)):
    return how_to_pay(options, the_order or order(), amount=Decimal(amount), beneficiary='Demo shop',
                      pickup_address='Grote Markt 1', providers=providers).ways


def test_pay_link_only_with_a_provider_this_installation_has():
    assert ways(PaymentOptions(online=True)) == (PayOnline('/order/tok/pay', 'demo'),)
    assert ways(PaymentOptions(online=True, provider='mollie')) == (PayLater(),)  # no Mollie key here
    assert ways(PaymentOptions(online=True, provider='mollie'), providers=('demo', 'mollie'))[0].provider == 'mollie'


def test_nothing_open_means_no_way_and_no_link():
    guidance = how_to_pay(PaymentOptions(online=True), order(), amount=Decimal('0'), beneficiary='', pickup_address='',
                          providers=('demo',))
    assert guidance.nothing_to_pay and guidance.pay_path is None and guidance.instructions() == ''


def test_a_collection_paid_at_the_pickup_is_not_asked_for_a_transfer():
    options = PaymentOptions(pay_on_pickup=True, bank_transfer=True, iban=IBAN)
    assert ways(options, order(OrderStatus.ORDER_RECEIVED, DeliveryMethod.PICKUP)) == (PayOnPickup('Grote Markt 1'),)
    assert ways(options, order(OrderStatus.AWAITING_PAYMENT, DeliveryMethod.PICKUP)) == (
        BankTransfer('BE68 5390 0754 7034', 'Demo shop', 'DEMO-1001-HK'), PayOnPickup('Grote Markt 1'))
