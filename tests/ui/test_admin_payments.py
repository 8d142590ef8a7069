"""The merchant's side of payments: Settings > Checkout payment methods, the order's payment attempts, mark as paid."""

from nicegui.testing import User

from domain.catalogue import default_shop
from domain.models import LogEntry, Order, Payment, PaymentSettings
from domain.statuses import OrderStatus
from tests.ui.test_admin_orders import customer_orders, sign_in


async def test_owner_offers_bank_transfer_with_a_checked_iban(user: User):
    await sign_in(user)
    await user.open('/admin/settings/checkout')
    await user.should_see('Payment methods', retries=50)
    user.find(marker='bank_transfer').click()
    user.find(marker='save-payment-methods').click()
    await user.should_see('Please enter the IBAN customers transfer to.', retries=50)
    user.find(marker='iban').type('BE68 5390 0754 7035')
    user.find(marker='save-payment-methods').click()
    await user.should_see('Please enter a valid IBAN, like BE68 5390 0754 7034.', retries=50)
    user.find(marker='iban').clear().type('be68 5390 0754 7034')
    user.find(marker='online').click()
    user.find(marker='auto_cancel_days').type('two weeks')
    user.find(marker='save-payment-methods').click()
    await user.should_see('Please enter 1 to 90 days, or leave it empty for never.', retries=50)
    user.find(marker='auto_cancel_days').clear().type('14')
    user.find(marker='save-payment-methods').click()
    await user.should_see('Saved: the checkout offers these payment methods from now on.', retries=50)
    settings = await PaymentSettings.get(shop_id=(await default_shop()).id)
    assert (settings.bank_transfer, settings.iban, settings.online) == (True, 'BE68539007547034', True)
    assert settings.auto_cancel_days == 14
    entry = await LogEntry.get(kind='settings.checkout')
    assert entry.actor == 'owner@demo-shop.example' and 'Payment methods changed' in entry.message

    await user.open('/')
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await user.should_see('Pay online now')
    await user.should_see('Bank transfer')


async def test_merchant_marks_a_bank_transfer_as_paid(user: User):
    code = await customer_orders('Ann Peeters')
    await Order.filter(code=code).update(status=OrderStatus.AWAITING_PAYMENT)
    await sign_in(user)
    await user.open(f'/admin/orders/{code.lower()}')
    await user.should_see('No payment attempts.', retries=50)
    user.find(marker='mark-paid').click()
    await user.should_see(marker='confirm-mark-paid', retries=50)
    user.find(marker='confirm-mark-paid').click()
    await user.should_see(f'{code} marked as paid.', retries=50)
    order = await Order.get(code=code)
    assert order.status is OrderStatus.PAYMENT_RECEIVED
    assert (await Payment.get(order_id=order.id)).provider == 'manual'
    assert (await LogEntry.get(order_id=order.id, kind='order.paid')).actor == 'owner@demo-shop.example'
