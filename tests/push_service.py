"""A Web Push service on loopback, for tests and the bench: it takes pushes as FCM or Mozilla's autopush would,
checks each one's VAPID signature, and decrypts it with the keys of the fake browser that subscribed.

A fake browser makes what a real one makes when it subscribes: a P-256 key pair and a 16-byte auth secret.
"""

import asyncio
import base64
import binascii
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

DAY = 24 * 3600


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


class FakeBrowser:
    """The keys a browser keeps for one subscription; it alone can read what is pushed to it."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """What `PushSubscription.toJSON()` returns in the browser."""
        public = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                            serialization.PublicFormat.UncompressedPoint)
        return {'endpoint': endpoint, 'expirationTime': None,
                'keys': {'p256dh': b64encode(public), 'auth': b64encode(self.auth_secret)}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret,
                                version='aes128gcm')


class Refused(Exception):
    """A push the service turns down with 400 (or 401/403 for VAPID), as a real one would."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def verify_vapid(authorization: str, origin: str, *, now: float | None = None) -> tuple[dict[str, Any], str]:
    """The claims of a `vapid t=…, k=…` header (RFC 8292), and its key; raise `Refused` unless it is valid here."""
    now = now or time.time()
    scheme, _, rest = authorization.partition(' ')
    params = dict(part.strip().split('=', 1) for part in rest.split(',') if '=' in part)
    if scheme.lower() != 'vapid' or not {'t', 'k'} <= params.keys():
        raise Refused(401, f'not a VAPID authorization: {authorization[:40]!r}')
    token, key = params['t'], params['k']
    try:
        header, claims, signature = (b64decode(part) for part in token.split('.'))
        signed = token.rsplit('.', 1)[0].encode()
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(key))
        if len(signature) != 64:
            raise InvalidSignature
        der = utils.encode_dss_signature(int.from_bytes(signature[:32], 'big'), int.from_bytes(signature[32:], 'big'))
        public_key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
        header, claims = json.loads(header), json.loads(claims)
    except (ValueError, binascii.Error, InvalidSignature):
        raise Refused(403, 'the VAPID signature does not verify') from None
    if header.get('alg') != 'ES256':
        raise Refused(403, f'VAPID algorithm {header.get("alg")}, not ES256')
    if claims.get('aud') != origin:
        raise Refused(403, f'VAPID audience {claims.get("aud")!r}, not {origin!r}')
    if not isinstance(claims.get('exp'), int) or not now < claims['exp'] <= now + DAY:
        raise Refused(403, f'VAPID expiry {claims.get("exp")} not within the next 24 h')
    if not str(claims.get('sub', '')).startswith(('mailto:', 'https://')):
        raise Refused(403, f'VAPID subject {claims.get("sub")!r} is no contact')
    return claims, key


@dataclass(frozen=True)
class Push:
    device: str  # the last part of the endpoint: which fake browser it was for
    headers: dict[str, str]  # names in lower case
    claims: dict[str, Any]
    vapid_key: str  # the application server's public key, as the push service saw it
    payload: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class PushService:
    """Start on a free loopback port; `subscribe()` a fake browser; read `received`. Per device, answer a chosen
    status (`answers`, e.g. 410) or answer late (`slow`, seconds)."""

    def __init__(self, *, verify: bool = True) -> None:
        self.verify = verify  # the bench may skip the checks, to time the app and not this service
        self.browsers: dict[str, FakeBrowser] = {}
        self.received: list[Push] = []
        self.refused: list[str] = []  # why pushes were turned down: a test expecting none asserts it stays empty
        self.answers: dict[str, int] = {}
        self.slow: dict[str, float] = {}
        self.requests = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self._server is not None, 'start the service first'
        host, port = self._server.server_address[:2]
        return f'http://{host}:{port}'

    def start(self) -> 'PushService':
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'  # keep-alive, as push services do

            def do_POST(self) -> None:
                status, text = service.take(self.path, {k.lower(): v for k, v in self.headers.items()},
                                            self.rfile.read(int(self.headers.get('Content-Length', 0))))
                body = text.encode()
                self.send_response(status)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 512  # a burst of connections must not wait for SYN retries

        self._server = Server(('127.0.0.1', 0), Handler)
        threading.Thread(target=self._server.serve_forever, name='push service', daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def subscribe(self, name: str | None = None) -> dict[str, Any]:
        """A new fake browser subscribes; returns its subscription as the browser would hand it to the page."""
        name = name or f'device-{len(self.browsers) + 1}'
        self.browsers[name] = browser = FakeBrowser()
        return browser.subscription(f'{self.origin}/push/{name}')

    def take(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        name = path.rsplit('/', 1)[-1]
        with self._lock:
            self.requests += 1
        if delay := self.slow.get(name):
            time.sleep(delay)
        if status := self.answers.get(name):
            return status, 'as the test asked'
        browser = self.browsers.get(name)
        if browser is None or not path.startswith('/push/'):
            return 404, 'no such subscription'
        try:
            if self.verify:
                if headers.get('content-encoding') != 'aes128gcm' or 'ttl' not in headers:
                    raise Refused(400, f'headers {headers}')
                claims, key = verify_vapid(headers.get('authorization', ''), self.origin)
            else:
                claims, key = {}, ''
            payload = json.loads(browser.decrypt(body))
        except Refused as refusal:
            with self._lock:
                self.refused.append(str(refusal))
            return refusal.status, str(refusal)
        except Exception as error:  # undecryptable: what a browser would drop
            with self._lock:
                self.refused.append(f'cannot decrypt: {error!r}')
            return 400, 'cannot decrypt'
        with self._lock:
            self.received.append(Push(device=name, headers=headers, claims=claims, vapid_key=key, payload=payload))
        return 201, ''

    def to(self, name: str) -> list[Push]:
        with self._lock:
            return [push for push in self.received if push.device == name]

    async def wait_for(self, count: int, seconds: float = 10) -> list[Push]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count:
            assert time.monotonic() < deadline, f'{len(self.received)} of {count} pushes arrived; ' \
                                                f'refused: {self.refused}'
            await asyncio.sleep(0.02)
        with self._lock:
            return list(self.received)
