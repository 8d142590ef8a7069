"""The security headers middleware and the socket.io origin check, without the app."""

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from config import Settings
from integrations.security_headers import SecurityHeaders, cookie_secure, same_origin_sockets, security_headers


def settings(base_url: str = '') -> Settings:
    return Settings(base_url=base_url, port=8080, host='127.0.0.1')


def environ(host: str, scheme: str = 'ws') -> dict:
    return {'HTTP_HOST': host, 'asgi.scope': {'type': 'websocket', 'scheme': scheme}}


def test_socket_io_accepts_the_page_of_the_host_and_port_it_was_asked_at():
    allowed = same_origin_sockets(settings())
    assert allowed('http://localhost:3392', environ('localhost:3392'))
    assert allowed('https://shop.example', environ('shop.example', 'wss'))
    assert allowed('HTTP://LOCALHOST:3392', environ('localhost:3392'))


def test_socket_io_refuses_other_sites_other_ports_other_schemes_and_opaque_origins():
    allowed = same_origin_sockets(settings())
    assert not allowed('http://evil.example', environ('localhost:8080'))
    assert not allowed('http://localhost:9999', environ('localhost:8080'))
    assert not allowed('http://shop.example', environ('shop.example', 'wss'))  # an http page, a wss socket
    assert not allowed('null', environ('localhost:8080'))  # a sandboxed frame or a data: page
    assert not allowed('http://localhost:8080', {'asgi.scope': {'scheme': 'ws'}})  # no Host at all


def test_socket_io_accepts_the_public_address_whatever_host_the_proxy_passes_on():
    allowed = same_origin_sockets(settings('https://shop.example/'))
    assert allowed('https://shop.example', environ('127.0.0.1:8080'))
    assert not allowed('http://shop.example', environ('127.0.0.1:8080'))


def test_programs_without_an_origin_are_not_asked():
    assert same_origin_sockets(settings())(None, environ('localhost:8080'))


def test_secure_cookies_and_hsts_only_for_an_https_shop():
    assert cookie_secure(settings('https://shop.example'))
    assert not cookie_secure(settings('http://shop.example'))
    assert not cookie_secure(settings())
    assert 'Strict-Transport-Security' in security_headers(settings('https://shop.example'))
    assert 'Strict-Transport-Security' not in security_headers(settings())


async def test_a_header_the_response_set_itself_is_kept_and_not_doubled():
    async def own(_request):
        return PlainTextResponse('hi', headers={'X-Frame-Options': 'SAMEORIGIN', 'X-Content-Type-Options': 'nosniff'})

    app = SecurityHeaders(Starlette(routes=[Route('/', own)]), headers=security_headers(settings()))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as client:
        answer = await client.get('/')
    assert answer.headers.get_list('x-frame-options') == ['SAMEORIGIN']
    assert answer.headers.get_list('x-content-type-options') == ['nosniff']
    assert answer.headers['referrer-policy'] == 'strict-origin-when-cross-origin'
    assert "frame-ancestors 'none'" in answer.headers['content-security-policy']


def test_with_a_public_address_socket_io_takes_only_its_origin_whatever_host_the_request_names():
    allowed = same_origin_sockets(settings('https://shop.example'))
    assert not allowed('http://evil.example', environ('evil.example'))  # DNS rebinding: the Host is the attacker's
    assert not allowed('https://evil.example', environ('evil.example', 'wss'))
    assert not allowed('http://127.0.0.1:8080', environ('127.0.0.1:8080'))
    assert allowed('https://shop.example', environ('shop.example', 'wss'))
