"""Redirect and link targets from requests lead to the shop's own origin only (domain/redirects.py)."""

import pytest

from domain.redirects import own_origin_url, web_url

BASE = 'https://shop.example'


@pytest.mark.parametrize('url', [
    'https://shop.example/order/abc', 'https://shop.example', 'https://SHOP.example:443/order/abc?x=1#top',
])
def test_own_origin_urls_are_kept(url):
    assert own_origin_url(url, BASE) is not None


def test_a_path_is_taken_on_the_shops_origin():
    assert own_origin_url('/order/abc?x=1', BASE + '/') == 'https://shop.example/order/abc?x=1'
    assert own_origin_url('/order/abc', 'http://127.0.0.1:8080') == 'http://127.0.0.1:8080/order/abc'


@pytest.mark.parametrize('url', [
    'javascript:alert(document.domain)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'blob:https://shop.example/1',
    'http://shop.example/order/abc',  # another scheme: another origin
    'https://shop.example:8443/order', 'https://evil.example/order', 'https://shop.example.evil.example/',
    'https://shop.example@evil.example/', 'https://user:pw@shop.example/', '//evil.example/order',
    '/\\evil.example', '\\\\evil.example', 'https:\\\\evil.example', 'https://shop.example\\@evil.example/',
    'https://shop.example:abc/', 'https://[::1/', '', None, 'order/abc', 'https://shop.example/' + 'a' * 3000,
    'https://shop.example/\nSet-Cookie:x', 'https://shop.example/\x00',
])
def test_everything_else_is_refused(url):
    assert own_origin_url(url, BASE) is None


def test_nothing_is_own_origin_when_the_base_url_is_no_web_address():
    assert own_origin_url('/order/abc', 'javascript:alert(1)') is None


@pytest.mark.parametrize(('url', 'ok'), [
    ('https://www.mollie.com/checkout/select-method/7UhSN1zuXS', True), ('http://127.0.0.1:8765/checkout/1', True),
    ('javascript:alert(1)', False), ('https://a@b.example/', False), ('/relative', False), ('ftp://x.example/', False),
])
def test_web_urls_are_http_or_https_with_a_host(url, ok):
    assert (web_url(url) is not None) is ok
