"""Settings > API keys: the owner creates a key, sees it once, uses it on /api/v1 of the whole app, and revokes it."""

from nicegui.testing import User

from domain.admins import add_admin
from domain.catalogue import default_shop
from domain.models import ApiKey, ApiKeyAccess, LogEntry
from tests.ui.test_admin_orders import customer_orders, sign_in


async def test_owner_creates_a_key_shown_once_that_works_until_revoked(user: User):
    code = await customer_orders()
    await sign_in(user)
    await user.open('/admin/settings/api-keys')
    await user.should_see('No API keys yet.')
    user.find(marker='key-label').type('Point of sale')
    user.find(marker='key-access').click()
    user.find('Read and write').click()
    user.find(marker='create-key').click()
    await user.should_see('it is shown only this once', retries=30)
    secret = user.find(marker='new-key').elements.pop().value
    key = await ApiKey.get()
    assert secret.startswith('ok_live_') and (key.label, key.access) == ('Point of sale', ApiKeyAccess.READ_WRITE)
    assert secret not in (key.key_hash, key.hint)

    # through NiceGUI's app and its middleware, as other programs call it
    headers = {'Authorization': f'Bearer {secret}'}
    response = await user.http_client.get('/api/v1/orders', headers=headers)
    assert response.status_code == 200 and [o['code'] for o in response.json()['orders']] == [code]
    assert (await user.http_client.get('/api/v1/openapi.json')).json()['info']['title'] == 'Orderly API'
    missing = await user.http_client.get('/api/v1/no/such/thing', headers=headers)
    assert missing.status_code == 404 and missing.json()['error']['code'] == 'not_found'

    await user.open('/admin/settings/api-keys')  # the key is never shown again
    await user.should_see('Point of sale')
    await user.should_see(f'{key.hint}…')
    await user.should_not_see(marker='new-key')
    user.find(marker=f'revoke-{key.id}').click()
    await user.should_see(marker='confirm-revoke', retries=30)
    user.find(marker='confirm-revoke').click()
    await user.should_see('"Point of sale" revoked.', retries=30)
    assert (await user.http_client.get('/api/v1/orders', headers=headers)).status_code == 401
    messages = await LogEntry.filter(kind='settings.api_keys').order_by('id').values_list('message', flat=True)
    assert messages == [f'API key "Point of sale" created (read and write, {key.hint}…)',
                        f'API key "Point of sale" revoked ({key.hint}…)']


async def test_a_key_needs_a_name(user: User):
    await sign_in(user)
    await user.open('/admin/settings/api-keys')
    user.find(marker='create-key').click()
    await user.should_see('Please give the key a name', retries=30)
    assert await ApiKey.all().count() == 0


async def test_employee_cannot_open_api_keys(user: User):
    await add_admin(shop=await default_shop(), email='emp@demo-shop.example', password='employee password')
    await sign_in(user, email='emp@demo-shop.example', password='employee password')
    await user.should_not_see('API keys')
    await user.open('/admin/settings/api-keys')
    await user.should_see('Only the shop owner can open this page.')
    await user.should_not_see(marker='create-key')
