import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidOrderCode
from domain.order_codes import format_order_code, parse_order_code

ALPHANUMERIC = string.digits + string.ascii_uppercase
prefixes = st.from_regex(r'[A-Z][A-Z0-9]{1,7}', fullmatch=True)
numbers = st.integers(min_value=1, max_value=10**12 - 1)


def test_order_code_has_prefix_number_and_two_check_characters():
    code = format_order_code('DEMO', 1042)
    assert code.startswith('DEMO-1042-')
    assert len(code.rsplit('-', 1)[1]) == 2
    assert parse_order_code(code, prefix='DEMO').number == 1042


@given(prefixes, numbers)
def test_every_formatted_code_parses_back(prefix, number):
    parsed = parse_order_code(format_order_code(prefix, number).lower(), prefix=prefix)
    assert (parsed.prefix, parsed.number) == (prefix, number)


@given(prefixes, numbers, st.data())
def test_every_single_character_typo_is_caught(prefix, number, data):
    code = format_order_code(prefix, number)
    position = data.draw(st.sampled_from([i for i, char in enumerate(code) if char != '-']))
    typo = data.draw(st.sampled_from([c for c in ALPHANUMERIC if c != code[position]]))
    mistyped = code[:position] + typo + code[position + 1:]
    with pytest.raises(InvalidOrderCode):
        parse_order_code(mistyped)


@given(prefixes, numbers, st.data())
def test_every_swap_of_neighbouring_characters_is_caught(prefix, number, data):
    code = format_order_code(prefix, number)
    swappable = [i for i in range(len(code) - 1) if '-' not in code[i:i + 2] and code[i] != code[i + 1]]
    if not swappable:
        return
    i = data.draw(st.sampled_from(swappable))
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
    with pytest.raises(InvalidOrderCode):
        parse_order_code(swapped)


def test_code_of_another_shop_is_rejected():
    with pytest.raises(InvalidOrderCode, match='not an order of this shop'):
        parse_order_code(format_order_code('OTHER', 7), prefix='DEMO')


@pytest.mark.parametrize('text', ['', 'DEMO', 'DEMO-1042', 'DEMO-0042-AB', 'DEMO-12-A', 'DE MO-1-AB', '<b>-1-AB'])
def test_malformed_codes_are_rejected(text):
    with pytest.raises(InvalidOrderCode, match='not an order code'):
        parse_order_code(text)
