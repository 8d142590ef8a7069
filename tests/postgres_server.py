"""A throwaway PostgreSQL server for tests: Debian's binaries, a fresh cluster in a temporary folder, a free port.

As root (CI, this sandbox) the server runs as the `postgres` system user, because PostgreSQL refuses to run as root.
`PostgresServer().start()` returns once the server accepts connections; `database()` creates a fresh database and
returns its `postgres://` URL; `stop()` stops the server and removes the cluster.
"""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from glob import glob
from pathlib import Path

USER = 'orderly'


def postgres_bin() -> Path | None:
    """Folder with initdb and pg_ctl (Debian keeps them out of PATH), or None when PostgreSQL is not installed."""
    found = sorted(glob('/usr/lib/postgresql/*/bin/pg_ctl'), key=lambda p: int(p.split('/')[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which('pg_ctl')
    return Path(pg_ctl).parent if pg_ctl else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError('PostgreSQL is not installed (Debian: apt-get install postgresql)')
        self.folder = Path(tempfile.mkdtemp(prefix='orderly-pg-'))
        self.data = self.folder / 'data'
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self._as_postgres = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        prefix = ['runuser', '-u', 'postgres', '--'] if self._as_postgres else []
        subprocess.run(prefix + list(command), check=True, capture_output=True, cwd=self.folder)

    def start(self) -> 'PostgresServer':
        password_file = self.folder / 'password'
        password_file.write_text(self.password)
        if self._as_postgres:
            shutil.chown(self.folder, 'postgres')
            shutil.chown(password_file, 'postgres')
        self._run(str(self.bin / 'initdb'), '-D', str(self.data), '-U', USER, '--pwfile', str(password_file),
                  '-A', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8')
        options = (f'-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off '
                   '-c synchronous_commit=off -c full_page_writes=off -c max_connections=300')
        self._run(str(self.bin / 'pg_ctl'), '-D', str(self.data), '-o', options, '-l', str(self.folder / 'log'),
                  '-w', '-t', '60', 'start')
        return self

    def url(self, database: str = 'postgres') -> str:
        return f'postgres://{USER}:{self.password}@127.0.0.1:{self.port}/{database}'

    def database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Create a fresh database (optionally a copy of `template`) and return its URL."""
        name = name or f'test_{secrets.token_hex(6)}'
        copy = f' TEMPLATE {template}' if template else ''
        self.sql(f'CREATE DATABASE {name}{copy}')
        return self.url(name)

    def sql(self, statement: str, database: str = 'postgres') -> str:
        result = subprocess.run([str(self.bin / 'psql'), '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', statement,
                                 self.url(database)], check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(self.bin / 'pg_ctl'), '-D', str(self.data), '-m', 'immediate', '-w', 'stop')
        shutil.rmtree(self.folder, ignore_errors=True)
