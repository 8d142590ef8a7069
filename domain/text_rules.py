"""What text people may type into a field: every letter, mark, symbol and emoji of Unicode, but no characters
that are invisible or steer what others see.

Refused: control characters (NUL went raw into a mail's `To:` header; newline and tab only where a field has
lines, like an address or a note), lone surrogates (no valid text holds them), every format character (Unicode
category Cf: the bidi controls that reorder what follows, `U+202E` shows "exe.txt" as "txt.exe"; zero-width
characters, the soft hyphen, tags, interlinear annotations that hide inside a name or an e-mail), the other
characters Unicode says show nothing (Default_Ignorable_Code_Point: the Hangul fillers, the Khmer inherent vowels,
the combining grapheme joiner) and the braille blank, which looks like a space but is none. The rule is an
allow-list by category, not a list of known tricks: a format character Unicode adds later is refused too.

Kept, because real text needs them: the zero-width joiner between two pictographs (the family, rainbow-flag and
profession emoji are such sequences), the zero-width joiner and non-joiner after a letter of the scripts whose
spelling uses them (Arabic, Persian, Syriac, the Indic scripts), the tag characters of a subdivision flag (🏴
followed by tags, as in the flag of Scotland), and one variation selector right after what it varies: the emoji
and text presentation selectors (❤️, 1️⃣, ☺︎) after a symbol, number or punctuation, an ideographic variation
selector after a CJK ideograph (Japanese names), a standardized one after a letter or symbol of a script that has
such variants, a Mongolian one after a Mongolian letter. A selector anywhere else (stacked behind an emoji, after
a Latin letter) only hides data.
"""

import unicodedata

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

# Bidi controls: embeddings, overrides, isolates, and the marks (LRM, RLM, ALM) that act like them
BIDI_CONTROLS = frozenset('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c')
# Zero-width and other invisible characters that no name or address needs
ZERO_WIDTH = frozenset('\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064')
ZWNJ, ZWJ = '\u200c', '\u200d'
LINE_BREAKS = frozenset('\n\r\t')  # allowed in fields with lines (`multiline=True`)
_BLACK_FLAG = '\U0001f3f4'
_TAGS = range(0xE0020, 0xE0080)
# Characters that show nothing though they are no format character (Default_Ignorable_Code_Point outside Cf, and
# the braille blank): Hangul fillers, Khmer inherent vowels, the combining grapheme joiner, unassigned ignorables
_BLANK = frozenset('\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0')
_IGNORABLE_RANGES = ((0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF))  # reserved: nothing to show, ever
_EMOJI_SELECTORS = frozenset('\ufe0e\ufe0f')  # text and emoji presentation
_STANDARD_SELECTORS = range(0xFE00, 0xFE0E)  # standardized variants: math symbols, CJK compatibility, some scripts
_IDEOGRAPHIC_SELECTORS = range(0xE0100, 0xE01F0)
_MONGOLIAN_SELECTORS = frozenset('\u180b\u180c\u180d\u180f')
# CJK ideographs (unified, extensions, compatibility): what an ideographic variation selector may follow
_IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
# Scripts that spell words with ZWJ/ZWNJ: Arabic to Sinhala (Arabic, Syriac, Thaana, NKo, the Indic scripts),
# Myanmar to Mongolian, and the Arabic presentation forms
_JOINING_SCRIPTS = ((0x0600, 0x0DFF), (0x1000, 0x18AF), (0xA8E0, 0xA8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))


class InvisibleCharacter(ValueError):
    """`value` holds a character no field takes; the message is fit to show next to the field."""

    def __init__(self, character: str) -> None:
        self.character = character
        super().__init__(invisible_message(character))


def invisible_message(character: str) -> str:
    name = unicodedata.name(character, 'a control character')
    return (f'This contains an invisible or control character (U+{ord(character):04X}, {name.lower()}): '
            'please type it again without it.')


def _pictograph(character: str) -> bool:
    # emoji are "other symbols"; a skin tone (Sk) or the emoji presentation selector may end one before a ZWJ
    return unicodedata.category(character) in ('So', 'Sk') or character == '\ufe0f'


