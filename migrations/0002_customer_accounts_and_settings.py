from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CustomerSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='customer_sessions', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_index=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'customer_session', 'app': 'models', 'pk_attr': 'id', 'table_description': "A signed-in browser of a customer; only the token's hash is stored. Logout revokes every session."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CustomerToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='customer_tokens', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_index=True, db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharField(max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('email', fields.CharField(max_length=254)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'customer_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A single-use link mailed to a customer (verify the e-mail, reset the password); only its hash is stored.'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='Customer',
            options={'table': 'customer', 'app': 'models', 'unique_together': (('shop', 'email'),), 'pk_attr': 'id', 'table_description': "A shop's customer: a guest of the checkout, or an account once it has a password (domain.customer_accounts)."},
        ),
        ops.AddField(
            model_name='Customer',
            name='addresses',
            field=fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Customer',
            name='email_verified_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='password_hash',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='Shop',
            name='customer_accounts',
            field=fields.CharField(default='optional', max_length=16),
        ),
        ops.AddField(
            model_name='Shop',
            name='guest_status_link',
            field=fields.BooleanField(default=True),
        ),
    ]
