"""Structured logs: one line per event; with ORDERLY_LOG_FORMAT=json a JSON object carrying order code and shop."""

import io
import json
import logging

import pytest

from domain.checkout import place_order
from domain.models import Order, Product
from domain.order_changes import StatusUpdate, change_status
from domain.statuses import OrderStatus
from integrations.logging_setup import configure_logging
from tests.integration.test_place_order import checkout


@pytest.fixture
def log_lines():
    """Configures the app's handler to write into a string; removed afterwards."""
    stream = io.StringIO()
    handlers = []

    def configure(log_format: str) -> io.StringIO:
        handlers.append(configure_logging(log_format, stream=stream))
        return stream
    yield configure
    for handler in handlers:
        logging.getLogger().removeHandler(handler)


async def test_a_placed_order_is_one_json_line_with_its_code_and_shop(shop, log_lines):
    stream = log_lines('json')
    beans = await Product.get(shop_id=shop.id, sku='COF-ESP-1K')
    placed = await place_order(shop=shop, form=checkout((beans.id, 2)))
    version = (await Order.get(id=placed.id)).version
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=version, actor='owner',
                        update=StatusUpdate(status=OrderStatus.PROCESSING))

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]  # every line is one JSON object
    about_order = [line for line in lines if line.get('order_code') == placed.code]
    assert [(line['message'], line['shop'], line['level'], line['logger']) for line in about_order] == [
        (f'order placed: {placed.total} EUR', shop.id, 'INFO', 'domain.checkout'),
        ('order status changed to processing', shop.id, 'INFO', 'domain.order_changes')]
    assert all(line['time'].endswith('+00:00') for line in about_order)
    assert 'Ann Peeters' not in stream.getvalue() and 'ann@example.com' not in stream.getvalue()


def test_plain_text_is_the_default_and_names_the_order(log_lines):
    stream = log_lines('text')
    logging.getLogger('domain.checkout').info('order placed', extra={'order_code': 'DEMO-1001-AB', 'shop': 3})
    logging.getLogger('domain.seed').info('nothing about an order')
    placed, other = stream.getvalue().splitlines()
    assert placed.endswith('INFO domain.checkout: order placed order=DEMO-1001-AB shop=3')
    assert other.endswith('INFO domain.seed: nothing about an order')


def test_a_traceback_stays_on_its_json_line(log_lines):
    stream = log_lines('json')
    try:
        raise ValueError('boom')
    except ValueError:
        logging.getLogger('integrations.test').exception('delivery failed', extra={'order_code': 'DEMO-1', 'shop': 1})
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert (record['message'], record['order_code'], record['level']) == ('delivery failed', 'DEMO-1', 'ERROR')
    assert 'ValueError: boom' in record['exception']
