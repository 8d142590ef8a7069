"""Issuing an invoice takes a number for good: the merchant confirms first, told the number, the series and the
totals, and warned when the buyer has no VAT number."""

import datetime as dt

from nicegui.testing import User

from domain.models import Invoice, Order
from tests.ui.test_admin_orders import customer_orders, sign_in


async def open_issue_dialog(user: User, code: str) -> None:
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see(marker='issue-invoice', retries=20)
    user.find(marker='issue-invoice').click()
    await user.should_see(marker='confirm-invoice', retries=20)


async def test_issue_invoice_asks_first_with_number_series_and_totals(user: User):
    code = await customer_orders('Ann Peeters', quantity=2)
    await open_issue_dialog(user, code)
    number = f'{dt.datetime.now(dt.UTC).year}-000001'
    await user.should_see(f'Issue invoice {number} for {code}?')
    await user.should_see('Number series {year}-{seq:06d}')
    order = await Order.get(code=code)
    await user.should_see(f'Total € {order.total:.2f}, of which VAT € {order.vat_total:.2f}')
    await user.should_see(marker='no-vat-warning')  # a guest order has no VAT number
    assert await Invoice.all().count() == 0  # nothing issued by the first click
    user.find('Cancel').click()
    assert await Invoice.all().count() == 0


async def test_confirming_issues_the_invoice(user: User):
    code = await customer_orders('Ann Peeters')
    await open_issue_dialog(user, code)
    user.find(marker='confirm-invoice').click()
    await user.should_see(f'Invoice {dt.datetime.now(dt.UTC).year}-000001', retries=50)
    assert await Invoice.filter(order_code=code).count() == 1


async def test_an_order_with_a_vat_number_gets_no_warning(user: User):
    code = await customer_orders('Ann Peeters')
    await Order.filter(code=code).update(vat_number='BE0123456749')
    await open_issue_dialog(user, code)
    await user.should_see('Buyer VAT number BE0123456749')
    await user.should_not_see(marker='no-vat-warning')
