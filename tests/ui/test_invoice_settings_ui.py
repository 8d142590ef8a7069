"""Settings > Invoices with NiceGUI's simulated User: saved, validated, used by the next invoice."""

import pytest
from nicegui.testing import User

from domain import admin_auth
from domain.catalogue import default_shop
from domain.invoice_settings import InvoiceSettingsChanges, update_invoice_settings
from domain.models import InvoiceSettings, LogEntry
from domain.payment_settings import payment_options
from domain.shop_settings import InvalidSettings
from tests.ui.test_admin_orders import sign_in


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


def changes(**fields) -> InvoiceSettingsChanges:
    return InvoiceSettingsChanges(**{
        'legal_name': 'Demo Coffee BV', 'vat_number': 'be 0999.999.999', 'trade_register': 'RPR Gent',
        'iban': 'be68539007547034', 'number_format': 'F{year}-{seq:05d}', 'credit_note_format': 'C{year}-{seq:05d}',
        'reset_yearly': True, 'footer': 'Payable within 14 days.', 'issue_when': 'manual', 'paper_size': 'Letter',
        **fields})


async def test_owner_saves_the_invoice_settings(user: User):
    await sign_in(user)
    await user.open('/admin/settings/invoices')
    await user.should_see('Invoices')
    user.find(marker='legal_name').type('Demo Coffee BV')
    user.find(marker='vat_number').type('BE 0999.999.999')
    user.find(marker='save').click()
    await user.should_see('Saved.')
    settings = await InvoiceSettings.get()
    assert (settings.legal_name, settings.vat_number, settings.number_format) == (
        'Demo Coffee BV', 'BE0999999999', '{year}-{seq:06d}')
    assert await LogEntry.filter(kind='settings.invoices').count() == 1


async def test_invoice_settings_are_validated_and_normalised(user: User):
    shop = await default_shop()
    changed = await update_invoice_settings(shop_id=shop.id, changes=changes(), actor='owner@x')
    settings = await InvoiceSettings.get(shop_id=shop.id)
    assert (settings.vat_number, settings.paper_size) == ('BE0999999999', 'Letter')
    assert (await payment_options(shop.id)).iban == 'BE68539007547034'  # the shop's one IBAN
    assert 'number_format' in changed
    with pytest.raises(InvalidSettings) as refused:
        await update_invoice_settings(shop_id=shop.id, actor='owner@x', changes=changes(
            iban='nope', number_format='{seq}', credit_note_format='{seq}{seq}', issue_when='sometimes',
            paper_size='A3'))
    assert set(refused.value.field_errors) == {'iban', 'number_format', 'credit_note_format', 'issue_when',
                                               'paper_size'}
    assert (await InvoiceSettings.get(shop_id=shop.id)).number_format == 'F{year}-{seq:05d}'  # nothing changed
