"""The demo shop an empty database starts with, so a newcomer can order at once."""

import logging
import secrets
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.admins import add_admin
from domain.models import AdminRole, Product, Shop

log = logging.getLogger(__name__)

DEMO_PRODUCTS = [
    # name, SKU, price incl. VAT, VAT rate, stock, swatch
    ('Espresso beans, 1 kg', 'COF-ESP-1K', '24.95', '6', 40, '#6b4226'),
    ('Ceramic pour-over dripper', 'BRW-DRP-01', '29.00', '21', 15, '#e8dcc8'),
    ('Stoneware mug, sage', 'MUG-SAG-35', '14.50', '21', 60, '#9caf88'),
    ('Gooseneck kettle 1 l', 'KET-GN-1L', '59.00', '21', 8, '#2f3e46'),
    ('Paper filters (100)', 'FLT-100', '6.95', '21', 120, '#f5f0e6'),
    ('Barista cookbook', 'BOOK-BAR', '32.00', '6', 3, '#c8553d'),
]


async def ensure_demo_shop(*, admin_email: str, admin_password: str | None) -> str | None:
    """Create the demo shop on an empty database; return the generated admin password if one was made.
    Instances starting together on one fresh database race here: the shop's unique code prefix lets one win."""
    if await Shop.exists():
        return None
    generated = None if admin_password else secrets.token_urlsafe(12)
    try:
        await _create_demo_shop(admin_email, admin_password or generated)
    except IntegrityError:
        if not await Shop.exists():
            raise
        return None  # another instance created it meanwhile
    return generated


async def _create_demo_shop(admin_email: str, admin_password: str) -> None:
    async with in_transaction():
        shop = await Shop.create(name='Demo shop', code_prefix='DEMO', currency='EUR', timezone='Europe/Brussels',
                                 email='orders@demo-shop.example', shipping_cost=Decimal('6.95'),
                                 pickup_address='Demo shop, Grote Markt 1, 1000 Brussels',
                                 postal_address='Grote Markt 1\n1000 Brussels\nBelgium')
        await Product.bulk_create([
            Product(shop=shop, name=name, sku=sku, price=Decimal(price), vat_rate=Decimal(rate), stock=stock,
                    swatch=swatch, position=index)
            for index, (name, sku, price, rate, stock, swatch) in enumerate(DEMO_PRODUCTS)
        ])
        await add_admin(shop=shop, email=admin_email, password=admin_password, name='Owner', role=AdminRole.OWNER)
    log.info('created the demo shop with %d products', len(DEMO_PRODUCTS))
