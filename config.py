"""Orderly's settings: one `Settings`, read once from the environment (prefix ORDERLY_) and `.env`."""

import secrets
from functools import cached_property
from pathlib import Path

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

    @field_validator('secret_key')
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f'ORDERLY_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters')
        return value

    @cached_property
    def effective_database_url(self) -> str:
        return self.database_url or f'sqlite://{self.data_dir / "orderly.sqlite3"}'

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
