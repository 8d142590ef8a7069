"""Orders left unpaid: an order "Waiting for payment" for longer than the shop allows (Settings > Checkout) is
cancelled, its stock given back, and the Logs say why. Orders with any recorded payment are left to the merchant."""

from datetime import UTC, datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from domain.logs import write_log
from domain.models import Order, OrderLine, Payment, PaymentSettings, PaymentStatus, Product
from domain.order_changes import _announce, _save
from domain.statuses import OrderStatus

ACTOR = 'system'
BATCH = 100  # orders per run and shop: a backlog is worked off over a few runs


async def cancel_unpaid_orders(*, shop_id: int, days: int, now: datetime | None = None) -> list[str]:
    """Cancel the shop's orders waiting for payment for more than `days`; return their codes."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    candidates = await Order.filter(shop_id=shop_id, status=OrderStatus.AWAITING_PAYMENT, created_at__lt=cutoff) \
        .order_by('id').limit(BATCH).values_list('id', flat=True)
    cancelled: list[Order] = []
    queued = 0
    for order_id in candidates:
        async with in_transaction() as connection:
            order = await Order.get_or_none(id=order_id, shop_id=shop_id).using_db(connection)
            if order is None or order.status is not OrderStatus.AWAITING_PAYMENT:
                continue  # changed meanwhile
            under_way = Q(status=PaymentStatus.PAID) | Q(status=PaymentStatus.OPEN, updated_at__gte=cutoff)
            if await Payment.filter(under_way, order_id=order.id).using_db(connection).exists():
                continue  # paid in part, or a payment under way: the merchant decides
            queued += await _save(connection, order, OrderStatus.CANCELLED, order.reference, False, ACTOR)
            lines = await OrderLine.filter(order_id=order.id).using_db(connection)
            for line in lines:
                if line.product_id:
                    await Product.filter(id=line.product_id, shop_id=shop_id).using_db(connection) \
                        .update(stock=F('stock') + line.quantity)
            await write_log(connection, shop_id=shop_id, order=order, kind='order.auto_cancelled', actor=ACTOR,
                            now=now, message=f'{order.code}: not paid within {days} days: cancelled, stock given back',
                            data={'days': days, 'stock': {line.sku: line.quantity for line in lines}})
            cancelled.append(order)
    if cancelled:
        await _announce(cancelled, ACTOR, queued)
    return [order.code for order in cancelled]


async def cancel_unpaid_orders_of_all_shops(now: datetime | None = None) -> dict[int, list[str]]:
    """One run over every shop that cancels unpaid orders; returns the codes cancelled per shop."""
    done: dict[int, list[str]] = {}
    for shop_id, days in await PaymentSettings.filter(auto_cancel_days__isnull=False) \
            .values_list('shop_id', 'auto_cancel_days'):
        if codes := await cancel_unpaid_orders(shop_id=shop_id, days=days, now=now):
            done[shop_id] = codes
    return done
