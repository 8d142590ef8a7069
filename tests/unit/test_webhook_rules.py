"""API PUSH rules without a database: which URLs may receive, how requests are signed, JSON and XML bodies."""

import base64
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from standardwebhooks import Webhook

from domain.webhook_payload import envelope, example_order
from domain.webhook_urls import UnsafeTarget, address_refusal, check_url, shown_url
from domain.webhooks import new_secret, signing_secrets
from integrations.webhooks import body_of, retry_after, signature, signed_headers, to_xml


def resolving(table: dict[str, list[str]]):
    async def resolver(host: str, port: int) -> list[str]:
        return table.get(host, [])
    return resolver


PUBLIC = resolving({'pos.example.com': ['93.184.215.14'], 'rebind.example.com': ['169.254.169.254'],
                    'dual.example.com': ['93.184.215.14', '10.0.0.7'], 'localhost': ['127.0.0.1', '::1'],
                    '2130706433': ['127.0.0.1']})


@pytest.mark.parametrize(('url', 'why'), [
    ('http://169.254.169.254/latest/meta-data/', 'link-local'),
    ('https://169.254.10.1/hook', 'link-local'),
    ('https://[fe80::1]/hook', 'link-local'),
    ('https://[::ffff:169.254.169.254]/hook', 'link-local'),
    ('https://[fd00:ec2::254]/latest', 'metadata'),
    ('https://100.100.100.200/latest', 'metadata'),
    ('https://metadata.google.internal/computeMetadata/v1/', 'metadata'),
    ('https://rebind.example.com/hook', 'link-local'),
    ('https://0.0.0.0/hook', 'not a host'),
])
async def test_link_local_and_metadata_targets_are_refused_even_on_a_local_network(url, why):
    with pytest.raises(UnsafeTarget, match=why):
        await check_url(url, allow_local=True, resolver=PUBLIC)


@pytest.mark.parametrize(('url', 'why'), [
    ('ftp://pos.example.com/hook', 'Only https://'),
    ('file:///etc/passwd', 'Only https://'),
    ('javascript:alert(1)', 'Only https://'),
    ('http://pos.example.com/hook', 'Please use https://'),
    ('https://user:secret@pos.example.com/hook', 'user name and password'),
    ('https://token@pos.example.com/hook', 'user name and password'),
    ('https://pos.example.com/hook#x', 'fragment'),
    ('https://pos.example.com:99999/hook', 'not a valid'),
    ('https:///hook', 'no host'),
    ('https://pos.example.com/a b', 'spaces'),
    ('', 'Please enter'),
    ('https://127.0.0.1/hook', 'this computer'),
    ('http://localhost:8000/hook', 'this computer'),
    ('https://2130706433/hook', 'loopback'),
    ('https://10.1.2.3/hook', 'private network'),
    ('https://dual.example.com/hook', 'private network'),
])
async def test_other_schemes_credentials_and_local_targets_are_refused(url, why):
    with pytest.raises(UnsafeTarget, match=why):
        await check_url(url, allow_local=False, resolver=PUBLIC)


@pytest.mark.parametrize(('url', 'allow_local'), [
    ('https://pos.example.com/orderly?token=abc', False),
    ('https://not-yet-in-dns.example.com/hook', False),  # checked again at every connection
    ('http://127.0.0.1:8000/hook', True),
    ('http://localhost:8000/hook', True),
    ('https://10.1.2.3/hook', True),
])
async def test_https_and_local_addresses_with_the_switch_are_accepted(url, allow_local):
    assert await check_url(f'  {url} ', allow_local=allow_local, resolver=PUBLIC) == url


def test_a_local_network_address_needs_the_switch():
    assert address_refusal('192.168.1.20', allow_local=True) == ''
    assert 'private network' in address_refusal('192.168.1.20', allow_local=False)
    assert address_refusal('93.184.215.14', allow_local=False) == ''


def test_lists_and_logs_show_the_url_without_its_query():
    assert shown_url('https://pos.example.com/hook?token=s3cret') == 'https://pos.example.com/hook?…'


def test_a_secret_is_whsec_and_base64_of_32_random_bytes():
    secret = new_secret()
    assert secret.startswith('whsec_') and len(base64.b64decode(secret[6:])) == 32
    assert new_secret() != secret


def test_signature_is_exactly_the_standard_webhooks_one():
    secret, body = new_secret(), '{"type":"order.created","note":"café"}'.encode()
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    ours = signature(secret, 'msg_1', str(int(moment.timestamp())), body)
    assert ours == Webhook(secret).sign('msg_1', moment, body.decode())


def endpoint(**fields):
    return SimpleNamespace(**{'secret': new_secret(), 'previous_secret': '', 'previous_secret_expires_at': None,
                              **fields})


def test_during_a_rotation_both_secrets_sign_and_afterwards_only_the_new_one():
    now = datetime.now(UTC)
    rotating = endpoint(previous_secret=new_secret(), previous_secret_expires_at=now + timedelta(hours=1))
    body = b'{"type":"order.created"}'
    headers = signed_headers(rotating, 'msg_2', body, now)
    assert len(headers['webhook-signature'].split(' ')) == 2
    for secret in (rotating.secret, rotating.previous_secret):
        Webhook(secret).verify(body, headers)
    expired = endpoint(previous_secret=new_secret(), previous_secret_expires_at=now - timedelta(seconds=1))
    assert signing_secrets(expired, now) == [expired.secret]


def message(**fields):
    return SimpleNamespace(**{'event': 'order.created', 'event_id': 'msg_3', 'created_at': datetime.now(UTC),
                              'payload': {'order': example_order()}, **fields})


def as_dict(element: ElementTree.Element):
    """XML back to JSON's shape: lists where an element repeats its children's singular name."""
    children = list(element)
    if element.get('null') == 'true':
        return None
    if not children:
        return element.text or ''
    if element.tag.endswith('s') and all(child.tag == element.tag[:-1] for child in children):
        return [as_dict(child) for child in children]
    return {child.tag: as_dict(child) for child in children}


def stringly(value):
    if isinstance(value, dict):
        return {key: stringly(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stringly(item) for item in value]
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return None if value is None else str(value)


def test_xml_carries_the_same_fields_as_json():
    outbox = message()
    json_body, json_type = body_of(outbox, 'json')
    xml_body, xml_type = body_of(outbox, 'xml')
    assert (json_type, xml_type) == ('application/json', 'application/xml; charset=utf-8')
    root = ElementTree.fromstring(xml_body)
    assert root.tag == 'webhook'
    assert as_dict(root) == stringly(json.loads(json_body))


def test_xml_survives_control_characters_in_customer_text():
    payload = envelope(event='order.created', event_id='msg_4', occurred_at=datetime.now(UTC),
                       data={'note': 'ring\x07 twice <b>&'})
    root = ElementTree.fromstring(to_xml(payload))
    assert root.find('data/note').text == 'ring\ufffd twice <b>&'


def test_retry_after_in_seconds_or_as_a_date_and_never_more_than_a_day():
    now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert retry_after('120', now) == timedelta(seconds=120)
    assert retry_after('Sun, 01 Mar 2026 09:35:00 GMT', now) == timedelta(minutes=5)
    assert retry_after('999999', now) == timedelta(hours=24)
    assert retry_after('soon', now) is None and retry_after(None, now) is None


def test_the_example_order_adds_up():
    order = example_order()
    lines_total = sum(float(line['total']) for line in order['lines'])
    assert f"{lines_total:.2f}" == order['totals']['subtotal']
    assert f"{lines_total + float(order['totals']['shipping']):.2f}" == order['totals']['total']
    assert order['test'] is True
