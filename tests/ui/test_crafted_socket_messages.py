"""Socket.io messages a hand-made client sends instead of a page's own: a select value that is no option, an event
for an element or listener that does not exist, payloads of the wrong shape, and browser "log" lines that forge
server log lines. They go over a real socket.io connection to the composed app (served by uvicorn in the test's
own loop, so `caplog` sees every record): each is dropped with at most a WARNING, never an ERROR or a traceback,
and the page keeps working afterwards."""

import asyncio
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlencode

import httpx
import pytest
import socketio
import uvicorn
from nicegui import Client, app, ui
from nicegui.testing import User

from domain.admin_auth import open_session
from domain.models import AdminUser
from tests.conftest import ADMIN_EMAIL
from tests.mail_catcher import free_port
from ui.components.browser_session import ADMIN_COOKIE


@asynccontextmanager
async def served() -> AsyncIterator[str]:
    """The composed app (its lifespan already run by the `user` fixture) on a real port, in this loop."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host='127.0.0.1', port=port, lifespan='off', log_config=None))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started, 'uvicorn did not start'
    try:
        yield f'http://127.0.0.1:{port}'
    finally:
        server.should_exit = True
        await task


class Tab:
    """One page as a hand-made client sees it: its HTML once, then NiceGUI's socket.io connection."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base, cookies=cookies)
        self.sio = socketio.AsyncClient(reconnection=False)
        self.base = base

    async def open(self, path: str) -> 'Tab':
        answer = await self.http.get(path)
        assert answer.status_code == 200, answer.status_code
        self.client_id = re.search(r"'client_id': '([0-9a-f-]+)'", answer.text).group(1)
        next_message_id = re.search(r"'next_message_id': (\d+)", answer.text).group(1)
        query = urlencode({'client_id': self.client_id, 'next_message_id': next_message_id,
                           'implicit_handshake': 'true', 'document_id': str(uuid.uuid4()),
                           'tab_id': str(uuid.uuid4())})
        await self.sio.connect(f'{self.base}?{query}', socketio_path='/_nicegui_ws/socket.io',
                               transports=['websocket'], wait_timeout=10)
        await eventually(lambda: self.client.has_socket_connection)
        return self

    @property
    def client(self) -> Client:
        return Client.instances[self.client_id]

    def element(self, marker: str) -> ui.element:
        found = [e for e in self.client.elements.values() if marker in e._markers]
        assert len(found) == 1, f'{len(found)} elements marked {marker}'
        return found[0]

    def listener_id(self, element: ui.element, event: str) -> str:
        return next(i for i, listener in element._event_listeners.items() if listener.type == event)

    async def event(self, element: ui.element, event: str, *args: object) -> None:
        """What the page's own script sends for an event of `element`: each argument JSON-encoded."""
        await self.send('event', {'id': element.id, 'client_id': self.client_id,
                                  'listener_id': self.listener_id(element, event),
                                  'args': [json.dumps(arg) for arg in args]})

    async def send(self, event: str, payload: object) -> None:
        await self.sio.emit(event, payload)

    async def close(self) -> None:
        await self.sio.disconnect()
        await self.http.aclose()


async def eventually(condition: Callable[[], bool], seconds: float = 5) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition()


async def settled() -> None:
    """Messages are handled in tasks of their own: give the ones just sent time to run (and to log)."""
    await asyncio.sleep(0.3)


def assert_no_error_or_traceback(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info or 'Traceback' in r.getMessage()]
    assert not bad, [(r.name, r.levelname, r.getMessage()[:200]) for r in bad]


@pytest.fixture
async def signed_in_cookies(user: User) -> dict[str, str]:
    admin = await AdminUser.get(email=ADMIN_EMAIL)
    return {ADMIN_COOKIE: await open_session(admin)}


async def test_a_select_value_that_is_no_option_keeps_the_current_value(signed_in_cookies, caplog):
    async with served() as base:
        tab = await Tab(base, signed_in_cookies).open('/admin/settings/shop')
        zone = tab.element('timezone')
        before = zone.value
        options = zone._values
        crafted = [{'value': 99_999}, {'value': -1}, {'value': 'x'}, {'value': None}, {'value': True},
                   {'no value': 1}, {'value': [0]}, 42, [1, 2], {'value': 1.5}, 'Europe/Paris', ['Europe/Paris']]
        for value in crafted:
            await tab.event(zone, 'update:modelValue', value)
        await settled()
        assert zone.value == before
        assert_no_error_or_traceback(caplog)
        # the page's own choice still works
        index = next(i for i, option in enumerate(options) if option != before)
        await tab.event(zone, 'update:modelValue', {'value': index, 'label': options[index]})
        await eventually(lambda: zone.value == options[index])
        await tab.close()