def _joining_letter(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in _JOINING_SCRIPTS) and \
        unicodedata.category(character)[0] in ('L', 'M')


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _varies(selector: str, before: str) -> bool:
    """Whether a variation selector right after `before` picks a variant of it (else it only hides data)."""
    if not before:
        return False
    code, category = ord(selector), unicodedata.category(before)
    if selector in _EMOJI_SELECTORS:
        # ❤️, 1️⃣ (then U+20E3), ‼️, ©️, U+2139 (a letterlike symbol); never after a letter of a word or a selector
        return category[0] in ('S', 'N', 'P') or (category[0] == 'L' and 0x2100 <= ord(before) <= 0x214F)
    if code in _IDEOGRAPHIC_SELECTORS:
        return _in(ord(before), _IDEOGRAPHS)
    if selector in _MONGOLIAN_SELECTORS:
        return 0x1800 <= ord(before) <= 0x18AF and category[0] == 'L'
    # standardized variation sequences exist for symbols, digits and letters of scripts other than Latin, Greek and
    # Cyrillic (Myanmar, Phags-pa, CJK compatibility ideographs, …)
    return category[0] in ('S', 'N') or (category[0] == 'L' and ord(before) >= 0x0530)


def invisible_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that no field takes (see the module's rules), or None."""
    index = _first_invisible(value, multiline)
    return None if index is None else value[index]


def without_invisible(value: str) -> str:
    """`value` (one line) without the characters a field refuses: for what must never carry one, like a mail
    header, even when stored text holds one (written before these rules, or by hand)."""
    while (index := _first_invisible(value, False)) is not None:
        value = value[:index] + value[index + 1:]
    return value


def _first_invisible(value: str, multiline: bool) -> int | None:
    for index, character in enumerate(value):
        code = ord(character)
        category = unicodedata.category(character)
        if category == 'Cc':
            if multiline and character in LINE_BREAKS:
                continue
            return index
        if category in ('Cs', 'Zl', 'Zp') or character in BIDI_CONTROLS or character in ZERO_WIDTH:
            return index
        if character in _EMOJI_SELECTORS or code in _STANDARD_SELECTORS or code in _IDEOGRAPHIC_SELECTORS \
                or character in _MONGOLIAN_SELECTORS:
            if _varies(character, value[index - 1] if index else ''):
                continue
            return index
        if character in (ZWJ, ZWNJ):
            before = value[index - 1] if index else ''
            after = value[index + 1] if index + 1 < len(value) else ''
            if before and after and _joining_letter(before) and unicodedata.category(after)[0] in ('L', 'M'):
                continue
            if character == ZWJ and before and after and _pictograph(before) and _pictograph(after):
                continue
            return index
        if code in _TAGS:
            start = index
            while start and ord(value[start - 1]) in _TAGS:
                start -= 1
            if start and value[start - 1] == _BLACK_FLAG:
                continue
            return index
        if category == 'Cf' or character in _BLANK or _in(code, _IGNORABLE_RANGES):
            return index
    return None


def refuse_invisible(value: str, *, multiline: bool = False) -> str:
    """`value` unchanged, or `InvisibleCharacter` (a `ValueError`) naming the first character it refuses."""
    character = invisible_character(value, multiline=multiline)
    if character is not None:
        raise InvisibleCharacter(character)
    return value


def invisible_problem(value: object, *, multiline: bool = False) -> str:
    """The field message for `value` ('' when it is fine): for callers that collect messages per field."""
    if not isinstance(value, str):
        return ''
    character = invisible_character(value, multiline=multiline)
    return '' if character is None else invisible_message(character)


INVISIBLE_ERROR = 'invisible_character'  # the pydantic error type of the validators below


def _pydantic_checked(value: object, multiline: bool) -> object:
    character = invisible_character(value, multiline=multiline) if isinstance(value, str) else None
    if character is not None:
        raise PydanticCustomError(INVISIBLE_ERROR, invisible_message(character))
    return value


# For pydantic models: `Annotated[str, ..., VISIBLE]` for one line, `VISIBLE_LINES` for fields with lines
VISIBLE = AfterValidator(lambda value: _pydantic_checked(value, False))
VISIBLE_LINES = AfterValidator(lambda value: _pydantic_checked(value, True))
# Before a type with its own syntax (EmailStr), so that the message names the character instead of the syntax
VISIBLE_INPUT = BeforeValidator(lambda value: _pydantic_checked(value, False))
