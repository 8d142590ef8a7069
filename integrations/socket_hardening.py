"""NiceGUI's socket.io messages are untrusted input: a page's own script sends them, but so can any program.

NiceGUI 3.18 trusts their shape. A crafted message made it raise (and log an ERROR with a traceback): an event for an
unknown listener or element, payloads that are not dicts or miss keys, args that are not JSON, a `ui.select` value
that is no option (`{'value': 99}`). Its `log` message let any browser write ERROR lines of any text and length into
the server log. `install()` re-registers NiceGUI's socket.io handlers behind checks of the message's shape (and of the
socket: a client's events count only from the socket that did its handshake), guards the choice elements'
conversion of event args, and turns browser log lines into one escaped, short, rate-limited WARNING that says it
comes from a browser. A refused message changes nothing and costs at most one (rate-limited) WARNING.

This patches NiceGUI from outside (site-packages stays as installed) and only here; the wrapped handlers call
NiceGUI's own, so real events behave exactly as before. Re-check it when NiceGUI is upgraded.
"""

import functools
import logging
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import socketio
from nicegui import Client, core
from nicegui import nicegui as nicegui_app
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.elements.radio import Radio
from nicegui.elements.select import Select
from nicegui.elements.toggle import Toggle
from nicegui.events import GenericEventArguments

log = logging.getLogger(__name__)
browser_log = logging.getLogger('orderly.browser')  # what the shop's pages report about themselves

BROWSER_LINE_LENGTH = 500
BROWSER_LINES_PER_MINUTE = 20  # per page: a page's real errors fit, a flood does not
REFUSALS_PER_MINUTE = 30  # all refusals together: a flood of crafted messages must not flood the log either
BROWSER_LEVELS = {'debug': logging.DEBUG, 'info': logging.INFO, 'warning': logging.WARNING,
                  'error': logging.WARNING}  # a browser never writes an ERROR: those are the server's own
MAX_ARG_LENGTH = 1_000_000  # the browser's own limit for a whole message (nicegui.js)


class Budget:
    """At most `per_minute` lines per key in each minute; how many were held back is told once the next minute
    begins (one WARNING), so a flood shows in the log as one line instead of thousands."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._windows: dict[str, tuple[float, int]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= 60:
            if count > self.per_minute:
                log.warning('%d further lines of %s were not logged (more than %d a minute)',
                            count - self.per_minute, key or 'refused socket.io messages', self.per_minute)
            start, count = now, 0
        self._windows[key] = (start, count + 1)
        if len(self._windows) > 10_000:  # closed pages: forget their expired windows
            self._windows = {k: w for k, w in self._windows.items() if now - w[0] < 60}
        return count < self.per_minute


refusals = Budget(REFUSALS_PER_MINUTE)
browser_lines = Budget(BROWSER_LINES_PER_MINUTE)


def one_line(text: str, limit: int = BROWSER_LINE_LENGTH) -> str:
    """`text` as one log line: control, format and line-separator characters escaped (`\\n`, `\\x1b`, `\\u202e`),
    at most `limit` characters."""
    shown = ''.join(c if c.isprintable() else c.encode('unicode_escape').decode('ascii') for c in text[:limit])
    return shown[:limit] + ('…' if len(text) > limit or len(shown) > limit else '')


def refuse(what: str, sid: str, *details: object) -> None:
    if refusals.allow(''):
        log.warning('socket.io %s from socket %s refused: %s', what, one_line(str(sid), 40),
                    one_line(' '.join(str(d) for d in details), 200))


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def own_client(sid: str, msg: dict) -> Client | None:
    """The client `msg` names, if it comes from the socket that did that client's handshake (NiceGUI itself takes a
    client's messages from any socket that names its id). None for an unknown or closed page, as NiceGUI does."""
    client = Client.instances.get(msg['client_id'])
    if client is None or client.is_deleted:
        return None
    if sid.startswith('test-') or client.id in core.sio.rooms(sid):  # test-: NiceGUI's simulated sockets
        return client
    refuse('message', sid, "for another socket's page")
    return None


