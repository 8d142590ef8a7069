"""/healthz and /readyz for load balancers and orchestrators: no session, no details beyond which check failed.

/healthz: the process answers. /readyz: the database answers, every committed migration is applied and the outbox
dispatcher runs; otherwise 503 naming the failing checks (the reason goes to the log, not to the caller).
"""

import asyncio
import logging
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from tortoise import connections

from integrations.schema_migrations import pending_migrations

DATABASE_TIMEOUT = 3  # seconds; a load balancer's probe usually gives up after 5

log = logging.getLogger(__name__)


def add_health_routes(app: FastAPI, *, dispatcher_running: Callable[[], bool]) -> None:
    """Add /healthz and /readyz to `app`; `dispatcher_running` tells whether the outbox workers run."""

    @app.get('/healthz', include_in_schema=False)
    async def healthz() -> dict:
        return {'status': 'ok'}

    @app.get('/readyz', include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = {'database': await _database(), 'migrations': await _migrations(),
                  'outbox_dispatcher': 'ok' if dispatcher_running() else 'not running'}
        ready = all(result == 'ok' for result in checks.values())
        return JSONResponse({'status': 'ready' if ready else 'not ready', 'checks': checks},
                            status_code=200 if ready else 503)


async def _database() -> str:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            await connections.get('default').execute_query('SELECT 1')
    except Exception as error:  # any failure means "not ready"; its class is enough to tell which (no URL, no secret)
        log.warning('readiness: the database does not answer (%s)', type(error).__name__)
        return 'unreachable'
    return 'ok'


async def _migrations() -> str:
    try:
        pending = await pending_migrations()
    except Exception as error:
        log.warning('readiness: could not read the applied migrations (%s)', type(error).__name__)
        return 'unknown'
    return f'{len(pending)} not applied' if pending else 'ok'
