"""Who may open a guest's order page `/order/{token}` (and its invoices) when the shop sends guests no status link.

With "guests get a status link" on (Settings > Customers checkout) the token is the key, as it always was. Off, the
page shows the order only
- in the browser that placed it, for `RECENT_WINDOW` after checkout (this browser's server-side storage keeps the
  order's id and time, never its token), so the confirmation and the payment's return still work;
- to the signed-in customer whose account the order belongs to.
Anyone else sees the same page as for an unknown token.
"""

from datetime import UTC, datetime, timedelta

from nicegui import app

from domain.models import Order, Shop
from ui.storefront.customer_session import current_customer

RECENT_WINDOW = timedelta(hours=1)
_KEY = 'placed_orders'  # order id -> when this browser placed it (ISO)
_KEPT = 10  # the newest few are enough for "right after checkout"


def remember_placed(order_id: int) -> None:
    """Note that this browser just placed order `order_id`."""
    placed = dict(app.storage.user.get(_KEY) or {})
    placed[str(order_id)] = datetime.now(UTC).isoformat()
    app.storage.user[_KEY] = dict(sorted(placed.items(), key=lambda item: item[1])[-_KEPT:])


def placed_here_recently(order: Order) -> bool:
    when = (app.storage.user.get(_KEY) or {}).get(str(order.id))
    try:
        return when is not None and datetime.now(UTC) - datetime.fromisoformat(when) <= RECENT_WINDOW
    except (TypeError, ValueError):
        return False


async def may_see_order(shop: Shop, order: Order) -> bool:
    """Whether this browser may see `order`, which it opened by the order's token."""
    if shop.guest_status_link or placed_here_recently(order):
        return True
    if order.customer_id is None:
        return False
    customer = await current_customer(shop)
    return customer is not None and customer.id == order.customer_id
