"""The few statements on the checkout's hot path that the ORM cannot express (UPDATE … RETURNING).

Written once with `?` placeholders; PostgreSQL's driver gets them numbered.
"""

import json
import re
from datetime import datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from itertools import count
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

_PLACEHOLDER = re.compile(r'\?')


def for_dialect(sql: str, dialect: str) -> str:
    if dialect != 'postgres':
        return sql
    counter = count(1)
    return _PLACEHOLDER.sub(lambda _: f'${next(counter)}', sql)


async def fetch(connection: BaseDBAsyncClient, sql: str, *values: Any) -> list:
    """Run `sql` on `connection` (use the transaction's) and return its rows, addressable by column name."""
    return await _rows(connection, for_dialect(sql, connection.capabilities.dialect), list(values))


async def _rows(connection: BaseDBAsyncClient, sql: str, values: list) -> list:
    if connection.capabilities.dialect == 'postgres' and _RETURNING.match(sql):
        # Tortoise's asyncpg client drops the rows of an UPDATE/INSERT/DELETE; as a SELECT from a data-modifying
        # WITH, the statement runs once all the same and its rows come back as records (by name and position).
        sql = f'WITH returned AS ({sql}) SELECT * FROM returned'
    _, rows = await connection.execute_query(sql, values)
    return list(rows)


_RETURNING = re.compile(r'\s*(INSERT|UPDATE|DELETE)\b.*\bRETURNING\b', re.IGNORECASE | re.DOTALL)


def decimal(value: Any) -> Decimal:
    """A NUMERIC read back raw: SQLite returns text or float, PostgreSQL a Decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


_NATIVE = frozenset({str, int, float, bool, type(None), datetime})


def _db_value(value: Any) -> Any:
    if type(value) in _NATIVE:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)  # SQLite has no Decimal type; PostgreSQL parses the text exactly
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


async def insert_rows(connection: BaseDBAsyncClient, table: str, rows: list[dict[str, Any]],
                      returning: str = '') -> list:
    """Insert `rows` (same keys each) into `table` with multi-row INSERTs: one round trip per ~32,000 values."""
    if not rows:
        return []
    columns = tuple(rows[0])
    per_statement = _MAX_VALUES // len(columns)
    result = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        sql = _insert_sql(table, columns, len(chunk), returning, connection.capabilities.dialect)
        result += await _rows(connection, sql, [_db_value(row[column]) for row in chunk for column in columns])
    return result


_MAX_VALUES = 32_000  # per statement: PostgreSQL's protocol takes at most 32,767 parameters, SQLite 32,766


@lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], row_count: int, returning: str, dialect: str) -> str:
    one_row = f'({", ".join("?" for _ in columns)})'
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES {", ".join(one_row for _ in range(row_count))}'
    return for_dialect(sql + (f' RETURNING {returning}' if returning else ''), dialect)
