// The courier app's service worker: the app shell, its scripts, styles, icons and the barcode
// decoder's .wasm are cached at install, so the app opens with no network after one visit, and
// served from the cache first, at once, on a slow network too, while a background fetch refreshes
// the cache for the next opening (stale-while-revalidate). The API is never cached here (network
// only): today's work and the queue live in IndexedDB. Change VERSION whenever the shell changes:
// the new worker then caches the whole new shell at install, never half an old one.
const VERSION = "courier-v3";
const SHELL = [
  "/courier/",
  "/courier/manifest.webmanifest",
  "/static/courier/app.js",
  "/static/courier/store.js",
  "/static/courier/sync.js",
  "/static/courier/scanner.js",
  "/static/courier/s10.js",
  "/static/courier/words.js",
  "/static/js/zxing.js",
  "/static/courier/courier.css",
  "/static/courier/icons/icon-192.png",
  "/static/courier/icons/icon-512.png",
  "/static/vendor/zxing-wasm/index.js",
  "/static/vendor/zxing-wasm/zxing_reader.wasm",
  "/static/vendor/signature_pad/signature_pad.min.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== VERSION) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  event.respondWith((async () => {
    const cache = await caches.open(VERSION);
    const cached = await cache.match(event.request, { ignoreSearch: true });
    const fresh = fetch(event.request).then(async (response) => {
      if (response.ok && SHELL.includes(url.pathname)) await cache.put(event.request, response.clone());
      return response;
    });
    if (!cached) return fresh;
    event.waitUntil(fresh.catch(() => null));  // offline: the cached copy stays
    return cached;
  })());
});
