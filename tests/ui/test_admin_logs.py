"""The shop's Logs: what happened, newest first, filterable by kind and order, live."""

from nicegui.testing import User

from domain.logs import KINDS
from tests.ui.test_admin_orders import customer_orders, eventually, sign_in

DELIVERIES = {label for kind, label in KINDS.items() if kind.startswith('delivery.')}


def log_rows(user: User) -> list[dict]:
    """The Logs' rows, less the order mails' deliveries (the app's dispatcher sends them meanwhile)."""
    return [row for row in user.find(marker='logs-table').elements.pop().rows if row['kind'] not in DELIVERIES]


async def test_logs_show_orders_and_sign_ins_newest_first_and_live(user: User):
    first = await customer_orders('Ann Peeters')
    await sign_in(user, password='wrong', ok=False)
    await user.should_see('Wrong e-mail or password.', retries=50)
    await sign_in(user)
    await user.open('/admin/logs')
    await user.should_see(marker='kind-filter')
    assert [row['kind'] for row in log_rows(user)] == ['Sign-in', 'Failed sign-in', 'Order placed', 'Administrators']
    assert log_rows(user)[2]['order'] == first
    second = await customer_orders('Bert Claes')
    await eventually(lambda: log_rows(user)[0]['order'] == second)


async def test_logs_filter_by_kind_and_by_order_code(user: User):
    first, second = await customer_orders('Ann Peeters'), await customer_orders('Bert Claes')
    await sign_in(user)
    await user.open('/admin/logs')
    await user.should_see(marker='kind-filter')
    user.find(marker='kind-filter').click()
    user.find('Order placed').click()
    await eventually(lambda: [row['order'] for row in log_rows(user)] == [second, first])
    user.find(marker='order-filter').type(first.lower())
    user.find(marker='order-filter').trigger('keydown.enter')
    await eventually(lambda: [row['order'] for row in log_rows(user)] == [first])
