from decimal import Decimal as D

from domain.delivery import DeliveryOffer
from domain.money import PricedLine, compute_totals, format_money, vat_in_gross


def line(price: str, quantity: int, rate: str) -> PricedLine:
    return PricedLine(product_id=1, sku='X', name='x', quantity=quantity, unit_price=D(price), vat_rate=D(rate))


def test_vat_contained_in_a_gross_price():
    assert vat_in_gross(D('121.00'), D('21')) == D('21.00')
    assert vat_in_gross(D('10.60'), D('6')) == D('0.60')


def test_totals_add_shipping_and_split_vat_per_rate():
    totals = compute_totals([line('24.95', 2, '6'), line('14.50', 1, '21')], D('6.95'), D('21'))
    assert totals.subtotal == D('64.40')
    assert totals.shipping == D('6.95')
    assert totals.total == D('71.35')
    # 49.90 at 6 % and 14.50 + 6.95 shipping at 21 %
    assert totals.vat_by_rate == {D('6'): D('2.82'), D('21'): D('3.72')}
    assert totals.vat_total == D('6.54')
    assert totals.net_total == D('64.81')


def test_vat_is_rounded_once_per_rate_not_per_line():
    totals = compute_totals([line('0.99', 1, '21')] * 3, D('0'), D('21'))
    assert totals.vat_by_rate == {D('21'): D('0.52')}  # per line it would be 3 x 0.17 = 0.51


def test_pickup_has_no_shipping_vat():
    totals = compute_totals([line('10.00', 1, '6')], D('0'), D('21'))
    assert totals.vat_by_rate == {D('6'): D('0.57')}


def test_money_is_shown_with_symbol_and_two_decimals():
    assert format_money(D('1234.5'), 'EUR') == '€ 1,234.50'
    assert format_money(D('3'), 'CHF') == 'CHF 3.00'


def test_cart_tells_what_delivery_costs_before_checkout():
    offer = DeliveryOffer(pickup=True, shipping=True, shipping_cost=D('6.95'), shipping_vat_rate=D(21),
                          free_shipping_from=D('50'))
    assert offer.describe(D('20'), 'EUR') == ('Shipping € 6.95 (free from € 50.00), or pick up for free: '
                                                    'you choose at checkout.')
    assert offer.describe(D('50'), 'EUR') == 'Shipping is free, or pick up for free: you choose at checkout.'
    pickup_only = DeliveryOffer(pickup=True, shipping=False, shipping_cost=D('6.95'),
                                shipping_vat_rate=D(21), free_shipping_from=None, pickup_address='Veldstraat 1')
    assert pickup_only.describe(D('20'), 'EUR') == 'Delivery: pick up for free at Veldstraat 1.'
