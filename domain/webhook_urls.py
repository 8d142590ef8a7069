"""Where API PUSH may send: https URLs of public hosts, never the cloud's metadata service or link-local addresses.

The shop owner chooses the URL, so the request must not be turned against the machine Orderly runs on. The rules
are checked when an endpoint is saved, and again on the resolved address before every connection
(integrations/webhooks.py), so a name that later resolves somewhere forbidden is refused then too.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from domain.errors import OrderlyError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Never, whatever the owner allows: link-local (where every cloud's metadata service answers), metadata hosts
# outside it, "this host", multicast and reserved ranges.
FORBIDDEN_NETWORKS = {
    'a link-local address': ['169.254.0.0/16', 'fe80::/10'],
    "a cloud provider's metadata service": ['fd00::/8', '100.100.100.200/32', '168.63.129.16/32'],
    'an address that is not a host': ['0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4', '::/128', 'ff00::/8'],
}
METADATA_HOSTS = frozenset({'metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data',
                            'instance-data.ec2.internal', 'metadata.azure.com'})
# Allowed only with the endpoint's "local network" switch
LOCAL_NETWORKS = {
    'this computer (loopback)': ['127.0.0.0/8', '::1/128'],
    'a private network': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
}

_FORBIDDEN = [(why, ipaddress.ip_network(net)) for why, nets in FORBIDDEN_NETWORKS.items() for net in nets]
_LOCAL = [(why, ipaddress.ip_network(net)) for why, nets in LOCAL_NETWORKS.items() for net in nets]
LOOPBACK_NAMES = ('localhost', 'localhost.localdomain')
MAX_URL_LENGTH = 2000


class UnsafeTarget(OrderlyError):
    """The URL or the address it resolves to may not receive API PUSH; the message says why."""


def address_refusal(address: str | IPAddress, *, allow_local: bool) -> str:
    """Why API PUSH may not connect to `address` ('' if it may)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for why, network in _FORBIDDEN:
        if ip.version == network.version and ip in network:
            return f'{ip} is {why}'
    if not allow_local:
        for why, network in _LOCAL:
            if ip.version == network.version and ip in network:
                return f'{ip} is {why}; switch on "local network" for this endpoint to allow it'
    return ''


def is_loopback(address: str | IPAddress) -> bool:
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int, *, timeout: float = 3) -> list[str]:
    """The addresses `host` resolves to; [] if it does not resolve (now)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
    except (OSError, TimeoutError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_url(url: str, *, allow_local: bool, resolver: Resolver = resolve) -> str:
    """`url` cleaned up if API PUSH may POST to it; otherwise `UnsafeTarget` with a message for the owner.

    https only, except for this computer itself (testing); no user name or password in it; never link-local or
    metadata addresses; loopback and private ones only with `allow_local`. A name that does not resolve yet is
    accepted: every connection checks the address again.
    """
    url = (url or '').strip()
    if not url:
        raise UnsafeTarget('Please enter the address that receives the orders, like https://pos.example.com/orderly.')
    if len(url) > MAX_URL_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise UnsafeTarget('This address is too long or contains spaces.')
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget('This is not a valid web address.') from None
    scheme = parts.scheme.lower()
    if scheme not in ('https', 'http'):
        raise UnsafeTarget('Only https:// addresses can receive API PUSH.')
    if parts.username is not None or parts.password is not None or '@' in parts.netloc:
        raise UnsafeTarget('Please remove the user name and password from the address: the receiver checks the '
                           'signature (webhook-signature header) instead.')
    if parts.fragment or url.endswith('#'):
        raise UnsafeTarget('The address cannot have a #fragment: it is never sent to the receiver.')
    host = (parts.hostname or '').rstrip('.')
    if not host:
        raise UnsafeTarget('This address has no host name.')
    if host in METADATA_HOSTS:
        raise UnsafeTarget(f'{host} is a cloud metadata service: API PUSH never sends there.')
    port = port or (443 if scheme == 'https' else 80)
    addresses = [host] if _ip(host) else await resolver(host, port)
    for address in addresses:
        refusal = address_refusal(address, allow_local=allow_local)
        if refusal:
            raise UnsafeTarget(f'API PUSH cannot send to {host}: {refusal}.')
    loopback = host in LOOPBACK_NAMES or host.endswith('.localhost') or \
        (bool(addresses) and all(is_loopback(address) for address in addresses))
    if scheme == 'http' and not loopback:
        raise UnsafeTarget('Please use https:// (http:// only for a receiver on this computer, for testing).')
    if loopback and not allow_local:
        raise UnsafeTarget(f'{host} is this computer; switch on "local network" for this endpoint to allow it.')
    return url


def shown_url(url: str) -> str:
    """The URL without its query string (a receiver may put a token there): for logs and lists."""
    parts = urlsplit(url)
    return f'{parts.scheme}://{parts.netloc}{parts.path}' + ('?…' if parts.query else '')


def _ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
