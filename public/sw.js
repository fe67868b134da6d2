// Keeps the page usable offline once it has been loaded: every same-origin GET goes to the
// network first (so a new deploy is seen at once) and falls back to the copy cached last time.
const CACHE = 'stocklstm-v1';
const SHELL = ['./', './index.html', './main.css', './stocklstm.js', './stocklstm_bg.wasm', './worker.js', './sample/IBM.csv'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request, { ignoreSearch: true })),
  );
});
