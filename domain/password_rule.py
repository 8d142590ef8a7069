"""The customers' password rule, said once on the form and checked once here."""

PASSWORD_RULE = ('At least 10 characters; not your e-mail address or your name, and not a very common password. '
                 'A few words in a row are easy to remember and hard to guess.')
MIN_LENGTH, MAX_LENGTH = 10, 200

# The most used passwords of at least 10 characters in public breach lists, lower case: refused whatever the rule.
COMMON_PASSWORDS = frozenset({
    '1234567890', '0123456789', '12345678910', '1234567891', '123456789a', 'qwertyuiop', 'password12',
    'password123', 'password1234', 'passw0rd123', '1q2w3e4r5t', '1qaz2wsx3edc', 'qwerty1234', 'qwerty12345',
    'qwerty123456', 'iloveyou12', 'iloveyou123', 'abcdefghij', 'abcd123456', 'a123456789', 'aa12345678',
    'abc1234567', '1111111111', '0000000000', '123123123123', '987654321a', '9876543210', 'football123',
    'baseball123', 'princess123', 'sunshine123', 'welcome123', 'welcome1234', 'letmein123', 'monkey1234',
    'dragon1234', 'trustno1234', 'superman123', 'changeme123', 'administrator', 'starwars123', 'zaq12wsxcde',
    'azertyuiop', 'wachtwoord', 'wachtwoord123', 'motdepasse', 'motdepasse123', 'passwort123', 'passwordpassword',
    'qwertyqwerty', 'asdfghjkl1', 'zxcvbnm123', '1qazxsw23edc', 'q1w2e3r4t5', 'q1w2e3r4t5y6',
})


def password_problem(password: str, *, email: str = '', name: str = '') -> str | None:
    """Why `password` is refused, in words for the customer; None when it is good enough."""
    if len(password) < MIN_LENGTH:
        return f'Please choose a password of at least {MIN_LENGTH} characters.'
    if len(password) > MAX_LENGTH:
        return f'Please choose a password of at most {MAX_LENGTH} characters.'
    lowered = password.strip().lower()
    own = {part.strip().lower() for part in (email, email.partition('@')[0], name, name.replace(' ', '')) if part}
    if lowered in own or any(len(part) >= 4 and lowered in (part * 3) for part in own):
        return 'Please do not use your e-mail address or your name as your password.'
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        return 'This password is too common: please choose another one.'
    return None
