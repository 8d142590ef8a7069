"""Order codes: shop prefix, per-shop sequence and two ISO 7064 MOD 1271-36 check characters.

`DEMO-1042-7K`: the check covers prefix and number, so every single-character typo and every swap of two
neighbouring characters (check characters included) is caught, and a code never passes for another shop's.
"""

import re
import string
from dataclasses import dataclass

from domain.errors import InvalidOrderCode

ALPHABET = string.digits + string.ascii_uppercase
MODULUS, RADIX = 1271, 36
PREFIX_PATTERN = re.compile(r'^[A-Z][A-Z0-9]{1,7}$')
CODE_PATTERN = re.compile(r'^([A-Z][A-Z0-9]{1,7})-([1-9][0-9]{0,11})-([0-9A-Z]{2})$')


def check_characters(body: str) -> str:
    """The two check characters for `body` (letters and digits only)."""
    p = 0
    for char in body:
        p = ((p + ALPHABET.index(char)) * RADIX) % MODULUS
    p = (p * RADIX) % MODULUS
    check = (MODULUS + 1 - p) % MODULUS
    return ALPHABET[check // RADIX] + ALPHABET[check % RADIX]


def _is_consistent(body_with_check: str) -> bool:
    p = 0
    for char in body_with_check:
        p = (p * RADIX + ALPHABET.index(char)) % MODULUS
    return p == 1


def format_order_code(prefix: str, number: int) -> str:
    """The order code of order `number` of the shop with `prefix`."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(f'invalid order-code prefix {prefix!r}')
    if number < 1:
        raise ValueError('order numbers start at 1')
    return f'{prefix}-{number}-{check_characters(f"{prefix}{number}")}'


@dataclass(frozen=True)
class OrderCode:
    prefix: str
    number: int

    def __str__(self) -> str:
        return format_order_code(self.prefix, self.number)


def parse_order_code(text: str, *, prefix: str | None = None) -> OrderCode:
    """Parse a typed or pasted code; reject it if malformed, mistyped, or (with `prefix`) of another shop."""
    code = text.strip().upper()
    match = CODE_PATTERN.match(code)
    if not match:
        raise InvalidOrderCode(f'"{text.strip()[:40]}" is not an order code (they look like DEMO-1042-7K).')
    code_prefix, number, check = match.groups()
    if not _is_consistent(f'{code_prefix}{number}{check}'):
        raise InvalidOrderCode(f'{code} is not a valid order code: please check it for a typo.')
    if prefix is not None and code_prefix != prefix:
        raise InvalidOrderCode(f'{code} is not an order of this shop.')
    return OrderCode(code_prefix, int(number))
