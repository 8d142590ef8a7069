"""The admin as an installable app in real Chromium: manifest, icons, an active service worker, the offline page.

Headless Chromium reaches no real push service, so subscribing and receiving are tested against the loopback
push service elsewhere (tests/integration/test_push.py, tests/ui/test_admin_notifications.py).
"""

import importlib
from typing import Any

from domain.models import AdminUser
from domain.push_subscriptions import parse_browser_subscription, save_subscription
from tests.browser.conftest import PHONE
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import field
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.push_service import FakeBrowser

FETCH = '''
const done = arguments[arguments.length - 1];
fetch(arguments[0], {cache: 'no-store'}).then(async response => done({
  status: response.status, type: response.headers.get('content-type'),
  cache: response.headers.get('cache-control'), text: await response.text(),
})).catch(error => done({error: String(error)}));
'''

ICON_SIZE = '''
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => r.blob()).then(createImageBitmap)
  .then(image => done([image.width, image.height])).catch(error => done(String(error)));
'''

WORKER = '''
const done = arguments[arguments.length - 1];
navigator.serviceWorker.ready.then(async registration => {
  const worker = registration.active;  // ready as soon as it activates: wait until it has activated
  while (worker.state === 'activating') await new Promise(resolve => worker.addEventListener('statechange', resolve));
  done({scope: registration.scope, state: worker.state, script: worker.scriptURL,
        offlinePageKept: !!(await caches.match('/static/offline.html'))});
}).catch(error => done({error: String(error)}));
'''


def run(screen, script: str, *args: Any) -> Any:
    return screen.selenium.execute_async_script(script, *args)


def test_the_admin_installs_as_an_app_with_an_active_service_worker(laptop):
    screen = laptop
    screen.open('/admin/orders')
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain('No orders yet.')
    link = screen.selenium.execute_script("return document.querySelector('link[rel=manifest]').href")
    assert link == f'{screen.url}/manifest.webmanifest'

    manifest = run(screen, FETCH, '/manifest.webmanifest')
    assert (manifest['status'], manifest['type'], manifest['cache']) == (200, 'application/manifest+json', 'no-cache')
    worker_script = run(screen, FETCH, '/sw.js')
    assert worker_script['type'].startswith('text/javascript') and worker_script['cache'] == 'no-cache'
    parsed = screen.selenium.execute_cdp_cmd('Page.getAppManifest', {})
    assert parsed['url'] == f'{screen.url}/manifest.webmanifest' and parsed['errors'] == []
    app = screen.selenium.execute_script('return JSON.parse(arguments[0])', manifest['text'])
    assert (app['start_url'], app['scope'], app['display']) == ('/admin/orders', '/admin/', 'standalone')
    for icon in app['icons']:
        width, height = (int(side) for side in icon['sizes'].split('x'))
        assert run(screen, ICON_SIZE, icon['src']) == [width, height], icon['src']
    assert {icon['purpose'] for icon in app['icons']} == {'any', 'maskable'}

    worker = run(screen, WORKER)
    assert worker == {'scope': f'{screen.url}/admin/', 'state': 'activated', 'script': f'{screen.url}/sw.js',
                      'offlinePageKept': True}
    assert screen.selenium.execute_cdp_cmd('Page.getInstallabilityErrors', {})['installabilityErrors'] == []


def connected(screen) -> None:
    """Wait until the page's websocket is up and its first questions are answered: leaving earlier leaves the
    server waiting for answers that never come (an ERROR in the log)."""
    for _ in range(50):
        if screen.selenium.execute_script('return window.did_handshake === true'):
            break
        screen.wait(0.1)
    screen.wait(0.5)


def test_enabling_notifications_in_chromium_gets_as_far_as_the_push_service(laptop, monkeypatch):
    # NiceGUI's fixtures drop page modules after each test: patch the one this test's server will import
    monkeypatch.setattr(importlib.import_module('ui.admin.notifications'), 'SUBSCRIBE_SECONDS', 3)
    screen = laptop
    screen.open('/admin/login')
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain('No orders yet.')
    connected(screen)
    screen.click('Notifications')  # the menu's entry
    screen.should_contain('This device gets no notifications from Orderly yet.')
    screen.should_contain('No device gets notifications yet.')
    screen.selenium.execute_cdp_cmd('Browser.grantPermissions', {'origin': screen.url,
                                                                 'permissions': ['notifications']})
    screen.click('Enable notifications on this device')
    # the permission is granted and the service worker is ready; then Chromium asks its push service, which
    # cannot be reached from here: the page says so instead of waiting without end
    screen.should_contain('The browser could not subscribe: its push service did not answer in 3 s')

    run_query(a_phone_subscribes)  # as a phone with a reachable push service would have
    screen.open('/admin/settings/notifications')
    screen.should_contain('Shop phone')
    screen.should_contain('no notification yet')
    screen.shot('admin-notifications-1280', failed=False)
    screen.selenium.set_window_size(*PHONE)
    screen.wait(0.5)
    screen.shot('admin-notifications-390', failed=False)


async def a_phone_subscribes() -> None:
    admin = await AdminUser.get(email=ADMIN_EMAIL)
    subscription = FakeBrowser().subscription('https://push.example/send/abc')
    await save_subscription(shop_id=admin.shop_id, admin_id=admin.id, label='Shop phone', actor=admin.email,
                            subscription=parse_browser_subscription(subscription))
