"""Orderly instances as subprocesses (`python main.py`) on free ports, for tests of several instances on one database.

Each instance gets its own data folder and log file; all share the database, the secret key and the admin. It is
ready when `/readyz` (or, where there is none, the storefront) answers 200. `kill()` is kill -9: no clean-up at all.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.mail_catcher import free_port

ROOT = Path(__file__).resolve().parent.parent


class OrderlyInstance:
    def __init__(self, name: str, folder: Path, *, database_url: str, secret_key: str, **settings: str) -> None:
        self.name, self.port = name, free_port()
        self.folder = folder / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log_path = self.folder / 'orderly.log'
        # pytest's and NiceGUI's test variables would put the subprocess in NiceGUI's test mode
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI_', 'ORDERLY_'))}
        self.env = {**inherited, 'ORDERLY_DATABASE_URL': database_url, 'ORDERLY_SECRET_KEY': secret_key,
                    'ORDERLY_PORT': str(self.port), 'ORDERLY_DATA_DIR': str(self.folder / 'data'),
                    'ORDERLY_ADMIN_EMAIL': ADMIN_EMAIL, 'ORDERLY_ADMIN_PASSWORD': ADMIN_PASSWORD,
                    'NICEGUI_STORAGE_PATH': str(self.folder / 'storage'), 'PYTHONUNBUFFERED': '1',
                    **{f'ORDERLY_{key.upper()}': value for key, value in settings.items()}}
        self.process: subprocess.Popen | None = None

    @property
    def slot(self) -> str:
        """Its outbox workers' slot: the leases they hold are "slot/run"."""
        return f'{socket.gethostname()}:{self.port}'[:40]

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def start(self) -> 'OrderlyInstance':
        with self.log_path.open('ab') as log:
            self.process = subprocess.Popen([sys.executable, 'main.py'], cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return self

    def wait_ready(self, seconds: float = 60) -> 'OrderlyInstance':
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, \
                f'{self.name} exited with {self.process.returncode if self.process else None}:\n{self.log_tail()}'
            try:
                answer = httpx.get(f'{self.url}/readyz', timeout=2)
                if answer.status_code == 404:  # an older build without health endpoints: the storefront then
                    answer = httpx.get(f'{self.url}/', timeout=2)
                if answer.status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f'{self.name} not ready within {seconds} s:\n{self.log_tail()}')

    def kill(self) -> None:
        """kill -9: the process ends mid-work, its leases and connections left behind as a crash leaves them."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors='replace') if self.log_path.exists() else ''

    def log_tail(self, lines: int = 40) -> str:
        return '\n'.join(self.log().splitlines()[-lines:])

    def errors(self) -> list[str]:
        """Lines of its log that report an error or a traceback."""
        return [line for line in self.log().splitlines() if ' ERROR ' in line or '"ERROR"' in line
                or line.startswith('Traceback')]


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)


@contextmanager
def running_instances(folder: Path, names: Iterable[str] = ('a', 'b'),
                      **settings: str) -> Iterator[list[OrderlyInstance]]:
    """Start instances one after the other (the first creates the schema and the demo shop); stop them all after."""
    instances = [OrderlyInstance(name, folder, **settings) for name in names]
    try:
        for instance in instances:
            instance.start().wait_ready()
        yield instances
    finally:
        for instance in instances:
            instance.stop()
