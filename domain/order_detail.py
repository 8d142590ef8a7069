"""Reading one order for the merchant: the order with its lines, and its history."""

from domain.models import LogEntry, Order


async def order_for_admin(shop_id: int, code: str) -> Order | None:
    """The shop's order with this code (and its lines), or None; codes are compared case-insensitively."""
    return await Order.get_or_none(shop_id=shop_id, code=code.strip().upper()[:32]).prefetch_related('lines')


async def order_history(shop_id: int, order_id: int, limit: int = 200) -> list[LogEntry]:
    """What happened to the order, newest first."""
    return await LogEntry.filter(shop_id=shop_id, order_id=order_id).order_by('-created_at', '-id').limit(limit)