async def test_events_for_unknown_elements_and_listeners_and_malformed_ones_are_dropped(signed_in_cookies, caplog):
    async with served() as base:
        tab = await Tab(base, signed_in_cookies).open('/admin/settings/shop')
        name = tab.element('name')
        listener = tab.listener_id(name, 'update:value')
        me = tab.client_id
        crafted = [
            {'id': name.id, 'client_id': me, 'listener_id': 'no-such-listener', 'args': ['"x"']},
            {'id': 999_999, 'client_id': me, 'listener_id': listener, 'args': ['"x"']},
            {'id': name.id, 'client_id': me, 'args': ['"x"']},  # no listener
            {'client_id': me, 'listener_id': listener, 'args': ['"x"']},  # no element
            {'id': [1], 'client_id': me, 'listener_id': listener, 'args': ['"x"']},
            {'id': name.id, 'client_id': me, 'listener_id': ['x'], 'args': ['"x"']},
            {'id': name.id, 'client_id': me, 'listener_id': listener, 'args': ['{not json']},
            {'id': name.id, 'client_id': me, 'listener_id': listener, 'args': [42]},
            {'id': name.id, 'client_id': me, 'listener_id': listener, 'args': 'not a list'},
            {'id': name.id, 'client_id': [me], 'listener_id': listener, 'args': ['"x"']},
            {'id': name.id, 'listener_id': listener, 'args': ['"x"']},  # no client
            'not a dict', None, [1, 2], 42,
        ]
        for payload in crafted:
            await tab.send('event', payload)
        for event in ('javascript_response', 'ack', 'log', 'handshake'):
            for payload in ({}, 'not a dict', None, {'client_id': me}, {'client_id': ['x']},
                            {'client_id': me, 'next_message_id': 'abc', 'request_id': ['x'], 'level': 'nope'}):
                await tab.send(event, payload)
        await settled()
        assert name.value == tab.client.elements[name.id].value  # still there
        assert_no_error_or_traceback(caplog)
        await tab.event(name, 'update:value', 'Still works')  # the page's own event still arrives
        await eventually(lambda: name.value == 'Still works')
        await tab.close()


async def test_events_for_a_client_are_taken_only_from_its_own_socket(signed_in_cookies, caplog):
    async with served() as base:
        victim = await Tab(base, signed_in_cookies).open('/admin/settings/shop')
        attacker = await Tab(base).open('/')
        name = victim.element('name')
        await attacker.send('event', {'id': name.id, 'client_id': victim.client_id,
                                      'listener_id': victim.listener_id(name, 'update:value'),
                                      'args': [json.dumps('Forged by another socket')]})
        await settled()
        assert name.value != 'Forged by another socket'
        assert_no_error_or_traceback(caplog)
        await victim.event(name, 'update:value', 'Typed by the owner')
        await eventually(lambda: name.value == 'Typed by the owner')
        await attacker.close()
        await victim.close()


FORGED = ('boom\n2026-01-01 00:00:00,000 ERROR domain.payments: refund of 10,000.00 EUR failed for order ABC-1\n'
          '\x1b[31mfake red\x1b[0m')


async def test_a_browser_log_message_is_one_marked_warning_line_short_and_rate_limited(user: User, caplog):
    async with served() as base:
        tab = await Tab(base).open('/')
        await tab.send('log', {'client_id': tab.client_id, 'level': 'error', 'message': FORGED})
        await tab.send('log', {'client_id': tab.client_id, 'level': 'error', 'message': 'y' * 100_000})
        for n in range(200):
            await tab.send('log', {'client_id': tab.client_id, 'level': 'warning', 'message': f'flood {n}'})
        await settled()
        assert_no_error_or_traceback(caplog)
        lines = [r.getMessage() for r in caplog.records if 'boom' in r.getMessage() or 'flood' in r.getMessage()
                 or 'yyyy' in r.getMessage()]
        forged = [line for line in lines if 'boom' in line]
        assert len(forged) == 1, lines[:5]
        assert all(r.levelno == logging.WARNING for r in caplog.records if 'boom' in r.getMessage())
        assert '\n' not in forged[0] and '\x1b' not in forged[0]
        assert 'browser' in forged[0].lower()  # says where it comes from
        assert 'refund of 10,000.00 EUR failed' in forged[0]  # the text is kept, escaped onto one line
        assert all(len(line) <= 700 for line in lines)
        assert sum('flood' in line for line in lines) < 50  # a flood is cut short
        await tab.close()


