// Orderly's service worker (scope /admin/): shows pushed notifications and opens the order when one is tapped.
// It caches no page: every NiceGUI page belongs to a live server connection. It keeps only the offline page,
// shown instead of the browser's error when the admin starts without a connection (or the server is down).
const CACHE = 'orderly-offline-v1';  // a new name when offline.html changes: installs fetch it again
const OFFLINE_PAGE = '/static/offline.html';
const ICON = '/static/icons/icon-192.png';
const BADGE = '/static/icons/badge-96.png';

self.addEventListener('install', event => {
  event.waitUntil(caches.open(CACHE).then(cache => cache.addAll([OFFLINE_PAGE])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', event => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', event => {
  if (event.request.mode !== 'navigate') return;  // everything else goes to the network as if we were not here
  event.respondWith(fetch(event.request).catch(async () => (await caches.match(OFFLINE_PAGE)) || Response.error()));
});

self.addEventListener('push', event => {
  let message;
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {body: event.data.text()};
  }
  event.waitUntil(self.registration.showNotification(message.title || 'Orderly', {
    body: message.body || '',
    icon: message.icon || ICON,
    badge: message.badge || BADGE,
    tag: message.tag,  // one notification per order: a repeated push replaces it instead of adding another
    data: message.data || {},
  }));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/admin/orders', self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({type: 'window', includeUncontrolled: true});
    const same = windows.find(client => client.url === url);
    if (same) return same.focus();
    const admin = windows.find(client => new URL(client.url).pathname.startsWith('/admin/'));
    if (admin) {
      try {
        await admin.focus();
        return await admin.navigate(url);  // works for tabs this worker controls
      } catch (error) { /* an uncontrolled tab: open a new one */ }
    }
    return self.clients.openWindow(url);
  })());
});
