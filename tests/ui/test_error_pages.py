"""Storefront pages as browsers, crawlers and screen readers get them: their language and description, and for
unknown addresses and server errors a page in the shop's frame with a way back and the right status:
never NiceGUI's "HTTPException: 404" and never a stack trace."""

import httpx
import pytest
from nicegui import app, ui
from nicegui.testing import User


def client(raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app, raise_app_exceptions=raise_app_exceptions),
                             base_url='http://test')


async def test_an_unknown_shop_address_is_a_page_not_found_with_a_link_to_the_shop(user: User):
    response = await user.http_client.get('/no-such-page')
    assert response.status_code == 404
    assert 'Page not found' in response.text and 'Demo shop' in response.text
    assert 'HTTPException' not in response.text
    assert '"href":"/"' in response.text.replace(' ', '') or 'href="/"' in response.text
    assert 'Back to the shop' in response.text


async def test_an_unknown_admin_address_links_to_the_orders(user: User):
    response = await user.http_client.get('/admin/no-such-screen')
    assert response.status_code == 404
    assert 'Page not found' in response.text and '/admin/orders' in response.text
    assert 'HTTPException' not in response.text


async def test_the_api_still_answers_an_unknown_address_with_json(user: User):
    response = await user.http_client.get('/api/v1/no-such-resource')
    assert response.status_code == 404
    assert response.headers['content-type'].startswith('application/json')


@pytest.fixture
def failing_page():
    @ui.page('/test-failing-page')
    async def failing() -> None:
        raise RuntimeError('secret detail of the failure')
    yield '/test-failing-page'


async def test_a_server_error_is_a_page_in_the_shops_frame_without_the_details(user: User, failing_page, caplog):
    async with client(raise_app_exceptions=False) as http:
        response = await http.get(failing_page)
    assert response.status_code == 500
    assert 'Something went wrong' in response.text and 'Demo shop' in response.text
    assert 'secret detail' not in response.text and 'RuntimeError' not in response.text
    assert 'Traceback' not in response.text
    logged = [str(record.exc_info[1]) for record in caplog.records if record.exc_info]
    assert any('secret detail' in text for text in logged)  # the log keeps what the page does not show
    caplog.clear()  # the ERROR it logged is this test's point


@pytest.mark.parametrize('path', ['/', '/cart', '/checkout', '/account/login'])
async def test_storefront_pages_say_their_language_and_describe_themselves(user: User, path: str):
    response = await user.http_client.get(path)
    assert '<html lang="en-US"' in response.text
    assert '<meta name="description" content="Demo shop: browse the products, order online and follow your order.">' \
        in response.text