def addressed(msg: object) -> bool:
    return isinstance(msg, dict) and isinstance(msg.get('client_id'), str)


def single(handler: Callable[[str, Any], Any]) -> Callable[..., Any]:
    """python-socketio calls a handler with as many arguments as the sender sent: NiceGUI's take exactly one."""
    @functools.wraps(handler)
    def take_one(sid: str, *args: Any) -> Any:
        if len(args) != 1:
            refuse(handler.__name__, sid, f'{len(args)} arguments instead of one')
            return False
        return handler(sid, args[0])
    return take_one


@single
def on_event(sid: str, msg: Any) -> None:
    if not addressed(msg):
        refuse('event', sid, 'not a dict naming its page')
        return
    client = own_client(sid, msg)
    if client is None:
        return
    element_id, listener_id, args = msg.get('id'), msg.get('listener_id'), msg.get('args', [])
    element = client.elements.get(element_id) if is_int(element_id) else None
    if element is None:
        return  # an element the page removed a moment ago: NiceGUI ignores those, so does this
    if not isinstance(listener_id, str) or listener_id not in element._event_listeners:
        refuse('event', sid, f'element {element_id} has no listener', repr(listener_id)[:60])
        return
    if not isinstance(args, list) or not all(a is None or (isinstance(a, str) and len(a) <= MAX_ARG_LENGTH)
                                             for a in args):
        refuse('event', sid, f'args of element {element_id} are not a list of JSON texts')
        return
    try:
        nicegui_app._on_event(sid, msg)
    except ValueError as error:  # an arg that is not JSON: decoded before any handler runs
        refuse('event', sid, f'args of element {element_id} are not JSON:', error)


@single
def on_javascript_response(sid: str, msg: Any) -> None:
    if not addressed(msg) or not isinstance(msg.get('request_id'), str):
        refuse('javascript_response', sid, 'malformed')
    elif own_client(sid, msg) is not None:
        nicegui_app._on_javascript_response(sid, msg)


@single
def on_ack(sid: str, msg: Any) -> None:
    if not addressed(msg) or not is_int(msg.get('next_message_id')):
        refuse('ack', sid, 'malformed')
    elif own_client(sid, msg) is not None:
        nicegui_app._on_ack(sid, msg)


@single
def on_log(sid: str, msg: Any) -> None:
    """A page's own report (a JavaScript error, a failed component) as one marked, escaped, short WARNING."""
    if not addressed(msg) or msg.get('level') not in BROWSER_LEVELS or not isinstance(msg.get('message'), str):
        refuse('log', sid, 'malformed')
        return
    level, message = msg['level'], msg['message']
    client = own_client(sid, msg)
    if client is not None and browser_lines.allow(f'browser client {client.id}'):
        browser_log.log(BROWSER_LEVELS[level], 'browser (page %s, client %s) reports: %s',
                        one_line(client.page.path, 100), client.id[:8], one_line(message))


