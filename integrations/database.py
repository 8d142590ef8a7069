"""Database set-up: the Tortoise config for SQLite (WAL, synchronous=NORMAL) or PostgreSQL."""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from integrations.schema_migrations import APPS, migrate_database

SQLITE_PRAGMAS = {'journal_mode': 'WAL', 'synchronous': 'NORMAL', 'busy_timeout': '5000'}


def database_url(url: str) -> str:
    """`url` with SQLite's pragmas added (and its folder created); other databases unchanged."""
    parts = urlsplit(url)
    if parts.scheme != 'sqlite':
        return url
    path = parts.netloc + parts.path
    if path != ':memory:':
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    query = {**SQLITE_PRAGMAS, **dict(parse_qsl(parts.query))}
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ''))


def tortoise_config(url: str) -> dict:
    return {
        'connections': {'default': database_url(url)},
        'apps': APPS,
        'use_tz': True,
        'timezone': 'UTC',
    }


async def open_database(url: str) -> list[str]:
    """Connect and bring the schema up to date (scripts, benchmarks, tests and `python main.py migrate`);
    returns the names of the migrations applied."""
    # Tortoise caches each model's INSERT by connection name, not by dialect: a process that opened SQLite before
    # (tests of both) would send PostgreSQL SQLite's `?` placeholders
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    return await migrate_database()


def __getattr__(name: str) -> dict:
    # `tortoise makemigrations` / `tortoise migrate` (pyproject's [tool.tortoise]) read the config of the settings
    if name == 'TORTOISE_ORM':
        from config import Settings  # only then: importing this module must not read the environment

        return tortoise_config(Settings().effective_database_url)
    raise AttributeError(name)
