"""The shop's products as its stock keeper sees them: all of them (sold or not), found by SKU, stock set or adjusted."""

from datetime import UTC, datetime

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import Product

MAX_STOCK = 1_000_000_000  # what the stock column holds, with room to spare
MAX_SKU_LENGTH = 64


class InsufficientStock(OrderlyError):
    """An adjustment would take the stock below zero; nothing was changed."""

    def __init__(self, sku: str, stock: int, change: int) -> None:
        super().__init__(f'{sku} has {stock} in stock: it cannot go down by {-change}.')
        self.stock = stock


class InvalidStock(OrderlyError):
    """The stock asked for is out of range."""


async def products_after(shop_id: int, *, after_id: int = 0, limit: int = 100) -> list[Product]:
    """Up to `limit` of the shop's products with an id above `after_id`, by id: pages that never skip or repeat."""
    return await Product.filter(shop_id=shop_id, id__gt=after_id).order_by('id').limit(limit)


async def product_by_sku(shop_id: int, sku: str) -> Product | None:
    return await Product.get_or_none(shop_id=shop_id, sku=sku) if len(sku) <= MAX_SKU_LENGTH else None


async def update_stock(*, shop_id: int, sku: str, actor: str, stock: int | None = None,
                       change: int | None = None) -> Product | None:
    """Set the stock to `stock`, or add `change` (negative: take away) in one statement; None if there is no such
    product. Raise `InsufficientStock` rather than go below zero, `InvalidStock` above `MAX_STOCK`."""
    if (stock is None) == (change is None):
        raise InvalidStock('Give either the new stock or the change, not both.')
    if stock is not None and not 0 <= stock <= MAX_STOCK:
        raise InvalidStock(f'The stock must be between 0 and {MAX_STOCK:,}.')
    if change is not None and abs(change) > MAX_STOCK:
        raise InvalidStock(f'A change can be at most {MAX_STOCK:,} either way.')
    async with in_transaction() as connection:
        product = await Product.get_or_none(shop_id=shop_id, sku=sku).using_db(connection) \
            if len(sku) <= MAX_SKU_LENGTH else None
        if product is None:
            return None
        before = product.stock
        query = Product.filter(id=product.id).using_db(connection)
        if change is not None:
            # relative to the stock at the moment of writing: a checkout in between is never overwritten
            query = query.filter(stock__gte=-change, stock__lte=MAX_STOCK - change)
        updated = await query.update(stock=stock if stock is not None else F('stock') + change)
        await product.refresh_from_db(fields=['stock'], using_db=connection)
        if not updated:
            if product.stock + (change or 0) < 0:
                raise InsufficientStock(product.sku, product.stock, change or 0)
            raise InvalidStock(f'The stock must stay between 0 and {MAX_STOCK:,}.')
        if change is not None:
            before = product.stock - change
        if product.stock != before:
            await write_log(connection, shop_id=shop_id, order=None, kind='product.stock', actor=actor,
                            now=datetime.now(UTC), message=f'Stock of {product.sku}: {before} → {product.stock}',
                            data={'sku': product.sku, 'from': before, 'to': product.stock})
    return product
