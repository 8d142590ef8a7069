"""Opaque page cursors: where the last page ended, as base64url JSON, so callers never build one themselves."""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from domain.order_listing import OrderPosition
from integrations.api.errors import ApiError


def _encode(value: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(',', ':')).encode()).decode().rstrip('=')


def _decode(cursor: str) -> list[Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + '=' * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = None
    if not isinstance(value, list):
        raise ApiError(422, 'invalid_cursor', 'This cursor is not one we gave out: start again without it.',
                       fields={'cursor': 'Not a cursor of this API.'})
    return value


def order_cursor(position: OrderPosition | None) -> str | None:
    return None if position is None else _encode(['o', position.created_at.isoformat(), position.id])


def order_position(cursor: str | None) -> OrderPosition | None:
    if not cursor:
        return None
    value = _decode(cursor)
    try:
        kind, moment, order_id = value
        if kind != 'o' or type(order_id) is not int or not 0 <= order_id < 2**63:
            raise ValueError
        created_at = datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            raise ValueError
        position = OrderPosition(created_at.astimezone(UTC), order_id)
    except (ValueError, TypeError, OverflowError):
        raise ApiError(422, 'invalid_cursor', 'This cursor is not one of the orders list.',
                       fields={'cursor': 'Not a cursor of the orders list.'}) from None
    return position


def product_cursor(last_id: int | None) -> str | None:
    return None if last_id is None else _encode(['p', last_id])


def product_after(cursor: str | None) -> int:
    if not cursor:
        return 0
    value = _decode(cursor)
    if len(value) != 2 or value[0] != 'p' or type(value[1]) is not int or not 0 <= value[1] < 2**31:
        raise ApiError(422, 'invalid_cursor', 'This cursor is not one of the products list.',
                       fields={'cursor': 'Not a cursor of the products list.'})
    return value[1]
