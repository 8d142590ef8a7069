"""Test orders: the merchant places a realistic order through the customer's own path, flagged as a test."""

import random
import secrets

from domain.checkout import PlacedOrder, place_order
from domain.errors import OrderlyError
from domain.models import Product, Shop
from domain.schemas import parse_checkout

CUSTOMERS = [('Ann Peeters', 'Kerkstraat 12', '9000', 'Gent'), ('Lucas Janssens', 'Meir 40', '2000', 'Antwerpen'),
             ('Emma Dubois', 'Rue Neuve 7', '1000', 'Bruxelles'), ('Noah Willems', 'Bondgenotenlaan 3', '3000',
                                                                   'Leuven')]


async def place_test_order(*, shop: Shop, actor: str) -> PlacedOrder:
    """A test order of one to three products in stock, for a made-up customer (its mails go to example.com)."""
    products = await Product.filter(shop_id=shop.id, active=True, stock__gt=0)
    if not products:
        raise OrderlyError('A test order needs a product in stock.')
    name, street, postal_code, city = random.choice(CUSTOMERS)
    chosen = random.sample(products, k=min(len(products), random.randint(1, 3)))
    form = parse_checkout({
        'name': name, 'email': f'{name.split()[0].lower()}@example.com', 'street': street, 'postal_code': postal_code,
        'city': city, 'country': 'BE', 'note': 'Test order',
        'lines': [{'product_id': p.id, 'quantity': 1} for p in chosen],
        'idempotency_key': secrets.token_urlsafe(18)})
    return await place_order(shop=shop, form=form, is_test=True, actor=actor)
