"""Settings > Shop and Settings > Checkout: validated per field, logged with old and new, followed by the checkout."""

import secrets
from dataclasses import replace
from decimal import Decimal

import pytest

from domain.checkout import place_order
from domain.errors import InvalidCheckout
from domain.models import LogEntry, Order, Product, Shop
from domain.schemas import DeliveryMethod, parse_checkout
from domain.shop_settings import CheckoutChanges, InvalidSettings, ShopChanges, update_checkout, update_shop

DEMO = ShopChanges(name='Demo shop', email='orders@demo-shop.example', timezone='Europe/Brussels',
                   brand_color='#2f3e46', postal_address='Grote Markt 1\n1000 Brussels\nBelgium')
DEMO_CHECKOUT = CheckoutChanges(pickup_enabled=True, shipping_enabled=True, shipping_cost='6.95',
                                shipping_vat_rate='21', pickup_address='Demo shop, Grote Markt 1, 1000 Brussels',
                                free_shipping_from='')


def checkout(product: Product, quantity: int = 1, method: DeliveryMethod = DeliveryMethod.SHIPPING):
    return parse_checkout({'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1',
                           'postal_code': '9000', 'city': 'Gent', 'delivery_method': method.value,
                           'lines': [{'product_id': product.id, 'quantity': quantity}],
                           'idempotency_key': secrets.token_urlsafe(18)})


async def test_the_demo_shop_offers_pickup_and_shipping_at_its_usual_cost(shop):
    assert (shop.pickup_enabled, shop.shipping_enabled, shop.shipping_cost, shop.free_shipping_from) == (
        True, True, Decimal('6.95'), None)
    assert (shop.brand_color, shop.postal_address.splitlines()[-1]) == ('#2f3e46', 'Belgium')


async def test_owner_changes_the_shop_and_the_log_says_what_changed(shop):
    changed = await update_shop(shop_id=shop.id, actor='owner@x', changes=replace(
        DEMO, name=' Koffie & Co ', email='Hello@Koffie.example', timezone='Europe/Amsterdam', brand_color='#C8553D'))
    fresh = await Shop.get(id=shop.id)
    assert (fresh.name, fresh.email, fresh.timezone, fresh.brand_color) == (
        'Koffie & Co', 'hello@koffie.example', 'Europe/Amsterdam', '#c8553d')
    assert set(changed) == {'name', 'email', 'timezone', 'brand_color'}
    log = await LogEntry.get(kind='settings.shop')
    assert log.actor == 'owner@x'
    assert 'name "Demo shop" → "Koffie & Co"' in log.message
    assert 'time zone "Europe/Brussels" → "Europe/Amsterdam"' in log.message
    assert log.data['brand_color'] == ['#2f3e46', '#c8553d']


async def test_bad_shop_settings_are_refused_field_by_field_and_change_nothing(shop):
    with pytest.raises(InvalidSettings) as refused:
        await update_shop(shop_id=shop.id, actor='owner@x', changes=ShopChanges(
            name='  ', email='orders@', timezone='Mars/Olympus_Mons', brand_color='green',
            postal_address='\n'.join(f'line {n}' for n in range(9))))
    assert refused.value.field_errors == {
        'name': "Please enter the shop's name.",
        'email': 'Please enter a valid e-mail address, like orders@example.com, or leave it empty.',
        'timezone': 'Please choose a time zone from the list, like Europe/Brussels.',
        'brand_color': 'Please enter a colour as # and six hex digits, like #2f3e46.',
        'postal_address': 'Please keep the address to 6 lines of at most 100 characters.',
    }
    fresh = await Shop.get(id=shop.id)
    assert (fresh.name, fresh.email, fresh.timezone, fresh.brand_color) == (
        'Demo shop', 'orders@demo-shop.example', 'Europe/Brussels', '#2f3e46')
    assert not await LogEntry.filter(kind='settings.shop').exists()


@pytest.mark.parametrize('zone', ['', '../../etc/passwd', 'posixrules', 'europe/brussels'])
async def test_only_real_time_zones_are_accepted(shop, zone):
    with pytest.raises(InvalidSettings) as refused:
        await update_shop(shop_id=shop.id, actor='x', changes=replace(DEMO, timezone=zone))
    assert set(refused.value.field_errors) == {'timezone'}


async def test_saving_unchanged_settings_logs_nothing(shop):
    assert await update_shop(shop_id=shop.id, actor='x', changes=DEMO) == {}
    assert await update_checkout(shop_id=shop.id, actor='x', changes=DEMO_CHECKOUT) == {}
    assert not await LogEntry.filter(kind__in=['settings.shop', 'settings.checkout']).exists()


async def test_shop_settings_never_touch_the_order_numbers_taken_meanwhile(shop):
    await place_order(shop=shop, form=checkout(await Product.get(sku='FLT-100')))
    await update_shop(shop_id=shop.id, actor='x', changes=replace(DEMO, name='Renamed'))
    assert (await Shop.get(id=shop.id)).next_order_number == 1002


