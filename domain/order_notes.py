"""Internal notes on an order: for the merchant's team only, never shown to the customer."""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OrderNoteAdded, hub
from domain.logs import write_log
from domain.models import Order
from domain.text_rules import invisible_problem

NOTE_MAX_LENGTH = 2000


class InvalidNote(OrderlyError):
    """An empty or overlong note."""


async def add_note(*, shop_id: int, order_id: int, text: str, actor: str) -> None:
    """Add an internal note to the order's history (and the shop's Logs)."""
    text = text.strip()
    if not text:
        raise InvalidNote('Write a note first.')
    if len(text) > NOTE_MAX_LENGTH:
        raise InvalidNote(f'A note can hold {NOTE_MAX_LENGTH} characters; this one has {len(text)}.')
    if problem := invisible_problem(text, multiline=True):
        raise InvalidNote(problem)
    async with in_transaction() as connection:
        order = await Order.get_or_none(id=order_id, shop_id=shop_id).using_db(connection)
        if order is None:
            raise OrderlyError('This order no longer exists.')
        await write_log(connection, shop_id=shop_id, order=order, kind='order.note', actor=actor,
                        message=text, now=datetime.now(UTC))
    await hub.publish(OrderNoteAdded(shop_id=shop_id, order_id=order.id, code=order.code, actor=actor))
