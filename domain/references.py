"""A reference or tracking code becomes a link when it is a web address or a carrier's tracking number."""

import re
from urllib.parse import quote, urlsplit

# Tracking numbers of the carriers our merchants use most, most specific first, with their public tracking page.
CARRIERS: list[tuple[str, re.Pattern[str], str]] = [
    ('UPS', re.compile(r'1Z[0-9A-Z]{16}'), 'https://www.ups.com/track?tracknum={code}'),
    ('PostNL', re.compile(r'3S[0-9A-Z]{9,13}'), 'https://jouw.postnl.nl/track-and-trace/{code}'),
    ('bpost', re.compile(r'(?:[A-Z]{2}[0-9]{9}BE|32[0-9]{22})'),
     'https://track.bpost.cloud/btr/web/#/search?itemCode={code}'),
    ('DHL', re.compile(r'(?:JJD[0-9]{10,20}|JVGL[0-9]{8,20})'), 'https://www.dhl.com/track?tracking-id={code}'),
    ('DPD', re.compile(r'0[0-9]{13}'), 'https://tracking.dpd.de/status/en_US/parcel/{code}'),
]


def reference_link(reference: str) -> tuple[str, str] | None:
    """(label, url) for a web address or a known carrier's tracking code; None for an internal reference."""
    reference = reference.strip()
    if re.match(r'(?i)https?://', reference):
        parts = urlsplit(reference)
        if parts.scheme.lower() in {'http', 'https'} and parts.hostname and not parts.username and ' ' not in reference:
            return parts.hostname, reference
        return None
    code = re.sub(r'\s+', '', reference).upper()
    for carrier, pattern, url in CARRIERS:
        if pattern.fullmatch(code):
            return f'Track with {carrier}', url.format(code=quote(code))
    return None
