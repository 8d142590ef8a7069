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


_COMPACT_CODE = re.compile(r'[A-Z][A-Z0-9]{1,7}[1-9][0-9]{0,11}[0-9A-Z]{0,2}')
_TYPED_TAIL = re.compile(r'([1-9][0-9]{0,11})-?([0-9A-Z]{2})')


def code_beginnings(text: str) -> list[str]:
    """The beginnings of order codes, written as codes are (`DEMO-1042`, `DEMO-1042-7K`), that a typed search can
    mean: merchants type codes in lower case, without dashes or with spaces for them.

    Without its dashes a code's parts are ambiguous (`DEMO1042` may be prefix DEMO1, number 042): only readings
    whose number has no leading zero count, and a reading with two check characters only where they fit."""
    compact = re.sub(r'[\s-]', '', text.upper())
    if not _COMPACT_CODE.fullmatch(compact):
        return []
    found: list[str] = []
    for cut in range(2, min(len(compact), 9)):
        prefix, rest = compact[:cut], compact[cut:]
        if not PREFIX_PATTERN.match(prefix) or not rest[:1].isdigit() or rest[0] == '0':
            continue
        if rest.isdigit() and len(rest) <= 12:
            found.append(f'{prefix}-{rest}')
        number, check = rest[:-2], rest[-2:]
        if number.isdigit() and not number.startswith('0') and len(number) <= 12 \
                and _is_consistent(f'{prefix}{number}{check}'):
            found.append(f'{prefix}-{number}-{check}')
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class MistypedCode:
    """A search that is an order code of the shop in shape whose check characters do not fit; `near` are the valid
    codes one typo away, the likeliest first (the same number with its right check characters)."""

    typed: str
    near: list[str]


def mistyped_code(text: str, *, prefix: str) -> MistypedCode | None:
    """`text` read as a code of the shop with `prefix` whose check characters are wrong, with the valid codes one
    typo (one wrong character, or two neighbours swapped) away; None if it is no such code (or a valid one)."""
    typed = re.sub(r'\s+', '-', text.strip().upper())
    if not typed.startswith(prefix):
        return None
    match = _TYPED_TAIL.fullmatch(typed[len(prefix):].lstrip('-'))
    if not match:
        return None
    number, check = match.groups()
    if check.isdigit() and '-' not in typed[len(prefix):].lstrip('-'):
        return None  # DEMO1043 is as likely the beginning of DEMO-1043-.. as order 10 with check characters 43
    if _is_consistent(f'{prefix}{number}{check}'):
        return None
    typed = f'{prefix}-{number}-{check}'
    near = [format_order_code(prefix, int(number))]
    tail = number + check  # a typo in the number or the check characters; the prefix is the shop's own
    variants = {tail[:i] + char + tail[i + 1:] for i in range(len(tail))
                for char in (string.digits if i < len(number) else ALPHABET)}
    variants |= {tail[:i] + tail[i + 1] + tail[i] + tail[i + 2:] for i in range(len(tail) - 1)}
    for variant in sorted(variants):
        candidate = f'{prefix}-{variant[:-2]}-{variant[-2:]}'
        if variant != tail and CODE_PATTERN.match(candidate) and _is_consistent(f'{prefix}{variant}') \
                and candidate not in near:
            near.append(candidate)
    return MistypedCode(typed=typed, near=near)
