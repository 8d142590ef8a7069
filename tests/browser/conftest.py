import os

import pytest

from tests.system_requirements import AXE_JS

os.environ.setdefault('SE_OFFLINE', 'true')  # Selenium must not look for drivers on the network: Debian's are used

LAPTOP, PHONE = (1280, 900), (390, 844)


@pytest.fixture
def laptop(screen):
    screen.selenium.set_window_size(*LAPTOP)
    return screen


@pytest.fixture(scope='session')
def axe_source() -> str:
    """axe-core's script, for the accessibility tests to inject (tests/system_requirements.py skips without it)."""
    return AXE_JS.read_text(encoding='utf-8')


@pytest.fixture(autouse=True)
def no_service_worker_from_earlier_tests(request):
    """Every admin page registers Orderly's service worker, and the browser outlives each test's server: while the
    next server starts, the worker would answer the first navigations with its offline page (which Screen.open
    takes for the page). Each test starts without one, as a new browser would."""
    if 'screen' in request.fixturenames:
        screen = request.getfixturevalue('screen')
        screen.selenium.execute_cdp_cmd('Storage.clearDataForOrigin', {
            'origin': screen.url, 'storageTypes': 'service_workers,cache_storage'})
    yield
