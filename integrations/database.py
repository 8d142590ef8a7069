"""Database set-up: the Tortoise config for SQLite (WAL, synchronous=NORMAL) or PostgreSQL."""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise

from integrations.search_index import ensure_order_search_index

MODELS = ['domain.models']
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
        'apps': {'models': {'models': MODELS, 'default_connection': 'default'}},
        'use_tz': True,
        'timezone': 'UTC',
    }


async def open_database(url: str) -> None:
    """Connect and create missing tables (scripts, benchmarks and tests outside the web app)."""
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    await Tortoise.generate_schemas(safe=True)
    await ensure_order_search_index()
