/* Service worker of the e-board player (served by /boards/player/sw.js, which writes SHELL, PAGE,
   PREVIEW_PREFIX and VERSION above this line). It keeps the player shell — the page, its scripts
   (player-clock.js, player-render.js, player-net.js, player-outbox.js, player-screenshot.js, player.js:
   SHELL_ASSETS in boards/player/views.py) and its style — so a board that restarts while the server is
   down still starts the player; the page itself keeps the manifest (localStorage) and the media (Cache
   Storage). Network first, cache when the server does not answer within a few seconds. */
/* global SHELL, PAGE, PREVIEW_PREFIX, VERSION */
"use strict";

var CACHE = "nguon-player-shell-" + VERSION;
var NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return cache.addAll(SHELL);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (keys) {
        return Promise.all(
          keys
            .filter(function (key) {
              return key.indexOf("nguon-player-shell-") === 0 && key !== CACHE;
            })
            .map(function (key) {
              return caches.delete(key);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function isShell(request, url) {
  if (request.method !== "GET" || url.origin !== self.location.origin) return false;
  if (url.pathname.indexOf(PREVIEW_PREFIX) === 0) return false;
  if (request.mode === "navigate") return url.pathname === PAGE;
  return SHELL.indexOf(url.pathname) !== -1;
}

function fromNetwork(request, url) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error("timeout"));
    }, NETWORK_TIMEOUT_MS);
    fetch(request).then(
      function (response) {
        clearTimeout(timer);
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) {
            return cache.put(url.pathname, copy);
          });
          resolve(response);
        } else {
          reject(new Error("status " + response.status));
        }
      },
      function (error) {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (!isShell(event.request, url)) return;
  event.respondWith(
    fromNetwork(event.request, url).catch(function () {
      return caches.match(url.pathname, { ignoreSearch: true }).then(function (hit) {
        return hit || fetch(event.request);
      });
    })
  );
});
