"""The orders grid's search index (SQLite FTS5, trigram; PostgreSQL pg_trgm) and the indexes its sorts need.

SQLite: orders are written with raw multi-row INSERTs (domain/checkout.py), so triggers, not Python hooks, keep the
FTS index in step with the `order` table. PostgreSQL keeps its GIN trigram indexes in step by itself.

The index is made at every start if missing. Its definition is the list of searched columns
(`domain.order_queries.SEARCHED_COLUMNS`): on SQLite an index made by an older Orderly with other columns is dropped
with its triggers and built anew (PostgreSQL just gains the new column's index).
"""

from tortoise import connections
from tortoise.transactions import in_transaction

from domain.order_queries import SEARCHED_COLUMNS
from domain.sql import fetch

_COLUMNS = ', '.join(SEARCHED_COLUMNS)
_NEW = ', '.join(f'new.{column}' for column in SEARCHED_COLUMNS)
_OLD = ', '.join(f'old.{column}' for column in SEARCHED_COLUMNS)
_TRIGGERS = ('order_search_insert', 'order_search_delete', 'order_search_update')

# External content: the FTS table stores only the trigram index; the text stays in "order" (no second copy).
_STATEMENTS = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS order_search USING fts5(
        {_COLUMNS}, content='order', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER IF NOT EXISTS order_search_insert AFTER INSERT ON "order" BEGIN
        INSERT INTO order_search (rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    # An external-content index forgets a row only when told its old values.
    f"""CREATE TRIGGER IF NOT EXISTS order_search_delete AFTER DELETE ON "order" BEGIN
        INSERT INTO order_search (order_search, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
    END""",
    # Only the searched columns: a status change must not rewrite the index.
    f"""CREATE TRIGGER IF NOT EXISTS order_search_update AFTER UPDATE OF {_COLUMNS} ON "order" BEGIN
        INSERT INTO order_search (order_search, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO order_search (rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    # Sorting by total: the column is text in SQLite ('100.00' < '9.50'), so sort and index its numeric value.
    'CREATE INDEX IF NOT EXISTS order_shop_total ON "order" (shop_id, CAST(total AS REAL))',
]

# One trigram index per searched column: `code ILIKE '%x%' OR customer_name ILIKE … OR …` becomes a BitmapOr of
# index scans, matching inside one column only, as FTS5 does.
_POSTGRES_STATEMENTS = [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    *(f'CREATE INDEX IF NOT EXISTS order_{column}_trgm ON "order" USING gin ({column} gin_trgm_ops)'
      for column in SEARCHED_COLUMNS),
    'CREATE INDEX IF NOT EXISTS order_shop_total ON "order" (shop_id, total)',  # NUMERIC sorts by value
]
_POSTGRES_LOCK = 0x6F7264657273  # "orders": the advisory lock key of this set-up


async def ensure_order_search_index() -> None:
    """Create the orders' search index (and on SQLite its triggers) and the grid's extra indexes; on SQLite rebuild an
    index of other columns and fill the index if it lags."""
    connection = connections.get('default')
    if connection.capabilities.dialect == 'postgres':
        # Instances starting together take turns: two concurrent CREATE … IF NOT EXISTS can both try to create.
        async with in_transaction() as transaction:
            await fetch(transaction, 'SELECT pg_advisory_xact_lock(?)', _POSTGRES_LOCK)
            for statement in _POSTGRES_STATEMENTS:
                await transaction.execute_script(statement)
        return
    indexed = [row['name'] for row in await fetch(connection, "SELECT name FROM pragma_table_info('order_search')")]
    async with in_transaction() as transaction:
        if indexed and indexed != list(SEARCHED_COLUMNS):  # made by an older Orderly: drop, then build anew
            for trigger in _TRIGGERS:
                await transaction.execute_script(f'DROP TRIGGER IF EXISTS {trigger}')
            await transaction.execute_script('DROP TABLE order_search')
        for statement in _STATEMENTS:
            await transaction.execute_script(statement)
    # The docsize shadow table has one row per indexed order (counting order_search itself would read "order").
    rows = await fetch(connection, 'SELECT (SELECT COUNT(*) FROM order_search_docsize) AS indexed, '
                                   '(SELECT COUNT(*) FROM "order") AS orders')
    if rows[0]['indexed'] != rows[0]['orders']:  # new index on existing orders, or orders written without triggers
        await connection.execute_script("INSERT INTO order_search (order_search) VALUES ('rebuild')")
