"""A real HTTP receiver for API PUSH tests: a threaded http.server on a free loopback port that keeps every request.

It answers 200 unless told otherwise (`script`: answers for the next requests, in turn), can be slow (`delay`),
and can be stopped (connections cut, port closed) and started again on the same port.
"""

import random
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.mail_catcher import free_port


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'ok'


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int  # what the receiver answered
    at: float = 0.0  # time.monotonic() when it arrived (before any `delay`)

    @property
    def webhook_id(self) -> str:
        return self.headers['webhook-id']


class WebhookReceiver:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.requests: list[Request] = []
        self.script: list[Answer] = []  # answers for the next requests, first first; then `default`
        self.default = Answer()
        self.delay: float | tuple[float, float] = 0.0  # seconds before answering; (low, high): random between
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._connections: set[socket.socket] = set()

    def url(self, path: str = '/hook') -> str:
        return f'http://127.0.0.1:{self.port}{path}'

    def start(self) -> 'WebhookReceiver':
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'  # keep-alive, as real receivers do

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get('content-length', 0)))
                arrived = time.monotonic()
                delay = receiver.delay if isinstance(receiver.delay, float | int) else random.uniform(*receiver.delay)
                if delay:
                    time.sleep(delay)
                with receiver._lock:
                    answer = receiver.script.pop(0) if receiver.script else receiver.default
                    receiver.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                     body, answer.status, arrived))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header('content-length', str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

            def process_request(self, request, client_address) -> None:
                receiver._connections.add(request)
                super().process_request(request, client_address)

            def shutdown_request(self, request) -> None:
                receiver._connections.discard(request)
                super().shutdown_request(request)

        self._server = Server(('127.0.0.1', self.port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the port and cut every open connection: a receiver that is down."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        for connection in list(self._connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server = None

    def delivered(self) -> list[Request]:
        """The requests answered with a 2xx, in arrival order."""
        with self._lock:
            return [request for request in self.requests if 200 <= request.status < 300]
