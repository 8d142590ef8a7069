"""What a server-side `ui.table`'s page events may carry, checked: a browser's own script can send anything.

Quasar's `request` event, and NiceGUI's own `selection` and `update:pagination` listeners, take their arguments as
sent. A page number "abc", a sort column that does not exist, 10**9 rows per page, rows the server never showed:
each is clamped to what the table offers or ignored, never an unhandled error, never a row the server did not send.
"""

import math
from collections.abc import Sequence
from typing import Any

from nicegui import events, ui

MAX_PAGE = 10**9  # far past any shop's last page; keeps the offset a number every database takes


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def parse_pagination(args: Any, *, sortable: Sequence[str], page_sizes: Sequence[int], default_sort: str,
                     previous: dict | None = None) -> dict:
    """The pagination a `request` (or `update:pagination`) event carries, with every key checked: unknown sort
    columns fall back to `default_sort`, page sizes to the first of `page_sizes`, pages to 1..MAX_PAGE. `previous`
    (the table's pagination) keeps what the event left out and its `rowsNumber`."""
    previous = previous or {}
    sent = args.get('pagination', args) if isinstance(args, dict) else {}
    sent = sent if isinstance(sent, dict) else {}

    def pick(key: str) -> Any:
        return sent[key] if key in sent else previous.get(key)

    page = _whole_number(pick('page'))
    size = _whole_number(pick('rowsPerPage'))
    sort = pick('sortBy')
    descending = pick('descending')
    return {**previous,
            'page': min(max(page, 1), MAX_PAGE) if page is not None else 1,
            'rowsPerPage': size if size in page_sizes else page_sizes[0],
            'sortBy': sort if isinstance(sort, str) and sort in sortable else default_sort,
            'descending': descending if isinstance(descending, bool) else True}


def check_selection(table: ui.table) -> None:
    """Let NiceGUI's `selection` listener take only rows the table shows, as the server has them (not the browser's
    copies, which could carry another version or code), and ignore any other `selection` event."""
    for listener in table._event_listeners.values():
        if listener.type == 'selection' and listener.handler is not None:
            listener.handler = _checked_selection(table, listener.handler)


def _checked_selection(table: ui.table, handler: Any) -> Any:
    def checked(event: events.GenericEventArguments) -> None:
        args = event.args
        if not isinstance(args, dict) or not isinstance(args.get('rows'), list) \
                or not isinstance(args.get('keys'), list):
            return
        key = table.row_key
        shown = {row[key]: row for row in table.rows if key in row}
        wanted = [row.get(key) for row in args['rows'] if isinstance(row, dict)]
        rows = [shown[k] for k in wanted if isinstance(k, int | str) and k in shown]
        keys = [k for k in args['keys'] if isinstance(k, int | str)]
        event.args = {'added': bool(args.get('added')), 'rows': rows, 'keys': keys}
        handler(event)
    return checked


def check_pagination_changes(table: ui.table, *, sortable: Sequence[str], page_sizes: Sequence[int],
                             default_sort: str) -> None:
    """NiceGUI's `update:pagination` listener stores what it is sent as the table's pagination: store it checked."""
    for listener in table._event_listeners.values():
        if listener.type == 'update:pagination' and listener.handler is not None:
            handler = listener.handler

            def checked(event: events.GenericEventArguments, handler: Any = handler) -> None:
                event.args = parse_pagination(event.args, sortable=sortable, page_sizes=page_sizes,
                                              default_sort=default_sort, previous=dict(table.pagination))
                handler(event)
            listener.handler = checked
