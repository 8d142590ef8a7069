"""`python main.py migrate`, `python main.py backup PATH` and `python main.py reset-password EMAIL`: operations that
do their work and exit, no web server."""

import argparse
import asyncio
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise

from config import Settings
from domain.admin_auth import reset_password
from domain.models import Shop
from integrations.backup import backup_sqlite, sqlite_path
from integrations.database import open_database


def add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest='command', metavar='[migrate | backup PATH | reset-password EMAIL]',
                                     description='Without a command, Orderly runs the web server.')
    commands.add_parser('migrate', help='apply the migrations the database lacks (the server does it at start too)')
    backup = commands.add_parser('backup', help='copy the SQLite database to PATH, consistent while Orderly runs '
                                                '(PostgreSQL: use pg_dump)')
    backup.add_argument('path', type=Path, metavar='PATH')
    reset = commands.add_parser('reset-password', help="set a new password for the admin with this e-mail (shown "
                                                       'once, here only) and end their sessions')
    reset.add_argument('email', metavar='EMAIL')


def run_command(arguments: argparse.Namespace, settings: Settings) -> int:
    """Run the command of `arguments`; returns the process's exit code."""
    if arguments.command == 'migrate':
        applied = asyncio.run(_migrate(settings.effective_database_url))
        print(f'Applied {", ".join(applied)}.' if applied else 'The database is up to date.')
        return 0
    if arguments.command == 'reset-password':
        done = asyncio.run(_reset_password(settings.effective_database_url, arguments.email))
        if not done:
            print(f'There is no administrator with the e-mail address {arguments.email.strip()}.')
            return 1
        for email, shop, password in done:
            # printed once, to the console only: it is never written to a log file
            print(f'New password for {email} ({shop}): {password}\nTheir sessions have ended.', flush=True)
        return 0
    database = sqlite_path(settings.effective_database_url)
    if database is None:
        print('The database is PostgreSQL: back it up with pg_dump, e.g.\n'
              f'  pg_dump --format=custom --file {arguments.path} "{_without_password(settings.database_url)}"\n'
              '(give the password in PGPASSWORD or ~/.pgpass); restore with pg_restore.')
        return 2
    if not database.exists():
        print(f'There is no database at {database}.')
        return 1
    orders = backup_sqlite(database, arguments.path)
    print(f'Backed up {database} to {arguments.path} ({orders} orders; integrity check ok).')
    return 0


async def _migrate(url: str) -> list[str]:
    try:
        return await open_database(url)
    finally:
        await Tortoise.close_connections()


async def _reset_password(url: str, email: str) -> list[tuple[str, str, str]]:
    try:
        await open_database(url)
        return [(admin.email, (await Shop.get(id=admin.shop_id)).name, password)
                for admin, password in await reset_password(email)]
    finally:
        await Tortoise.close_connections()


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f':{parts.password}@', '@', 1)))
