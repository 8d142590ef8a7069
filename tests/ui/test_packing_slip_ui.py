"""The order detail's "Download packing slip" and its route's guard, with NiceGUI's simulated User."""

import httpx
import pytest
from nicegui import app
from nicegui.testing import User

from domain import admin_auth
from domain.models import AdminUser, Shop
from tests.conftest import ADMIN_EMAIL
from tests.ui.test_admin_orders import customer_orders, sign_in


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def test_merchant_downloads_the_packing_slip_of_an_order(user: User):
    code = await customer_orders('Ann Peeters', quantity=2)
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see(marker='packing-slip')
    response = await user.http_client.get(f'/admin/orders/{code}/packing-slip.pdf')
    assert response.status_code == 200
    assert response.headers['content-type'] == 'application/pdf'
    assert response.headers['content-disposition'] == f'inline; filename="packing-slip-{code}.pdf"'
    assert response.content.startswith(b'%PDF')
    lowercase = await user.http_client.get(f'/admin/orders/{code.lower()}/packing-slip.pdf')
    assert lowercase.status_code == 200


async def test_the_packing_slip_needs_the_signed_in_admin_of_the_orders_shop(user: User):
    code = await customer_orders()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as stranger:
        refused = await stranger.get(f'/admin/orders/{code}/packing-slip.pdf')
        assert refused.status_code == 403 and not refused.content.startswith(b'%PDF')
    await sign_in(user)
    assert (await user.http_client.get('/admin/orders/NOPE-1/packing-slip.pdf')).status_code == 404
    assert (await user.http_client.get('/admin/orders/%2E%2E%2Fx/packing-slip.pdf')).status_code == 404
    other_shop = await Shop.create(name='Other', code_prefix='OTHR')
    await AdminUser.filter(email=ADMIN_EMAIL).update(shop_id=other_shop.id)
    assert (await user.http_client.get(f'/admin/orders/{code}/packing-slip.pdf')).status_code == 404


async def test_merchant_downloads_the_slips_of_selected_orders_in_one_pdf(user: User):
    first, second = await customer_orders('Ann Peeters'), await customer_orders('Bert Claes')
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as stranger:
        assert (await stranger.get(f'/admin/packing-slips.pdf?codes={first}')).status_code == 403
    await sign_in(user)
    response = await user.http_client.get(f'/admin/packing-slips.pdf?codes={first},{second.lower()},NOPE-1')
    assert response.status_code == 200 and response.content.startswith(b'%PDF')
    assert response.headers['content-disposition'] == 'inline; filename="packing-slips-2-orders.pdf"'
    assert (await user.http_client.get('/admin/packing-slips.pdf')).status_code == 404
    assert (await user.http_client.get('/admin/packing-slips.pdf?codes=NOPE-1')).status_code == 404
    too_many = ','.join(f'X-{n}' for n in range(201))
    assert (await user.http_client.get(f'/admin/packing-slips.pdf?codes={too_many}')).status_code == 400
