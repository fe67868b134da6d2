// Keeps the page usable offline once it has been loaded: every same-origin GET goes to the
// network first (so a new deploy is seen at once) and falls back to the copy cached last time.
const CACHE = 'stocklstm-v2';
const SHELL = [
  './', './index.html', './main.css', './stocklstm.js', './stocklstm_bg.wasm', './worker.js',
  './stocklstm_worker.js', './stocklstm_worker_bg.wasm', './sample/IBM.csv',
];

// The page registers this after its worker started, so every file is in the HTTP cache by then:
// 'force-cache' copies it from there rather than downloading it again.
self.addEventListener('install', (event) => {
  const requests = SHELL.map((url) => new Request(url, { cache: 'force-cache' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  const stale = (keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)));
  event.waitUntil(caches.keys().then(stale).then(() => self.clients.claim()));
});

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