async def test_a_malformed_implicit_handshake_is_refused_without_a_traceback(user: User, caplog):
    async with served() as base:
        tab = Tab(base)
        page = await tab.http.get('/')
        client_id = re.search(r"'client_id': '([0-9a-f-]+)'", page.text).group(1)
        for query in ({'client_id': client_id, 'implicit_handshake': 'true', 'next_message_id': 'abc',
                       'document_id': 'd', 'tab_id': 't'},
                      {'client_id': client_id, 'implicit_handshake': 'true'}):
            with pytest.raises(socketio.exceptions.ConnectionError):
                await tab.sio.connect(f'{base}?{urlencode(query)}', socketio_path='/_nicegui_ws/socket.io',
                                      transports=['websocket'], wait_timeout=5)
        await settled()
        assert_no_error_or_traceback(caplog)
        await tab.http.aclose()
        opened = await Tab(base).open('/')  # a well-formed one still connects
        await opened.close()


def emit_value(element: ui.element, args: object) -> None:
    """The element's own listener for a value change, handed `args` as if the browser had sent them."""
    from nicegui import events
    for listener in element._event_listeners.values():
        if listener.type.startswith('update:'):
            with element.client:
                events.handle_event(listener.handler,
                                    events.GenericEventArguments(sender=element, client=element.client, args=args))


async def test_normal_choices_still_work_and_crafted_ones_keep_the_value(user: User, caplog):
    elements: dict[str, ui.element] = {}

    @ui.page('/choice-probe')
    def probe() -> None:
        elements['single'] = ui.select({'a': 'A', 'b': 'B', 'c': 'C'}, value='a', clearable=True)
        elements['multiple'] = ui.select(['a', 'b', 'c'], value=['a'], multiple=True)
        elements['new'] = ui.select(['a', 'b'], value='a', new_value_mode='add-unique')
        elements['new_multiple'] = ui.select(['a', 'b'], value=[], multiple=True, new_value_mode='add')
        elements['radio'] = ui.radio(['x', 'y', 'z'], value='x')
        elements['toggle'] = ui.toggle(['x', 'y', 'z'], value='x')
        elements['number'] = ui.number(value=1)

    await user.open('/choice-probe')
    single, multiple, new, new_multiple = (elements[k] for k in ('single', 'multiple', 'new', 'new_multiple'))
    radio, toggle, number = elements['radio'], elements['toggle'], elements['number']

    emit_value(single, {'value': 1, 'label': 'B'})
    assert single.value == 'b'
    for crafted in ({'value': 3}, {'value': -1}, {'value': '1'}, {'value': True}, 'a', [0], {}):
        emit_value(single, crafted)
        assert single.value == 'b', crafted
    emit_value(single, None)  # cleared
    assert single.value is None

    emit_value(multiple, [{'value': 0, 'label': 'a'}, {'value': 2, 'label': 'c'}])
    assert multiple.value == ['a', 'c']
    for crafted in ([{'value': 0}, {'value': 9}], {'value': 0}, ['b'], [None], 'a'):
        emit_value(multiple, crafted)
        assert multiple.value == ['a', 'c'], crafted
    emit_value(multiple, None)
    assert multiple.value == []

    emit_value(new, 'typed')  # a value typed in: added and chosen
    assert new.value == 'typed' and 'typed' in new.options
    emit_value(new, {'value': 1, 'label': 'b'})
    assert new.value == 'b'
    emit_value(new_multiple, [{'value': 0, 'label': 'a'}, 'typed'])
    assert new_multiple.value == ['a', 'typed']

    emit_value(radio, 2)
    assert radio.value == 'z'
    for crafted in (3, -1, '1', None, True, {'value': 0}):
        emit_value(radio, crafted)
        assert radio.value == 'z', crafted
    emit_value(toggle, 1)
    assert toggle.value == 'y'
    for crafted in (5, -2, 'x', [1]):
        emit_value(toggle, crafted)
        assert toggle.value == 'y', crafted
    emit_value(toggle, None)
    assert toggle.value is None

    emit_value(number, '3.5')
    assert number.value == 3.5
    for crafted in ('abc', [1], {'n': 1}):
        emit_value(number, crafted)
        assert number.value == 3.5, crafted
    assert_no_error_or_traceback(caplog)
