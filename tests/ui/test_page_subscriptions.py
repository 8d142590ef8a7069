"""Every subscription a page makes to the event hub dies with the page's client: an order dialog left open in a tab
that was closed keeps no subscriber that would update elements of a deleted client (and log errors)."""

from nicegui.testing import User

from domain.events import DeliveriesRecorded, OrderDeleted, OrderNoteAdded, OrderStatusChanged, hub
from domain.models import Order
from domain.order_changes import StatusUpdate, change_status
from domain.statuses import OrderStatus
from tests.ui.test_admin_orders import customer_orders, sign_in

EVENTS = (OrderStatusChanged, OrderNoteAdded, DeliveriesRecorded, OrderDeleted)


def subscribers() -> dict[type, int]:
    return {event_type: len(hub._handlers[event_type]) for event_type in EVENTS}


async def test_a_closed_tab_with_an_open_order_dialog_leaves_no_subscriber(user: User):
    code = await customer_orders()
    before = subscribers()  # the app's own (outbox, event bridge), not a page's
    await sign_in(user)
    user.find(marker='orders-table').trigger('open', {'code': code})
    await user.should_see(marker='close-detail', retries=20)
    opened = subscribers()
    assert opened[OrderStatusChanged] > before[OrderStatusChanged]  # the dialog listens for changes elsewhere
    user.client.delete()  # the tab is closed with the dialog open: no 'hide' event ever comes
    assert subscribers() == before
    order = await Order.get(code=code)
    # nothing left to update a deleted client: the User fixture fails the test on any ERROR logged here
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(OrderStatus.CANCELLED))
