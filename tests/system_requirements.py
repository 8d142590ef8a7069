"""Tests that need a program from Debian (Chromium and its driver, PostgreSQL, poppler's pdftotext) or npm's axe-core
skip with one clear line where it is missing, so the README's test command passes on a fresh machine; with
`ORDERLY_TESTS_REQUIRE_ALL=1` (CI sets it) a missing program stops the run instead, so CI never passes by skipping."""

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.postgres_server import postgres_bin

REQUIRE_ALL = os.environ.get('ORDERLY_TESTS_REQUIRE_ALL', '') not in ('', '0')
# axe-core as pinned by tests/browser/axe/package-lock.json: the accessibility tests inject this file into pages
AXE_JS = Path(__file__).parent / 'browser' / 'axe' / 'node_modules' / 'axe-core' / 'axe.min.js'


def _chromium() -> bool:
    return bool((os.environ.get('CHROME_BINARY_LOCATION') or shutil.which('chromium') or shutil.which('chrome')
                 or shutil.which('google-chrome')) and shutil.which('chromedriver'))


# what a test asks for (a fixture in its closure) -> (is it installed here, what to install)
NEEDS: dict[str, tuple[Callable[[], bool], str]] = {
    'screen': (_chromium, "Debian's chromium and chromium-driver"),
    'browser': (_chromium, "Debian's chromium and chromium-driver"),
    'postgres_server': (lambda: postgres_bin() is not None, "Debian's postgresql"),
    'axe_source': (AXE_JS.is_file, "npm's axe-core"),
}
PACKAGES = {"Debian's chromium and chromium-driver": 'chromium chromium-driver',
            "Debian's postgresql": 'postgresql', "Debian's poppler-utils": 'poppler-utils'}
OTHER_INSTALLS = {"npm's axe-core": 'npm ci --prefix tests/browser/axe'}
_missing: dict[str, int] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    available = {name: check() for name, (check, _) in NEEDS.items()}
    for item in items:
        fixtures = set(getattr(item, 'fixturenames', ()))
        for name, (_, what) in NEEDS.items():
            if name in fixtures and not available[name]:
                _missing[what] = _missing.get(what, 0) + 1
                item.add_marker(pytest.mark.skip(reason=f'needs {what}'))
                break
    if REQUIRE_ALL and shutil.which('pdftotext') is None:  # the PDF tests skip on their own without it
        _missing["Debian's poppler-utils"] = 1
    if _missing and REQUIRE_ALL:
        raise pytest.UsageError('ORDERLY_TESTS_REQUIRE_ALL is set but these are not installed: '
                                + ', '.join(_missing) + f' ({_install()})')


def _install() -> str:
    """The commands that install what is missing: one apt-get for Debian's packages, then the others."""
    packages = ' '.join(PACKAGES[what] for what in _missing if what in PACKAGES)
    others = [OTHER_INSTALLS[what] for what in _missing if what in OTHER_INSTALLS]
    return ' and '.join(([f'apt-get install {packages}'] if packages else []) + others)


def pytest_terminal_summary(terminalreporter) -> None:
    if _missing:
        counts = ', '.join(f'{count} need {what}' for what, count in _missing.items())
        terminalreporter.write_line(f'Skipped tests: {counts}. To run them: {_install()}',
                                    yellow=True)
