"""Addresses as people read them: country names from ISO 3166 codes, the postal address below the shop name."""

from domain.addresses import country_name, postal_lines


def test_a_country_code_is_shown_as_its_english_name():
    assert country_name('BE') == 'Belgium'
    assert country_name('nl') == 'Netherlands'


def test_the_name_follows_the_locale_asked_for():
    assert country_name('BE', 'nl') == 'België'
    assert country_name('DE', 'fr') == 'Allemagne'


def test_an_unknown_code_or_locale_is_never_an_error():
    assert country_name('XQ') == 'XQ'
    assert country_name('') == ''
    assert country_name('BE', 'zz') == 'Belgium'


def test_a_postal_address_that_starts_with_the_shops_name_is_printed_without_it():
    assert postal_lines('Demo shop\nGrote Markt 1\n\n1000 Brussels', without=('demo shop',)) == [
        'Grote Markt 1', '1000 Brussels']
    assert postal_lines('Grote Markt 1\n1000 Brussels', without=('Demo shop',)) == ['Grote Markt 1', '1000 Brussels']
