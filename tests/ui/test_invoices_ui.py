"""The order detail's invoice card with NiceGUI's simulated User: issue, download, credit; the route's guard."""

import datetime as dt

import httpx
import pytest
from nicegui import app
from nicegui.testing import User

from domain import admin_auth
from domain.invoices import issue_invoice
from domain.models import AdminUser, Invoice, Order, Shop
from tests.conftest import ADMIN_EMAIL
from tests.ui.test_admin_orders import customer_orders, sign_in


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def test_merchant_issues_an_invoice_downloads_it_and_credits_it(user: User):
    code = await customer_orders('Ann Peeters', quantity=2)
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see(marker='issue-invoice', retries=20)
    user.find(marker='issue-invoice').click()
    await user.should_see(marker='confirm-invoice', retries=20)  # issuing asks first
    user.find(marker='confirm-invoice').click()
    number = f'{dt.datetime.now(dt.UTC).year}-000001'
    await user.should_see(f'Invoice {number}', retries=50)
    invoice = await Invoice.get(number=number)
    assert invoice.pdf and invoice.order_code == code
    response = await user.http_client.get(f'/admin/invoices/{invoice.id}.pdf')
    assert response.status_code == 200 and response.content == invoice.pdf
    assert response.headers['content-type'] == 'application/pdf'
    assert response.headers['content-disposition'] == f'inline; filename="invoice-{number}.pdf"'
    user.find(marker='credit-invoice').click()
    await user.should_see(marker='confirm-credit', retries=20)
    user.find(marker='confirm-credit').click()
    await user.should_see(f'Credit note CN-{number}', retries=50)
    assert await Invoice.filter(order_code=code).count() == 2


async def test_delete_on_an_invoiced_order_cancels_and_credits_it_in_the_detail(user: User):
    code = await customer_orders('Ann Peeters')
    order = await Order.get(code=code)
    invoice = await issue_invoice(shop_id=order.shop_id, order_id=order.id, actor='owner@x')
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see(f'Invoice {invoice.number}', retries=50)
    user.find(marker='delete-section').click()
    user.find(marker='confirm-code').type(code)
    user.find(marker='delete-order').click()
    await user.should_see(f'{code} has an invoice, so it stays for the accounts: it is cancelled and credit note '
                          f'CN-{invoice.number} issued.', retries=50)
    await user.should_see(f'Credit note CN-{invoice.number}', retries=50)
    assert user.find(marker='status-badge').elements.pop().text == 'Cancelled'
    assert (await Order.get(code=code)).status.value == 'cancelled'
    await user.should_not_see(marker='changed-elsewhere')


async def test_the_invoice_download_needs_the_signed_in_admin_of_its_shop(user: User):
    code = await customer_orders()
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see(marker='issue-invoice', retries=20)
    user.find(marker='issue-invoice').click()
    await user.should_see(marker='confirm-invoice', retries=20)  # issuing asks first
    user.find(marker='confirm-invoice').click()
    await user.should_see(marker='invoice-link', retries=50)
    invoice = await Invoice.get(order_code=code)
    path = f'/admin/invoices/{invoice.id}.pdf'
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as stranger:
        assert (await stranger.get(path)).status_code == 403
    for wrong in ('/admin/invoices/999.pdf', '/admin/invoices/abc.pdf', '/admin/invoices/99999999999999.pdf'):
        assert (await user.http_client.get(wrong)).status_code == 404
    other_shop = await Shop.create(name='Other', code_prefix='OTHR')
    await AdminUser.filter(email=ADMIN_EMAIL).update(shop_id=other_shop.id)
    assert (await user.http_client.get(path)).status_code == 404


async def test_the_customer_downloads_the_invoice_from_the_order_page(user: User):
    code = await customer_orders()
    order = await Order.get(code=code)
    await user.open(f'/order/{order.token}')
    await user.should_see(code)
    await user.should_not_see(marker='customer-invoices')
    invoice = await issue_invoice(shop_id=order.shop_id, order_id=order.id, actor='owner@x')
    await user.open(f'/order/{order.token}')
    await user.should_see(f'Invoice {invoice.number} (PDF)')
    response = await user.http_client.get(f'/order/{order.token}/invoices/{invoice.id}.pdf')
    assert response.status_code == 200 and response.content.startswith(b'%PDF')
    other = await Order.get(code=await customer_orders('Bert Claes'))
    for wrong in (f'/order/{other.token}/invoices/{invoice.id}.pdf', f'/order/nope/invoices/{invoice.id}.pdf',
                  f'/order/{order.token}/invoices/x.pdf'):
        assert (await user.http_client.get(wrong)).status_code == 404
