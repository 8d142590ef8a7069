"""What a newcomer sees on the console at the first `python main.py`: the generated password, then where to sign in,
and only once the shop is ready."""

import re

import httpx

from tests.orderly_instances import OrderlyInstance, new_secret_key


def test_first_start_prints_the_password_then_the_sign_in_address_once_ready(tmp_path):
    instance = OrderlyInstance('fresh', tmp_path, database_url=f'sqlite://{tmp_path}/fresh.sqlite3',
                               secret_key=new_secret_key())
    del instance.env['ORDERLY_ADMIN_PASSWORD']  # as on a fresh machine: Orderly generates one
    try:
        instance.start().wait_ready()
        lines = instance.log().splitlines()
        ready = [i for i, line in enumerate(lines) if line.startswith('Orderly is ready')]
        password = [i for i, line in enumerate(lines) if 'Demo shop created.' in line]
        assert ready and password and password[0] < ready[0], '\n'.join(lines)
        assert f'{instance.url}/admin/login' in lines[ready[0]]
        assert not any('NiceGUI ready to go' in line for line in lines)  # it came before migrations and the seed
        generated = re.search(r'password: (\S+)', lines[password[0]]).group(1)
        assert len(generated) >= 16
        assert httpx.get(f'{instance.url}/admin/login', timeout=10).status_code == 200
    finally:
        instance.stop()
