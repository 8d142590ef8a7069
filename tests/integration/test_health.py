"""/readyz answers 503 and names the check that fails: database, migrations or outbox dispatcher."""

import httpx
from fastapi import FastAPI
from tortoise import Tortoise, connections

from integrations.database import tortoise_config
from integrations.health import add_health_routes
from tests.postgres_server import free_port


async def readiness(running: bool = True) -> tuple[int, dict]:
    app = FastAPI()
    add_health_routes(app, dispatcher_running=lambda: running)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as probe:
        response = await probe.get('/readyz')
    return response.status_code, response.json()


async def test_ready_when_database_migrations_and_dispatcher_are(db):
    assert await readiness() == (200, {'status': 'ready', 'checks': {'database': 'ok', 'migrations': 'ok',
                                                                     'outbox_dispatcher': 'ok'}})


async def test_not_ready_while_the_dispatcher_does_not_run(db):
    status, answer = await readiness(running=False)
    assert (status, answer['status'], answer['checks']['outbox_dispatcher']) == (503, 'not ready', 'not running')
    assert answer['checks']['database'] == 'ok'


async def test_not_ready_while_a_migration_is_not_applied(db):
    await connections.get('default').execute_query("DELETE FROM tortoise_migrations WHERE name = '0001_initial'")
    status, answer = await readiness()
    assert (status, answer['checks']['migrations'], answer['checks']['database']) == (503, '1 not applied', 'ok')


async def test_not_ready_when_the_database_does_not_answer(caplog):
    secret = 'hunter2-database-password'
    await Tortoise.init(config=tortoise_config(f'postgres://orderly:{secret}@127.0.0.1:{free_port()}/orderly'),
                        _enable_global_fallback=True)
    try:
        status, answer = await readiness()
    finally:
        await Tortoise.close_connections()
    assert (status, answer['checks']['database']) == (503, 'unreachable')
    assert answer['checks']['migrations'] != 'ok'
    assert 'does not answer' in caplog.text and secret not in caplog.text + str(answer)
