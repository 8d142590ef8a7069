"""A reference becomes a link when it is a web address or a known carrier's tracking code."""

import pytest

from domain.references import reference_link


@pytest.mark.parametrize(('reference', 'label', 'url'), [
    ('1Z999AA10123456784', 'Track with UPS', 'https://www.ups.com/track?tracknum=1Z999AA10123456784'),
    (' 3s 1234 5678 9 ', 'Track with PostNL', 'https://jouw.postnl.nl/track-and-trace/3S123456789'),
    ('CD123456789BE', 'Track with bpost', 'https://track.bpost.cloud/btr/web/#/search?itemCode=CD123456789BE'),
    ('JJD0099999999', 'Track with DHL', 'https://www.dhl.com/track?tracking-id=JJD0099999999'),
    ('https://track.example.com/p?id=42', 'track.example.com', 'https://track.example.com/p?id=42'),
])
def test_tracking_codes_and_addresses_become_links(reference, label, url):
    assert reference_link(reference) == (label, url)


@pytest.mark.parametrize('reference', [
    'PO-2024-118', 'invoice 42', '', 'javascript:alert(1)', 'https://user:pw@evil.example/', 'ftp://files.example/x',
    'https://exa mple.com', 'http://',
])
def test_internal_references_and_unsafe_addresses_stay_text(reference):
    assert reference_link(reference) is None
