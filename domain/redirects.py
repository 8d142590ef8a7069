"""Where a link or redirect that came with a request may lead: the shop's own origin only, over http or https.

A `javascript:` or `data:` target would run on the shop's origin (with the merchant's session), another host would
send customers to a look-alike; both arrive as "redirect URLs" from providers, `next` parameters and the like.
Browsers forgive much (backslashes as slashes, tabs and newlines dropped, `user@host`), so anything unusual is
refused rather than repaired, and what is returned is rebuilt from the parts that were checked.
"""

import re
from urllib.parse import urlsplit, urlunsplit

MAX_LENGTH = 2000
_DEFAULT_PORTS = {'http': 80, 'https': 443}
_UNSAFE = re.compile(r'[\x00-\x20\x7f\\]')  # controls, spaces, backslashes: browsers "fix" them unpredictably


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is no number, an unbalanced [
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username is not None or parts.password is not None:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def web_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) address with a host and no user name in it, else None."""
    if not url or len(url) > MAX_LENGTH or _UNSAFE.search(url) or _origin(url) is None:
        return None
    return urlunsplit(urlsplit(url))


def own_origin_url(url: str | None, base_url: str) -> str | None:
    """`url` if it leads to the shop's own origin (the scheme, host and port of `base_url`), else None.

    A path (`/order/…`) is taken relative to `base_url` and returned as an absolute URL on it."""
    if not url or len(url) > MAX_LENGTH or _UNSAFE.search(url):
        return None
    base = base_url.rstrip('/')
    own = _origin(base)
    if own is None:
        return None
    if url.startswith('/') and not url.startswith('//'):
        parts = urlsplit(base)
        url = urlunsplit((parts.scheme, parts.netloc, '', '', '')) + url
    if _origin(url) != own:
        return None
    return urlunsplit(urlsplit(url))

