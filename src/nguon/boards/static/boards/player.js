/* Nguồn e-board player: plays the device's manifest on time, offline from Cache Storage, with proof of play.
 *
 * Device mode (/boards/player/): authenticates with the device token (localStorage), fetches the manifest
 * with ETag, keeps the last one in localStorage, caches every media file in Cache Storage (keyed by a
 * sha256 URL), renders the slide the timing rule puts on screen (recomputed from the clock every 250 ms),
 * sends heartbeats and one receipt per slide shown (IndexedDB outbox, uploaded when the server answers),
 * listens to server-sent events and polls the manifest every 30 s as a fallback.
 * Preview mode (/boards/player/preview/<device>/): the same rendering, manifest read with the session,
 * no receipts, no heartbeats. The manifest signature is not checked here (see docs/boards-player.md).
 *
 * This file (loaded last) only starts the player: the token (or the setup form), the service worker, the
 * preview's scaling and the timers. The work is in the files loaded before it, sharing window.NguonPlayer:
 * player-clock.js (namespace, state, timing rule, tick), player-render.js (layouts, text fitting, clock,
 * banner), player-net.js (manifest, media cache, heartbeat, events), player-outbox.js (receipts) and
 * player-screenshot.js. The service worker caches all of them (SHELL_ASSETS in boards/player/views.py).
 */
(function (P) {
  "use strict";

  var cfg = P.cfg;
  var state = P.state;
  var PREVIEW = P.PREVIEW;
  var TOKEN_KEY = "nguon.player.token";
  var TICK_MS = P.TICK_MS;
  var POLL_MS = PREVIEW ? 5000 : 30000;
  var HEARTBEAT_MS = 60000;
  var UPLOAD_MS = 5000;
  var screenEl = P.screenEl;

  // -- token ----------------------------------------------------------------------------------------

  function takeToken() {
    var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      try {
        localStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      } catch (e) {
        /* storage full or disabled: the token lives in memory only */
        state.token = decodeURIComponent(match[1]);
      }
      history.replaceState(null, "", location.pathname + location.search);
    }
    return localStorage.getItem(TOKEN_KEY) || state.token || "";
  }

  // -- start ----------------------------------------------------------------------------------------

  function registerWorker() {
    if (PREVIEW || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(cfg.swUrl, { scope: cfg.swUrl.replace(/sw\.js$/, "") }).then(
      function () {
        return navigator.serviceWorker.ready.then(function () {
          state.ready.sw = true;
        });
      },
      function () {
        state.ready.sw = false;
      }
    );
  }

  function sizePreview() {
    var width = Number(cfg.width) || 1920;
    var height = Number(cfg.height) || 1080;
    screenEl.style.width = width + "px";
    screenEl.style.height = height + "px";
    var holder = document.getElementById("preview-scale");
    var room = Math.max(200, window.innerWidth - 40);
    var scale = width < room / 2 ? Math.floor(room / 2 / width) || 1 : Math.min(1, room / width);
    holder.style.transform = "scale(" + scale + ")";
    holder.style.width = width + "px";
    holder.style.height = height * scale + "px";
  }

  function start() {
    if (PREVIEW) sizePreview();
    P.loadStoredManifest();
    if (state.manifest) P.precache(state.manifest);
    P.tick();
    setInterval(P.tick, TICK_MS);
    P.fetchManifest().then(function () {
      P.heartbeat();
    });
    setInterval(P.fetchManifest, POLL_MS);
    if (PREVIEW) return;
    registerWorker();
    P.connectEvents();
    setInterval(P.heartbeat, HEARTBEAT_MS);
    setInterval(P.upload, UPLOAD_MS);
    P.upload();
    window.addEventListener("online", function () {
      P.upload();
      P.fetchManifest();
    });
  }

  window.addEventListener("resize", function () {
    state.rerender = true; // re-fit the current slide at the new size (no new receipt)
  });

  state.token = PREVIEW ? "" : takeToken();
  if (PREVIEW || state.token) {
    start();
  } else {
    var form = document.getElementById("setup");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = document.getElementById("setup-token").value.trim();
      if (!token) return;
      try {
        localStorage.setItem(TOKEN_KEY, token);
      } catch (e) {
        /* memory only */
      }
      state.token = token;
      form.hidden = true;
      start();
    });
  }
})(window.NguonPlayer);
