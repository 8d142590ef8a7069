import pytest

from domain.errors import InvalidStatusChange
from domain.statuses import (
    ALLOWED_CHANGES,
    PROCESSING_WHILE_PAYMENT_EXPECTED,
    OrderStatus,
    check_status_change,
    is_payable,
    statuses_offered,
)

S = OrderStatus


def test_statuses_carry_the_seeds_wording():
    assert [s.label for s in S] == ['Order received', 'Waiting for payment', 'Payment received', 'Processing order',
                                    'Order shipped', 'Ready for pickup', 'Completed', 'Cancelled']


@pytest.mark.parametrize('status', list(S))
def test_customer_can_pay_only_when_received_or_waiting_for_payment(status):
    assert is_payable(status) == (status in {S.ORDER_RECEIVED, S.AWAITING_PAYMENT})


def test_every_status_has_a_row_in_the_change_table():
    assert set(ALLOWED_CHANGES) == set(S)
    assert all(status not in targets for status, targets in ALLOWED_CHANGES.items())


def test_processing_while_payment_expected_returns_a_warning_to_confirm():
    assert check_status_change(S.AWAITING_PAYMENT, S.PROCESSING) == PROCESSING_WHILE_PAYMENT_EXPECTED
    assert check_status_change(S.PAYMENT_RECEIVED, S.PROCESSING) is None


def test_merchant_cannot_move_a_paid_order_back_to_waiting_for_payment():
    with pytest.raises(InvalidStatusChange, match='"Payment received" to "Waiting for payment"'):
        check_status_change(S.PAYMENT_RECEIVED, S.AWAITING_PAYMENT)


def test_cancelled_order_can_only_be_reopened():
    assert ALLOWED_CHANGES[S.CANCELLED] == {S.ORDER_RECEIVED, S.AWAITING_PAYMENT}
    with pytest.raises(InvalidStatusChange):
        check_status_change(S.CANCELLED, S.SHIPPED)


def test_an_order_to_ship_is_never_offered_ready_for_pickup_nor_one_to_collect_shipped():
    assert statuses_offered(S.PROCESSING, 'shipping') == [S.PAYMENT_RECEIVED, S.PROCESSING, S.SHIPPED, S.COMPLETED,
                                                          S.CANCELLED]
    assert statuses_offered(S.PROCESSING, 'pickup') == [S.PAYMENT_RECEIVED, S.PROCESSING, S.READY_FOR_PICKUP,
                                                        S.COMPLETED, S.CANCELLED]
    assert statuses_offered(S.CANCELLED, 'shipping') == [S.ORDER_RECEIVED, S.AWAITING_PAYMENT, S.CANCELLED]
    with pytest.raises(InvalidStatusChange, match='"Ready for pickup" is not a status for an order to ship'):
        check_status_change(S.PROCESSING, S.READY_FOR_PICKUP, 'shipping')
    with pytest.raises(InvalidStatusChange, match='"Order shipped" is not a status for an order to collect'):
        check_status_change(S.PROCESSING, S.SHIPPED, 'pickup')
