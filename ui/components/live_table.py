"""Change one row of a server-side `ui.table` and send the browser that row only.

Assigning `table.rows` (or `table.pagination`, or calling `table.update()`) sends the whole table to the browser
again and makes NiceGUI wrap every row anew: with many open pages that is most of what a push costs. These
functions change the rows on the server without announcing it, and send the browser a short script that makes the
same change there. Each script carries the row's whole new state (put it first, replace it, drop it), so it changes
nothing when the browser already has it, e.g. from a full update that was on its way.
"""

import json
from typing import Any

from nicegui import ui

# The table's rows and pagination are NiceGUI's observable collections: changed through their own methods, they
# wrap each new row and announce each change (~120 µs a push per open page, and garbage for the collector). Here the
# plain list and dict methods change them silently; the script below tells the browser instead.
_set_items = list.__setitem__
_set_key = dict.__setitem__


def share_columns(table: ui.table, columns: list[dict]) -> None:
    """Give the table `columns` as they are, one list for all open pages (nothing changes them), not a wrapped copy
    per page."""
    _set_key(table.props, 'columns', columns)


def show_rows(table: ui.table, rows: list[dict], pagination: dict) -> None:
    """Show a new page of `rows`: the whole table goes to the browser once, as `table.rows = ...` would send it.

    The rows stay plain dicts and lists: wrapped in NiceGUI's observables, each row costs another ~0.5 KiB in every
    open page, and nothing here changes a row through them."""
    _set_key(table.props, 'rows', rows)
    _set_key(table.props, 'pagination', pagination)
    table.update()


def put_first(table: ui.table, row: dict, *, limit: int, others: dict | None = None,
              row_count: int | None = None) -> None:
    """Show `row` on top (moving it there if shown), keep `limit` rows; set `others` on the other rows."""
    key = table.row_key
    kept = [r for r in table.rows if r[key] != row[key]][:limit - 1]
    for other in kept:
        for name, value in (others or {}).items():
            if other.get(name) != value:
                _set_key(other, name, value)
    _set_items(table.rows, slice(None), [row, *kept])
    _send(table, 'p.rows.forEach(r => { for (const [n, v] of Object.entries(others)) if (r[n] !== v) r[n] = v; }); '
                 'p.rows = [row, ...p.rows.filter(r => r[k] !== row[k])].slice(0, limit);',
          row_count, row=row, others=others or {}, limit=limit)


def replace_row(table: ui.table, row: dict) -> bool:
    """Show `row` instead of the shown row with its key; False (and nothing sent) when no such row is shown."""
    key = table.row_key
    index = next((i for i, r in enumerate(table.rows) if r[key] == row[key]), None)
    if index is None:
        return False
    _set_items(table.rows, index, row)
    _send(table, 'p.rows = p.rows.map(r => r[k] === row[k] ? row : r);', row=row)
    return True


def remove_row(table: ui.table, key: Any, *, row_count: int | None = None) -> bool:
    """Stop showing the row with `key`; False (and nothing sent) when it is not shown."""
    kept = [r for r in table.rows if r[table.row_key] != key]
    if len(kept) == len(table.rows):
        return False
    _set_items(table.rows, slice(None), kept)
    _send(table, 'p.rows = p.rows.filter(r => r[k] !== key);', row_count, key=key)
    return True


def _send(table: ui.table, change: str, row_count: int | None = None, **values: Any) -> None:
    """Run `change` in the browser on `p`, the table's props as NiceGUI's Vue app keeps them (reactive: changing
    them re-renders that table), with `k` its row key and `values` as JSON; `row_count` is pagination's
    `rowsNumber`, the count of all matching rows, on the server and in the browser.

    `mounted_app.elements` is NiceGUI's own (3.18); tests/browser/test_admin_in_chromium.py notices if it moves."""
    if row_count is not None:
        _set_key(table.pagination, 'rowsNumber', row_count)
        change += f' p.pagination = {{...p.pagination, rowsNumber: {int(row_count)}}};'
    names, arguments = ', '.join(values), ', '.join(json.dumps(value) for value in values.values())
    code = (f'((p, {names}) => {{ if (!p) return; const k = p["row-key"]; {change} }})'
            f'(mounted_app.elements[{table.id}]?.props, {arguments})')
    client = table.client
    if not client.is_deleted:  # a page may close while its handler awaited a read
        # what `run_javascript` does without awaiting, minus the background task it starts for each call
        client.outbox.enqueue_message('run_javascript', {'code': code}, client.id)
