"""Reading the shop for the storefront: the shop, its products, a customer's order by token."""

from domain.models import Order, Product, Shop
from domain.money import PricedLine


async def default_shop() -> Shop:
    """The shop this storefront serves (one per deployment for now: the first one)."""
    return await Shop.all().order_by('id').first()


async def products_for_sale(shop: Shop) -> list[Product]:
    return await Product.filter(shop_id=shop.id, active=True).order_by('position', 'id')


async def products_by_id(shop: Shop, ids: list[int]) -> dict[int, Product]:
    return {p.id: p for p in await Product.filter(shop_id=shop.id, id__in=ids, active=True)}


async def order_by_token(shop: Shop, token: str) -> Order | None:
    """The order behind a customer's link, with its lines; None for unknown tokens."""
    if not token or len(token) > 64:
        return None
    return await Order.get_or_none(shop_id=shop.id, token=token).prefetch_related('lines')


def priced_line(product: Product, quantity: int) -> PricedLine:
    """A cart line at the product's current price: prices always come from the shop, never from the browser."""
    return PricedLine(product_id=product.id, sku=product.sku, name=product.name, quantity=quantity,
                      unit_price=product.price, vat_rate=product.vat_rate)

