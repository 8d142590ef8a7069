"""Orderly's settings: one `Settings`, read once from the environment (prefix ORDERLY_) and `.env`."""

import ipaddress
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='ORDERLY_', env_file='.env', extra='ignore')

    data_dir: Path = Field(Path('data'), description='Folder for the SQLite database, the secret key and files.')
    database_url: str = Field('', description='Database URL; default sqlite://DATA_DIR/orderly.sqlite3. '
                                              'postgres://user:pass@host/db for PostgreSQL.')
    host: str = Field('127.0.0.1', description='Address the web server listens on.')
    port: int = Field(8080, ge=1, le=65535, description='Port the web server listens on.')
    base_url: str = Field('', description='Public address used in links in mails, e.g. https://shop.example.com. '
                                          'Default http://HOST:PORT.')
    secret_key: SecretStr | None = Field(None, description='Signs sessions; generated and kept in DATA_DIR '
                                                           'on first start if unset. Share it between instances.')
    admin_email: str = Field('admin@example.com', description="E-mail of the demo shop's owner admin.")
    admin_password: SecretStr | None = Field(None, description='Password of that admin; if unset, a random one '
                                                               'is generated and printed once.')
    smtp_host: str = Field('', description='SMTP server for outgoing mail. Unset: mails are kept in the database '
                                           'and shown under Settings > Mailbox.')
    smtp_port: int | None = Field(None, ge=1, le=65535, description='SMTP port; default 25, 587 or 465 by '
                                                                    'SMTP_SECURITY.')
    smtp_username: str = Field('', description='SMTP user name; unset: no authentication.')
    smtp_password: SecretStr | None = Field(None, description='SMTP password (never logged).')
    smtp_security: Literal['none', 'starttls', 'tls'] = Field('starttls', description='none, starttls or tls '
                                                                                    '(implicit TLS).')
    mail_from: str = Field('', description="Sender address of the shop's mails; default the shop's e-mail "
                                           'address.')
    vapid_subject: str = Field('', description='Contact that push services see with every notification (VAPID '
                                               "subject): mailto:… or https://…; default mailto: the shop's address.")
    push_timeout: float = Field(10, gt=0, le=30, description='Seconds to wait for a push service to accept a '
                                                            'notification before trying again later.')
    outbox_lease_seconds: float = Field(60, ge=1, le=3600, description='How long a worker keeps an outbox message '
                                                                      'it took; if its instance dies, another one '
                                                                      'sends the message after this. Over 30 with '
                                                                      'API PUSH: one request may take 17 s.')
    outbox_poll_seconds: float = Field(5, gt=0, le=300, description='How often each instance looks for due outbox '
                                                                    'messages (retries, rows of other instances).')
    log_format: Literal['text', 'json'] = Field('text', description='text: one readable line per event; json: one '
                                                                   'JSON object per line (time, level, logger, '
                                                                   'message, order_code, shop) for a log collector.')
    trusted_proxies: str = Field('', description='Comma-separated IPs or networks (CIDR) of reverse proxies whose '
                                                 'X-Forwarded-For and X-Forwarded-Proto count, e.g. 127.0.0.1 '
                                                 'behind nginx on the same host. Default none: the peer address.')
    session_idle_hours: float = Field(12, gt=0, le=24 * 365, description='A sign-in (admin or customer) ends '
                                                                       'after this many hours without use.')
    session_max_days: float = Field(30, gt=0, le=3650, description='A sign-in ends this many days after it '
                                                                  'started, used or not.')
    mollie_api_key: SecretStr | None = Field(None, description='Mollie API key (test_… or live_…; never logged). '
                                                               'Unset: only the built-in demo provider takes payments.')
    mollie_api_url: str = Field('https://api.mollie.com', description="Mollie's Payments API; for development a "
                                                                      'stand-in: python -m '
                                                                      'integrations.payments.mollie_standin')

    @field_validator('secret_key')
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f'ORDERLY_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters')
        return value

    @field_validator('trusted_proxies')
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(','))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f'ORDERLY_TRUSTED_PROXIES: {entry!r} is no IP address or network') from None
        return value

    @cached_property
    def trusted_proxy_list(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(',') if part.strip()]

    @field_validator('vapid_subject')
    @classmethod
    def _vapid_subject_is_a_contact(cls, value: str) -> str:
        if value and not ((value.startswith('mailto:') and '@' in value) or value.startswith('https://')):
            raise ValueError('ORDERLY_VAPID_SUBJECT must be a mailto: or https:// address')
        return value

    @cached_property
    def effective_database_url(self) -> str:
        return self.database_url or f'sqlite://{self.data_dir / "orderly.sqlite3"}'

    @cached_property
    def effective_smtp_port(self) -> int:
        return self.smtp_port or {'none': 25, 'starttls': 587, 'tls': 465}[self.smtp_security]

    @cached_property
    def effective_base_url(self) -> str:
        return (self.base_url or f'http://{self.host}:{self.port}').rstrip('/')

    def ensure_secret_key(self) -> str:
        """The configured secret key, or one generated once and kept in DATA_DIR."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / 'secret_key'
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def settings_help() -> str:
    """The settings as `--help` lists them: environment variable, default and meaning."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = '' if field.default in (None, '') else f' (default: {field.default})'
        rows.append(f'  ORDERLY_{name.upper():<16} {field.description}{default}')
    return 'Settings (environment variables or .env):\n' + '\n'.join(rows)
