"""Page events a browser's own script could send instead of the page's: wrong types, unknown columns, huge or
negative numbers. Each is ignored or clamped, never an unhandled error (the User fixture fails a test on any ERROR
log), and the grid keeps working."""

import pytest
from nicegui import events, ui
from nicegui.testing import User

from domain import admin_auth
from tests.ui.test_admin_orders import customer_orders, emit_page_event, eventually, sign_in, table_rows


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


def emit_element_event(user: User, marker: str, event: str, args: object) -> None:
    """What a hand-made `emitEvent`-like call to the element's listener would send, `args` as the browser chose."""
    element = user.find(marker=marker).elements.pop()
    listeners = [listener for listener in element._event_listeners.values() if listener.type == event]
    assert listeners, f'{marker} does not listen for {event}'
    with user.client:
        for listener in listeners:
            events.handle_event(listener.handler,
                                events.GenericEventArguments(sender=element, client=user.client, args=args))


CRAFTED_REQUESTS = [
    {'pagination': {'page': 'abc', 'rowsPerPage': 25, 'sortBy': 'created_at', 'descending': True}},
    {'pagination': {'page': -5, 'rowsPerPage': 10**9, 'sortBy': 'no_such_column', 'descending': 'yes'}},
    {'pagination': {'page': 10**30, 'rowsPerPage': 'all', 'sortBy': ['total'], 'descending': None}},
    {'pagination': {'page': float('nan'), 'rowsPerPage': float('inf')}},
    {'pagination': {'page': [1], 'rowsPerPage': {'n': 1}, 'sortBy': 42}},
    {'pagination': 'not a dict'},
    {'no pagination': True},
    'not a dict',
    None,
]


async def test_crafted_grid_requests_are_clamped_and_the_grid_keeps_working(user: User):
    codes = {await customer_orders('Ann Peeters'), await customer_orders('Bert Claes')}
    await sign_in(user)
    await eventually(lambda: {row['code'] for row in table_rows(user)} == codes)
    table = user.find(marker='orders-table').elements.pop()
    for args in CRAFTED_REQUESTS:
        emit_element_event(user, 'orders-table', 'request', args)
        await eventually(lambda: isinstance(table.pagination, dict) and table.pagination.get('rowsPerPage') in
                         (25, 50, 100) and isinstance(table.pagination.get('page'), int)
                         and table.pagination['page'] >= 1
                         and table.pagination.get('sortBy') in ('created_at', 'total', 'status'))
    for args in CRAFTED_REQUESTS:  # NiceGUI's own listener stores what it is sent as the table's pagination
        emit_element_event(user, 'orders-table', 'update:pagination', args)
        assert table.pagination['rowsPerPage'] in (25, 50, 100) and table.pagination['page'] >= 1
    # the grid still pages and sorts as asked by its own controls
    emit_element_event(user, 'orders-table', 'request',
                       {'pagination': {'page': 1, 'rowsPerPage': 50, 'sortBy': 'total', 'descending': False}})
    await eventually(lambda: {row['code'] for row in table_rows(user)} == codes
                     and table.pagination['rowsPerPage'] == 50 and table.pagination['sortBy'] == 'total')


async def test_crafted_open_events_on_the_grid_open_nothing_and_log_no_error(user: User):
    code = await customer_orders()
    await sign_in(user)
    for args in ({}, {'code': 42}, {'code': ['x']}, 'not a dict', None, {'code': 'x' * 10_000}):
        emit_element_event(user, 'orders-table', 'open', args)
    await user.should_not_see('Reference or tracking code')
    emit_element_event(user, 'orders-table', 'open', {'code': code})  # the real thing still opens the order
    await user.should_see('Reference or tracking code')


async def test_crafted_selection_events_select_nothing_unknown_and_log_no_error(user: User):
    code = await customer_orders()
    await sign_in(user)
    await eventually(lambda: [row['code'] for row in table_rows(user)] == [code])
    table = user.find(marker='orders-table').elements.pop()
    for args in ({}, 'not a dict', None, {'added': True, 'rows': 'x', 'keys': []},
                 {'added': True, 'rows': [{'no id': 1}, 7, {'id': 'abc'}], 'keys': []},
                 {'added': False, 'rows': [], 'keys': 'x'}, {'added': True, 'rows': [{'id': 999_999}], 'keys': []}):
        emit_element_event(user, 'orders-table', 'selection', args)
    assert table.selected == []
    row = table_rows(user)[0]
    emit_element_event(user, 'orders-table', 'selection', {'added': True, 'rows': [row], 'keys': [row['id']]})
    await user.should_see('1 selected')


async def test_toolbar_events_with_junk_arguments_log_no_error(user: User):
    await sign_in(user)
    for event in ('orders_export', 'orders_test_order', 'admin_sign_out'):
        emit_page_event(user, event, {'junk': [1, 2, 3]})
    await user.should_see('Sign in to Orderly', retries=20)


async def test_crafted_page_numbers_in_the_mailbox_show_the_first_page_and_log_no_error(user: User):
    from datetime import UTC, datetime

    from domain.catalogue import default_shop
    from domain.models import MailboxMail
    shop = await default_shop()
    now = datetime.now(UTC)
    await MailboxMail.bulk_create([MailboxMail(shop=shop, message_id=f'<{n}@x>', recipient='ann@example.com',
                                               subject=f'Mail {n}', source='', created_at=now) for n in range(30)])
    await sign_in(user)
    await user.open('/admin/settings/mailbox')
    await user.should_see('Mail 29')
    for value in ('abc', -3, 10**30, [2], 2.5, None, 2):
        await user.should_see(ui.pagination)
        pagination = user.find(ui.pagination).elements.pop()  # the list, and its pagination, are made anew each turn
        with user.client:
            pagination.set_value(value)
        await eventually(lambda shown=pagination: shown.is_deleted)  # the turn has drawn the list again
        await user.should_see('Mail 0' if value == 2 else 'Mail 29')  # else the first page again
