"""Which characters a typed field takes (domain/text_rules.py): all of Unicode's visible text, no hidden controls."""

import pytest

from domain.text_rules import InvisibleCharacter, invisible_character, invisible_problem, refuse_invisible

KEPT = [
    'Ann Peeters', 'Zoë Brontë-Ñúñez', "O'Brien & Co", '李小龍', 'Владимир', 'שלום', 'مرحبا',
    'می\u200cخواهم',  # noqa: RUF001  Persian spells with a zero-width non-joiner
    'क्\u200dष',  # Devanagari with a zero-width joiner
    '👨\u200d👩\u200d👧', '🏳️\u200d🌈', '👩🏽\u200d💻', '❤️\u200d🔥', '🧑\u200d⚕️',  # ZWJ emoji sequences
    '\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f',  # the flag of Scotland
    'Straße 1 · 9000 Gent', 'Café ☕ 10% off',
    '❤️', 'I ❤️ Gent', '1️⃣', '#️⃣', '☺︎', '©️ 2024', '‼️', '\u2139\ufe0f',  # emoji and text presentation selectors
    '葛\U000e0100飾区', '≩\ufe00', '0\ufe00',  # an ideographic variation (Japanese names), standardized variants
    'ᠮᠣᠩᠭᠣᠯ\u180b',  # a Mongolian free variation selector after a Mongolian letter
]


@pytest.mark.parametrize('text', KEPT)
def test_visible_text_of_every_script_and_emoji_stays(text):
    assert refuse_invisible(text) == text


@pytest.mark.parametrize('character', ['\x00', '\x07', '\x1b', '\x7f', '\x85', '\x9b', '\n', '\r', '\t'])
def test_control_characters_are_refused_in_one_line_fields(character):
    with pytest.raises(InvisibleCharacter) as refused:
        refuse_invisible(f'Ann{character}Peeters')
    assert refused.value.character == character
    assert f'U+{ord(character):04X}' in str(refused.value)


def test_lines_and_tabs_are_kept_in_fields_with_lines_but_nul_is_not():
    assert refuse_invisible('Kerkstraat 1\r\n9000 Gent\tBE', multiline=True) == 'Kerkstraat 1\r\n9000 Gent\tBE'
    assert invisible_character('Kerkstraat 1\n\x00', multiline=True) == '\x00'
    assert invisible_character('a\u2028b', multiline=True) == '\u2028'  # a line separator JavaScript chokes on


@pytest.mark.parametrize('character', ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067',
                                       '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'])
def test_bidi_controls_are_refused(character):
    assert invisible_character(f'invoice{character}fdp.exe') == character


@pytest.mark.parametrize('character', ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u180e', '\u2062'])
def test_zero_width_characters_are_refused_between_latin_letters(character):
    assert invisible_character(f'pay{character}pal') == character


@pytest.mark.parametrize('text', ['\u200d👩', '👩\u200d', '👩\u200d a', 'a\u200d👩', '\u200cمر', 'مر\u200c',
                                  '\U000e0067\U000e0062', 'x\U000e0067', '\ud800'])
def test_joiners_and_tags_outside_their_sequences_and_lone_surrogates_are_refused(text):
    assert invisible_character(text) is not None


def test_field_messages_name_the_character_and_leave_other_values_alone():
    assert invisible_problem('Ann') == '' and invisible_problem(42) == ''
    assert 'U+202E' in invisible_problem('Ann\u202e') and 'right-to-left override' in invisible_problem('Ann\u202e')
    assert 'U+0000' in invisible_problem('Ann\x00')


# Characters that show nothing, by class: each is refused inside a word (U+00AD was kept before: it hides in a name)
INVISIBLE = {
    'soft hyphen': ['\u00ad'],
    'deprecated format controls': [chr(code) for code in range(0x206A, 0x2070)],
    'interlinear annotation': ['\ufff9', '\ufffa', '\ufffb'],
    'musical formatting': [chr(code) for code in range(0x1D173, 0x1D17B)],
    'shorthand format controls': [chr(code) for code in range(0x1BCA0, 0x1BCA4)],
    'language tag': ['\U000e0001'],
    'other format characters': ['\u0600', '\u06dd', '\u070f', '\u08e2', '\U000110bd', '\U00013430', '\u034f'],
    'hangul fillers': ['\u3164', '\u115f', '\u1160', '\uffa0'],
    'braille blank': ['\u2800'],
    'khmer inherent vowels': ['\u17b4', '\u17b5'],
}


@pytest.mark.parametrize('character', [c for group in INVISIBLE.values() for c in group])
def test_invisible_and_blank_characters_are_refused(character):
    assert invisible_character(f'pay{character}pal') == character
    assert invisible_character(character) == character


@pytest.mark.parametrize('text', [
    'pay\ufe0fpal',  # an emoji selector after a letter
    'pay\ufe0epal',
    '\ufe0f', ' \ufe0f', 'a \ufe0f',  # on nothing, after a space
    '❤️\ufe0f', '❤\ufe0f\ufe0f',  # stacked after an emoji (a way to hide data behind one)
    '❤️' + ''.join(chr(0xE0100 + n) for n in range(8)),  # ideographic selectors smuggled behind an emoji
    'a\U000e0100', '葛\U000e0100\U000e0101',  # an ideographic selector after a letter, or two
    'a\ufe00',  # a standardized selector after a Latin letter
    'abc\u180b',  # a Mongolian selector outside Mongolian
    '\U000e0067\U000e007f',  # tags with no black flag before them
])
def test_variation_selectors_are_refused_outside_what_they_vary(text):
    assert invisible_character(text) is not None
