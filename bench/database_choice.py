"""`[N] [--postgres | --database-url URL]` for the benchmarks that run against SQLite or PostgreSQL."""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from tests.postgres_server import PostgresServer


def parse_arguments(description: str, n: int, n_help: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('n', nargs='?', type=int, default=n, help=n_help)
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--postgres', action='store_true', help='a throwaway PostgreSQL server (Debian binaries)')
    where.add_argument('--database-url', default='', help='an empty PostgreSQL database: postgres://…')
    return parser.parse_args()


@contextmanager
def postgres_url(arguments: argparse.Namespace) -> Iterator[str]:
    """The PostgreSQL database to use: a fresh one on a throwaway server (stopped after), the given one, or ''
    for SQLite."""
    if not arguments.postgres:
        yield arguments.database_url
        return
    server = PostgresServer().start()
    try:
        yield server.database()
    finally:
        server.stop()
