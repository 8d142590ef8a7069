"""Schema migrations: apply the committed `migrations/` package (Tortoise's built-in migrations) in order, once.

Instances that start together on one PostgreSQL server take turns (an advisory lock), so each migration runs once.
"""

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields.base import DB_DEFAULT_NOT_SET
from tortoise.indexes import Index
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.schema_editor import AsyncpgSchemaEditor, BaseSchemaEditor, SqliteSchemaEditor
from tortoise.models import Model

from domain.sql import fetch
from integrations.search_index import ensure_order_search_index

APP = 'models'
MIGRATIONS = 'migrations'
APPS = {APP: {'models': ['domain.models'], 'default_connection': 'default', 'migrations': MIGRATIONS}}
INITIAL = '0001_initial'
_LOCK_KEY = 7_100_410  # pg_advisory_lock's key for "migrating Orderly"; any number no other program uses

logger = logging.getLogger(__name__)


async def migrate_database(*, replay: bool = False) -> list[str]:
    """Bring the database to the newest schema, then create the search index's objects (raw SQL outside the models,
    idempotent); returns the names of the migrations applied. A new, empty database gets the models' tables at once
    with every migration recorded (as Rails loads schema.rb; 0.1 s instead of 2 s, the same schema:
    tests/integration/test_migrations.py), unless `replay`."""
    connection = connections.get('default')
    # PostgreSQL's CREATE EXTENSION/INDEX IF NOT EXISTS are not safe against each other: the index takes the turn too
    async with _one_instance_at_a_time(connection):
        applied = await _migrate(connection, replay=replay)
        await ensure_order_search_index()
    return applied


async def _migrate(connection: BaseDBAsyncClient, *, replay: bool) -> list[str]:
    executor = Migrator(connection, APPS)
    pending = [step.migration.name for step in await executor.plan()]
    if not await executor.recorder.applied_migrations():
        if await _has_table(connection, 'shop'):  # made before Orderly had migrations (by generate_schemas)
            await executor.migrate([MigrationTarget(APP, INITIAL)], fake=True)
            logger.info('Database without migration history: recorded %s as applied', INITIAL)
            pending = [step.migration.name for step in await executor.plan()]
        elif not replay:
            await Tortoise.generate_schemas(safe=True)
            await executor.migrate(fake=True)
            logger.info('New database: created the tables and recorded %s as applied', ', '.join(pending))
            return pending
    await executor.migrate(progress=_log_progress)
    return pending


async def pending_migrations() -> list[str]:
    """The committed migrations the database has not applied (also when it cannot be read: then all)."""
    executor = Migrator(connections.get('default'), APPS)
    await executor.loader.build_graph()  # reads the applied ones too
    return sorted(key.name for key in executor.loader.disk_migrations
                  if key not in executor.loader.applied_migrations)


class Migrator(MigrationExecutor):
    """Tortoise's executor with faults of Tortoise 1.1.9's schema editors mended (below)."""

    def _schema_editor(self, atomic: bool = True, collect_sql: bool = False) -> BaseSchemaEditor:
        editor = super()._schema_editor(atomic=atomic, collect_sql=collect_sql)
        mended = {SqliteSchemaEditor: _SqliteSchemaEditor, AsyncpgSchemaEditor: _PostgresSchemaEditor}.get(type(editor))
        return mended(self.connection, atomic=atomic, collect_sql=collect_sql) if mended else editor


class _Mended(BaseSchemaEditor):
    # Tortoise 1.1.9 writes Meta.indexes = (('shop', 'created_at'),) as an index on a column "shop", which does not
    # exist ("shop_id" does): PostgreSQL refuses it and SQLite indexes the string 'shop'. Index the columns, and
    # name the index as generate_schemas does, so that later migrations find it by that name on every database.
    def _get_index_sql(self, model: type[Model], field_names: list[str], *args: Any, **kwargs: Any) -> str:
        return super()._get_index_sql(model, self._resolve_fields_to_columns(model, field_names), *args, **kwargs)

    def _index_name_for_model(self, model: type[Model], index: Index) -> str:
        if index.name:
            return index.name
        index.resolve_expressions(model)
        return self._generate_index_name('idx', model, self._resolve_fields_to_columns(model, index.field_names))

    # It also adds a NOT NULL column without a value for the rows already there, which both databases refuse (give
    # existing rows the field's default, as the model gives new ones), and forgets the index of a db_index field.
    async def add_field(self, model: type[Model], field_name: str) -> None:
        field = model._meta.fields_map[field_name]
        fill = not (field.null or field.has_db_default() or field.default is None or field.pk)
        if fill:
            field.db_default = field.default() if callable(field.default) else field.default
        try:
            await super().add_field(model, field_name)
        finally:
            if fill:
                field.db_default = DB_DEFAULT_NOT_SET
        column = getattr(field, 'source_field', None) or field_name
        key = model._meta.fields_map.get(column, field)
        if (field.index or key.index) and not key.pk and not key.unique:
            await self._run_sql(self._get_index_sql(model, [model._meta.fields_db_projection.get(column, column)]))


class _PostgresSchemaEditor(_Mended, AsyncpgSchemaEditor):
    pass


class _SqliteSchemaEditor(_Mended, SqliteSchemaEditor):
    # Tortoise 1.1.9 also splits an atomic migration's SQL at every ';', even inside a table's comment ("…; only
    # the token's hash is stored"), and fails with a syntax error: split where a statement is complete instead.
    async def _run_sql(self, sql: str) -> None:
        if self.collect_sql or not self.atomic_migration:
            await super()._run_sql(sql)
            return
        for statement in _sqlite_statements(sql):
            await self.client.execute_query(statement)


def _sqlite_statements(sql: str) -> Iterator[str]:
    statement = ''
    for piece in sql.split(';'):
        statement += piece + ';'
        if sqlite3.complete_statement(statement):
            if statement.strip(' \n\t;'):
                yield statement.strip()
            statement = ''


def _log_progress(event: str, app_label: str, name: str) -> None:
    if event == 'apply_done':
        logger.info('Applied migration %s.%s', app_label, name)


async def _has_table(connection: BaseDBAsyncClient, table: str) -> bool:
    if connection.capabilities.dialect == 'sqlite':
        rows = await fetch(connection, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table)
    else:
        rows = await fetch(connection, 'SELECT 1 FROM information_schema.tables '
                                       'WHERE table_schema = current_schema() AND table_name = ?', table)
    return bool(rows)


@asynccontextmanager
async def _one_instance_at_a_time(connection: BaseDBAsyncClient) -> AsyncIterator[None]:
    if connection.capabilities.dialect != 'postgres':
        yield  # SQLite: one machine, and its migrations run in a transaction behind the file's write lock
        return
    # Session-level lock on a pooled connection of its own; the migrations run on other connections of the pool.
    async with connection.acquire_connection() as locked:
        await locked.execute('SELECT pg_advisory_lock($1)', _LOCK_KEY)
        try:
            yield
        finally:
            await locked.execute('SELECT pg_advisory_unlock($1)', _LOCK_KEY)
