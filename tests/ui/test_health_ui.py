"""/healthz and /readyz of the composed app (main.py), asked without a session as a load balancer asks."""

import httpx
from nicegui import app
from nicegui.testing import User


async def test_a_started_app_is_healthy_and_ready_without_a_session(user: User):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as probe:
        health = await probe.get('/healthz')
        ready = await probe.get('/readyz')
    assert (health.status_code, health.json()) == (200, {'status': 'ok'})
    assert ready.status_code == 200
    assert ready.json() == {'status': 'ready', 'checks': {'database': 'ok', 'migrations': 'ok',
                                                          'outbox_dispatcher': 'ok'}}
