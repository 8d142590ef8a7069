import os

import pytest

os.environ.setdefault('SE_OFFLINE', 'true')  # Selenium must not look for drivers on the network: Debian's are used

LAPTOP, PHONE = (1280, 900), (390, 844)


@pytest.fixture
def laptop(screen):
    screen.selenium.set_window_size(*LAPTOP)
    return screen