async def test_owner_changes_checkout_settings_with_comma_decimals_and_it_is_logged(shop):
    await update_checkout(shop_id=shop.id, actor='owner@x', changes=replace(
        DEMO_CHECKOUT, pickup_enabled=False, shipping_cost='4,50', shipping_vat_rate='6', free_shipping_from='50'))
    fresh = await Shop.get(id=shop.id)
    assert (fresh.pickup_enabled, fresh.shipping_cost, fresh.shipping_vat_rate, fresh.free_shipping_from) == (
        False, Decimal('4.50'), Decimal('6'), Decimal('50'))
    log = await LogEntry.get(kind='settings.checkout')
    assert 'pickup on → off' in log.message and 'shipping cost 6.95 → 4.50' in log.message
    assert 'free shipping from none → 50.00' in log.message
    await update_checkout(shop_id=shop.id, actor='owner@x', changes=DEMO_CHECKOUT)
    assert (await Shop.get(id=shop.id)).free_shipping_from is None


async def test_bad_checkout_settings_are_refused_field_by_field_and_change_nothing(shop):
    with pytest.raises(InvalidSettings) as refused:
        await update_checkout(shop_id=shop.id, actor='x', changes=CheckoutChanges(
            pickup_enabled=False, shipping_enabled=False, shipping_cost='-1', shipping_vat_rate='121',
            pickup_address='', free_shipping_from='lots'))
    assert refused.value.field_errors == {
        'delivery_methods': 'Offer at least one delivery method: pickup or shipping.',
        'shipping_cost': 'Please enter the shipping cost as an amount like 6.95, or 0 for free shipping.',
        'shipping_vat_rate': 'Please enter a VAT rate between 0 and 100, like 21.',
        'free_shipping_from': 'Please enter a subtotal like 50.00, or leave it empty for no free shipping.',
    }
    with pytest.raises(InvalidSettings) as refused:
        await update_checkout(shop_id=shop.id, actor='x', changes=replace(
            DEMO_CHECKOUT, pickup_address=' ', shipping_cost='6.999'))
    assert set(refused.value.field_errors) == {'pickup_address', 'shipping_cost'}
    fresh = await Shop.get(id=shop.id)
    assert (fresh.pickup_enabled, fresh.shipping_enabled, fresh.shipping_cost) == (True, True, Decimal('6.95'))
    assert not await LogEntry.filter(kind='settings.checkout').exists()


@pytest.mark.parametrize('method', [DeliveryMethod.SHIPPING, DeliveryMethod.PICKUP])
async def test_a_method_switched_off_is_refused_even_to_a_checkout_opened_before(shop, method):
    opened_before = await Shop.get(id=shop.id)  # what the storefront page read when it opened
    await update_checkout(shop_id=shop.id, actor='x', changes=replace(
        DEMO_CHECKOUT, pickup_enabled=method is not DeliveryMethod.PICKUP,
        shipping_enabled=method is not DeliveryMethod.SHIPPING))
    mug = await Product.get(sku='MUG-SAG-35')
    with pytest.raises(InvalidCheckout) as refused:
        await place_order(shop=opened_before, form=checkout(mug, method=method))
    assert 'not available' in refused.value.field_errors['delivery_method']
    assert await Order.all().count() == 0
    fresh = await Shop.get(id=shop.id)
    assert fresh.next_order_number == 1001 and (await Product.get(id=mug.id)).stock == mug.stock


async def test_shipping_is_free_from_the_threshold_on(shop):
    opened_before = await Shop.get(id=shop.id)
    await update_checkout(shop_id=shop.id, actor='x', changes=replace(DEMO_CHECKOUT, free_shipping_from='59.00'))
    kettle, filters = await Product.get(sku='KET-GN-1L'), await Product.get(sku='FLT-100')  # 59.00, 6.95
    free = await Order.get(id=(await place_order(shop=opened_before, form=checkout(kettle))).id)
    assert (free.subtotal, free.shipping_cost, free.total, free.vat_total) == (
        Decimal('59.00'), Decimal('0.00'), Decimal('59.00'), Decimal('10.24'))
    paid = await Order.get(id=(await place_order(shop=opened_before, form=checkout(filters, 8))).id)
    assert (paid.subtotal, paid.shipping_cost, paid.total) == (Decimal('55.60'), Decimal('6.95'), Decimal('62.55'))


async def test_a_new_shipping_cost_applies_from_the_next_order(shop):
    opened_before = await Shop.get(id=shop.id)
    await update_checkout(shop_id=shop.id, actor='x', changes=replace(DEMO_CHECKOUT, shipping_cost='3.00'))
    placed = await place_order(shop=opened_before, form=checkout(await Product.get(sku='FLT-100')))
    order = await Order.get(id=placed.id)
    assert (order.shipping_cost, order.total) == (Decimal('3.00'), Decimal('9.95'))