def handshake_is_well_formed(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    texts = all(isinstance(data.get(key), str) for key in ('client_id', 'tab_id', 'document_id'))
    old_tab = data.get('old_tab_id') is None or isinstance(data.get('old_tab_id'), str)
    next_id = data.get('next_message_id')
    return texts and old_tab and (next_id is None or is_int(next_id) or (isinstance(next_id, str) and
                                                                         next_id.isascii() and next_id.isdigit()))


async def on_handshake(sid: str, *args: Any) -> bool:  # async, so python-socketio awaits it: no @single
    if len(args) != 1 or not handshake_is_well_formed(args[0]):
        refuse('handshake', sid, 'malformed')
        return False  # the page's script reloads on False
    return await nicegui_app._on_handshake(sid, args[0])


async def on_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
    query = {k: v[0] for k, v in urllib.parse.parse_qs(environ.get('QUERY_STRING', '')).items()}
    if query.get('implicit_handshake', '') == 'true' and not handshake_is_well_formed(query):
        refuse('connect', sid, 'malformed implicit handshake')
        raise socketio.exceptions.ConnectionRefusedError('Implicit handshake failed')
    await nicegui_app._on_connect(sid, environ, auth)


# ---- choice elements: an index sent by the browser must be one of the options' ----

def is_index(value: object, options: list) -> bool:
    return is_int(value) and 0 <= value < len(options)


def select_args_ok(select: Select, args: object) -> bool:
    """What Quasar's QSelect sends: None (cleared), {'value': index, 'label': …} for an option, a string only where
    new values may be typed; a list of those for a multiple select."""
    def one(arg: object) -> bool:
        if isinstance(arg, dict):
            return is_index(arg.get('value'), select._values)
        return isinstance(arg, str) and select._props.get('new-value-mode') is not None
    if args is None:
        return True
    if select.multiple:
        return isinstance(args, list) and all(one(arg) for arg in args)
    return one(args)


ARGS_CHECKS: dict[type, Callable[[Any, object], bool]] = {
    Select: select_args_ok,
    Radio: lambda radio, args: is_index(args, radio._values),
    Toggle: lambda toggle, args: args is None or is_index(args, toggle._values),
}


def guarded_conversion(cls: type, convert: Callable[[Any, GenericEventArguments], Any]) -> Callable[..., Any]:
    """`convert` that keeps the element's current value (and shows it again) instead of taking, or failing on,
    args the element's own browser code never sends."""
    check = ARGS_CHECKS.get(cls)

    @functools.wraps(convert)
    def guarded(element: Any, e: GenericEventArguments) -> Any:
        if check is None or check(element, e.args):
            try:
                return convert(element, e)
            except (LookupError, TypeError, ValueError, AttributeError) as error:
                refuse('value', '-', f'{cls.__name__} {element.id}: {type(error).__name__}')
        else:
            refuse('value', '-', f'{cls.__name__} {element.id}: not one of its options')
        element.update()  # the browser shows the value the server kept
        return element.value

    guarded.orderly_guarded = True  # type: ignore[attr-defined]  # install() runs once per composition
    return guarded


def guard_class(cls: type) -> None:
    convert = cls.__dict__.get('_event_args_to_value')
    if convert is not None and not getattr(convert, 'orderly_guarded', False):
        cls._event_args_to_value = guarded_conversion(cls, convert)


def value_classes(root: type = ValueElement) -> list[type]:
    found = []
    for cls in root.__subclasses__():
        found += [cls, *value_classes(cls)]
    return found


def guard_value_elements() -> None:
    """Wrap each value element's own conversion of event args (Select, Radio, Toggle, Number, …): those defined
    now, and those defined later (`ui` imports most elements only when a page first uses them)."""
    for cls in {ValueElement, *value_classes()}:
        guard_class(cls)
    if not getattr(ValueElement, 'orderly_guards_subclasses', False):
        def init_subclass(cls: type, **kwargs: Any) -> None:
            super(ValueElement, cls).__init_subclass__(**kwargs)  # Element's: component, dependencies, …
            guard_class(cls)
        ValueElement.__init_subclass__ = classmethod(init_subclass)  # type: ignore[method-assign,assignment]
        ValueElement.orderly_guards_subclasses = True  # type: ignore[attr-defined]


def install(sio: socketio.AsyncServer) -> None:
    """Put the checks in front of NiceGUI's socket.io handlers and element conversions (idempotent)."""
    for event, handler in (('connect', on_connect), ('handshake', on_handshake), ('event', on_event),
                           ('javascript_response', on_javascript_response), ('ack', on_ack), ('log', on_log)):
        sio.on(event, handler)
    guard_value_elements()
