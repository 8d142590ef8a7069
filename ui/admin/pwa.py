"""The installable admin (PWA): manifest and service worker served from the root, the icons, the offline page,
and the lines in every admin page's <head> that link them."""

from pathlib import Path

from fastapi.responses import FileResponse
from nicegui import app, ui

STATIC = Path(__file__).resolve().parents[2] / 'static'
SCOPE = '/admin/'
# Always asked again: a new service worker or manifest reaches every installed admin at its next start
NO_CACHE = {'Cache-Control': 'no-cache'}

HEAD = f'''
<link rel="manifest" href="/manifest.webmanifest">
<meta name="theme-color" content="#2f3e46">
<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">
<script>
  if ('serviceWorker' in navigator) {{
    navigator.serviceWorker.register('/sw.js', {{scope: '{SCOPE}'}})
      .catch(error => console.warn('Orderly: the service worker did not register', error));
  }}
</script>
'''


def add_pwa_head() -> None:
    """Link the manifest and register the service worker on this page (admin_frame does it for every admin page)."""
    ui.add_head_html(HEAD)


def manifest() -> FileResponse:
    return FileResponse(STATIC / 'manifest.webmanifest', media_type='application/manifest+json', headers=NO_CACHE)


def service_worker() -> FileResponse:
    return FileResponse(STATIC / 'sw.js', media_type='text/javascript', headers=NO_CACHE)


def offline_page() -> FileResponse:
    return FileResponse(STATIC / 'offline.html', media_type='text/html', headers=NO_CACHE)


def add_routes() -> None:
    # from the root: a service worker controls only pages under its own folder
    app.get('/manifest.webmanifest', include_in_schema=False)(manifest)
    app.get('/sw.js', include_in_schema=False)(service_worker)
    app.get('/static/offline.html', include_in_schema=False)(offline_page)
    app.add_static_files('/static/icons', STATIC / 'icons')
