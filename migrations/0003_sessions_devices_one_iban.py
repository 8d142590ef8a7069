from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_customer_accounts_and_settings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KnownDevice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.CharField(max_length=80)),
                ('token_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'known_device', 'app': 'models', 'unique_together': (('account', 'token_hash'),), 'pk_attr': 'id', 'table_description': 'A browser that signed in to an account before (its device cookie; only the hash is stored): guesses from'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SignInTicket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=16)),
                ('account_id', fields.IntField()),
                ('ticket_hash', fields.CharField(unique=True, max_length=64)),
                ('browser_hash', fields.CharField(max_length=64)),
                ('address', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sign_in_ticket', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A checked password waiting for its HTTP round trip: the route that redeems it (once, within a minute, in the'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AdminSession',
            name='address',
            field=fields.CharField(default='', max_length=64),
        ),
        ops.AddField(
            model_name='AdminSession',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='AdminSession',
            name='last_seen_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='AdminSession',
            name='user_agent',
            field=fields.CharField(default='', max_length=300),
        ),
        ops.AddField(
            model_name='CustomerSession',
            name='address',
            field=fields.CharField(default='', max_length=64),
        ),
        ops.AddField(
            model_name='CustomerSession',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CustomerSession',
            name='last_seen_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CustomerSession',
            name='user_agent',
            field=fields.CharField(default='', max_length=300),
        ),
        # one IBAN for bank transfers and invoices: an invoice IBAN moves to the payment settings where those have none
        ops.RunSQL("UPDATE payment_settings SET iban = (SELECT i.iban FROM invoice_settings i "
                   "WHERE i.shop_id = payment_settings.shop_id) WHERE iban = '' AND EXISTS (SELECT 1 FROM "
                   "invoice_settings i WHERE i.shop_id = payment_settings.shop_id AND i.iban <> '')"),
        ops.RunSQL("INSERT INTO payment_settings (shop_id, pay_on_pickup, bank_transfer, iban, online, provider) "
                   "SELECT i.shop_id, TRUE, FALSE, i.iban, FALSE, 'demo' FROM invoice_settings i WHERE i.iban <> '' "
                   "AND NOT EXISTS (SELECT 1 FROM payment_settings p WHERE p.shop_id = i.shop_id)"),
        ops.RemoveField(model_name='InvoiceSettings', name='iban'),
        ops.AddIndex(
            model_name='OutboxMessage',
            index=Index(fields=['order_code', 'recipient']),
        ),
        ops.AddField(
            model_name='PaymentSettings',
            name='demo_api_key',
            field=fields.CharField(default='', max_length=100),
        ),
    ]
