"""The payment rules of the seed and Settings > Checkout, without database or network."""

import pytest

from domain.errors import InvalidCheckout
from domain.payment_settings import PaymentMethod, PaymentOptions, grouped_iban, normalized_iban
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus, is_payable

PICKUP, SHIPPING = DeliveryMethod.PICKUP, DeliveryMethod.SHIPPING


@pytest.mark.parametrize('status', list(OrderStatus))
def test_customer_can_pay_only_while_order_received_or_waiting_for_payment(status):
    assert is_payable(status) == (status in (OrderStatus.ORDER_RECEIVED, OrderStatus.AWAITING_PAYMENT))


def test_pay_on_pickup_is_offered_only_with_pickup():
    options = PaymentOptions(pay_on_pickup=True, bank_transfer=True, iban='BE68539007547034', online=True)
    assert options.methods(PICKUP) == [PaymentMethod.ONLINE, PaymentMethod.BANK_TRANSFER, PaymentMethod.PAY_ON_PICKUP]
    assert options.methods(SHIPPING) == [PaymentMethod.ONLINE, PaymentMethod.BANK_TRANSFER]


def test_orders_needing_prepayment_start_waiting_for_payment():
    options = PaymentOptions(pay_on_pickup=True, bank_transfer=True, iban='BE68539007547034', online=True)
    assert options.initial_status(SHIPPING, PaymentMethod.ONLINE) is OrderStatus.AWAITING_PAYMENT
    assert options.initial_status(SHIPPING, PaymentMethod.BANK_TRANSFER) is OrderStatus.AWAITING_PAYMENT
    assert options.initial_status(PICKUP, PaymentMethod.PAY_ON_PICKUP) is OrderStatus.ORDER_RECEIVED
    with pytest.raises(InvalidCheckout):
        options.initial_status(SHIPPING, PaymentMethod.PAY_ON_PICKUP)


def test_a_shop_without_payment_methods_takes_orders_as_before():
    assert PaymentOptions().initial_status(SHIPPING, None) is OrderStatus.ORDER_RECEIVED


def test_bank_transfer_without_iban_is_not_offered():
    assert PaymentOptions(pay_on_pickup=False, bank_transfer=True).methods(SHIPPING) == []


def test_iban_is_checked_and_grouped():
    assert normalized_iban('be68 5390 0754 7034') == 'BE68539007547034'
    assert normalized_iban('BE68 5390 0754 7035') == ''  # one digit off
    assert grouped_iban('BE68539007547034') == 'BE68 5390 0754 7034'
