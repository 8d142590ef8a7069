"""Where NiceGUI keeps its per-browser storage, how long sessions live (ORDERLY_SESSION_IDLE_HOURS and
ORDERLY_SESSION_MAX_DAYS), and whose forwarded headers count (ORDERLY_TRUSTED_PROXIES).

NiceGUI keeps each browser's `app.storage.user` (cart, checkout key, the orders it placed) in files under
`NICEGUI_STORAGE_PATH`, by default `./.nicegui` of whatever folder Orderly was started in, readable by anyone on the
machine. They go to DATA_DIR/sessions instead, a folder only Orderly's user can open. No session token is kept
there: those are in their own HttpOnly cookies (`ui.components.browser_session`).
"""

import os
from datetime import timedelta
from pathlib import Path

from nicegui import app
from nicegui.storage import GENERAL_ID, Storage

from config import Settings
from domain.sessions import Lifetimes, set_lifetimes


def storage_folder(settings: Settings) -> Path:
    return (settings.data_dir / 'sessions').resolve()


def configure_sessions(settings: Settings, *, private_files: bool = True) -> None:
    """Session lifetimes from the settings; NiceGUI's storage in DATA_DIR/sessions (mode 700, its files 600).

    Call before the server starts: NiceGUI read its storage path (and its general storage) when it was imported.
    `private_files` makes every file this process creates readable by its own user only (umask 077), NiceGUI's
    storage files included, which NiceGUI itself writes with the default mode.
    """
    set_lifetimes(Lifetimes(idle=timedelta(hours=settings.session_idle_hours),
                            absolute=timedelta(days=settings.session_max_days)))
    folder = storage_folder(settings)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    for file in folder.glob('storage-*.json'):
        file.chmod(0o600)
    if private_files:
        os.umask(0o077)
    os.environ['NICEGUI_STORAGE_PATH'] = str(folder)  # for anything NiceGUI starts later (reload workers)
    Storage.path = folder
    app.storage._general = Storage._create_persistent_dict(GENERAL_ID)  # made at import, under the old path
    app.storage.general.initialize_sync()


def proxy_options(settings: Settings) -> dict:
    """uvicorn's options for forwarded headers: only ORDERLY_TRUSTED_PROXIES' X-Forwarded-For and -Proto count
    (uvicorn's own default trusts any loopback peer, so everyone on the machine could pose as any address)."""
    trusted = settings.trusted_proxy_list
    return {'proxy_headers': bool(trusted), 'forwarded_allow_ips': ','.join(trusted) or ''}
