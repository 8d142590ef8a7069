"""Stored text goes into components as one prop or style value each, never into a props or style string, where a
quote or a semicolon would add props or declarations of its own."""

import pytest
from nicegui.testing import User

from domain import admin_auth
from domain.models import Product, Shop
from tests.ui.test_admin_orders import sign_in
from ui.components.swatch import ProductSwatch


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def test_a_currency_with_a_quote_stays_the_prefix_of_the_checkout_settings_amounts(user: User):
    await Shop.all().update(currency='X"Y')
    await sign_in(user)
    await user.open('/admin/settings/checkout')
    await user.should_see('Shipping cost')
    for marker in ('shipping_cost', 'free_shipping_from'):
        props = user.find(marker=marker).elements.pop().props
        assert props['prefix'] == 'X"Y' and 'Y"' not in props


async def test_product_pictures_and_swatches_take_only_a_checked_address_or_colour(user: User):
    await Product.filter(sku='FLT-100').update(swatch='0;top:0')  # the column holds 7
    await Product.filter(sku='MUG-SAG-35').update(image_url='/x.png"); background-image: url("https://evil.example')
    await Product.filter(sku='COF-ESP-1K').update(image_url='https://img.example/beans.jpg')
    await user.open('/')
    await user.should_see('Paper filters (100)')
    styles = [dict(element.style) for element in user.find(ProductSwatch).elements]
    assert {'background-color': '#9ca3af'} in styles  # the filters' and the mug's refused values
    assert {'background': 'center / cover url("https://img.example/beans.jpg")'} in styles
    assert not any('evil' in value or 'background-image' in style or 'top' in style
               for style in styles for value in style.values())
