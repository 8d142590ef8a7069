"""Every kind of response of the composed app carries the security headers; socket.io serves only the shop's pages."""

import httpx
import pytest
from nicegui import __version__, app
from nicegui.testing import User

ENGINE_IO_HANDSHAKE = '/_nicegui_ws/socket.io/?EIO=4&transport=polling'
EVERY_RESPONSE = {
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
}


def probe(base_url: str = 'http://test') -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=base_url)


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.partition(' ')[2] for part in (p.strip() for p in policy.split(';')) if part}


@pytest.mark.parametrize('path', [
    '/',  # a storefront page
    '/admin/login',
    '/api/v1/orders',  # API JSON (401 without a key)
    '/api/v1/openapi.json',
    '/manifest.webmanifest',  # a static file
    f'/_nicegui/{__version__}/static/nicegui.js',
    '/no-such-page',  # 404 page
    '/healthz',
])
async def test_every_kind_of_response_carries_the_security_headers(user: User, path: str):
    async with probe() as client:
        answer = await client.get(path)
    assert answer.status_code < 500
    for name, value in EVERY_RESPONSE.items():
        assert answer.headers.get(name) == value, (path, name)
    policy = directives(answer.headers['content-security-policy'])
    assert policy['frame-ancestors'] == "'none'"
    assert policy['default-src'] == "'self'"
    assert policy['object-src'] == "'none'"
    assert policy['base-uri'] == "'self'"
    assert policy['form-action'] == "'self'"
    assert 'strict-transport-security' not in answer.headers  # plain http: the default install


async def test_a_pdf_download_carries_the_security_headers(user: User):
    async with probe() as client:  # not signed in: the refusal is what an attacker gets
        answer = await client.get('/admin/orders/ABC-123/packing-slip.pdf')
    assert answer.headers.get('x-frame-options') == 'DENY'
    assert "frame-ancestors 'none'" in answer.headers['content-security-policy']


async def test_the_api_docs_have_their_own_policy_for_swagger_from_its_cdn(user: User):
    async with probe() as client:
        answer = await client.get('/api/v1/docs')
    assert answer.status_code == 200
    policy = directives(answer.headers['content-security-policy'])
    assert 'https://cdn.jsdelivr.net' in policy['script-src']
    assert "'unsafe-eval'" not in policy['script-src']
    assert policy['frame-ancestors'] == "'none'"
    assert answer.headers['x-frame-options'] == 'DENY'


async def test_shop_pages_get_no_script_or_style_from_other_sites(user: User):
    async with probe() as client:
        answer = await client.get('/')
    policy = directives(answer.headers['content-security-policy'])
    for directive in ('script-src', 'style-src', 'connect-src', 'img-src'):
        assert 'http' not in policy[directive] and '*' not in policy[directive], directive


@pytest.fixture
def https_shop(monkeypatch):
    monkeypatch.setenv('ORDERLY_BASE_URL', 'https://shop.example')


async def test_an_https_shop_sends_hsts_and_a_secure_session_cookie(https_shop, user: User):
    async with probe('https://shop.example') as client:
        answer = await client.get('/')
    assert answer.headers['strict-transport-security'].startswith('max-age=31536000')
    cookies = answer.headers.get_list('set-cookie')
    assert cookies, 'the session cookie is set on the first visit'
    assert all('secure' in cookie.lower().split('; ') for cookie in cookies), cookies


async def test_a_plain_http_shop_sets_its_session_cookie_without_secure(user: User):
    async with probe() as client:
        answer = await client.get('/')
    cookies = answer.headers.get_list('set-cookie')
    assert cookies and not any('secure' in cookie.lower().split('; ') for cookie in cookies)


async def test_socket_io_refuses_a_page_of_another_site(user: User):
    async with probe() as client:
        answer = await client.get(ENGINE_IO_HANDSHAKE, headers={'Origin': 'http://evil.example'})
    assert answer.status_code == 400
    assert 'access-control-allow-origin' not in answer.headers


async def test_socket_io_refuses_another_port_of_the_same_host(user: User):
    async with probe('http://localhost:8080') as client:
        answer = await client.get(ENGINE_IO_HANDSHAKE, headers={'Origin': 'http://localhost:9999'})
    assert answer.status_code == 400


async def test_socket_io_accepts_the_shops_own_page(user: User):
    async with probe() as client:
        answer = await client.get(ENGINE_IO_HANDSHAKE, headers={'Origin': 'http://test'})
    assert answer.status_code == 200
    assert answer.headers['access-control-allow-origin'] == 'http://test'
    assert answer.text.startswith('0{')  # engine.io's open packet


async def test_socket_io_accepts_the_public_address_behind_a_proxy(https_shop, user: User):
    async with probe('http://127.0.0.1:8080') as client:  # nginx passes the request on over plain http
        answer = await client.get(ENGINE_IO_HANDSHAKE, headers={'Origin': 'https://shop.example'})
    assert answer.status_code == 200


async def test_socket_io_serves_programs_that_send_no_origin(user: User):
    async with probe() as client:
        answer = await client.get(ENGINE_IO_HANDSHAKE)
    assert answer.status_code == 200
