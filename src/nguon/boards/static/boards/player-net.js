/* Nguồn e-board player — network (after player-clock.js; see docs/boards-player.md).
 *
 * Owns every exchange with the server except receipts and screenshots: the bearer header, the manifest
 * (fetched with If-None-Match, kept in localStorage for an offline start), the media cache (Cache
 * Storage, keyed by sha256; blob URLs for the slides), the heartbeat (which also measures the
 * server-clock offset) and the server-sent events stream with its reconnect back-off.
 */
(function (P) {
  "use strict";

  var cfg = P.cfg;
  var state = P.state;
  var PREVIEW = P.PREVIEW;
  var VERSION = P.VERSION;
  var MANIFEST_KEY = "nguon.player.manifest";
  var ETAG_KEY = "nguon.player.etag";
  var MEDIA_CACHE = "nguon-player-media-v1";
  var statusEl = document.getElementById("status");

  function setStatus(text) {
    statusEl.dataset.state = text;
    var preview = document.getElementById("preview-state");
    if (preview) preview.textContent = text || "đã cập nhật";
  }

  function authHeaders(extra) {
    var headers = extra || {};
    if (!PREVIEW) headers.Authorization = "Bearer " + state.token;
    return headers;
  }

  function api(name) {
    return cfg.apiBase + name;
  }

  // -- manifest -------------------------------------------------------------------------------------

  function loadStoredManifest() {
    if (PREVIEW) return;
    try {
      var text = localStorage.getItem(MANIFEST_KEY);
      if (text) {
        state.manifest = JSON.parse(text);
        state.etag = localStorage.getItem(ETAG_KEY);
        state.ready.manifest = true;
      }
    } catch (e) {
      state.manifest = null;
    }
  }

  function applyManifest(manifest, etag) {
    state.manifest = manifest;
    state.etag = etag;
    state.ready.manifest = true;
    if (!PREVIEW) {
      try {
        localStorage.setItem(MANIFEST_KEY, JSON.stringify(manifest));
        localStorage.setItem(ETAG_KEY, etag || "");
      } catch (e) {
        /* keep playing from memory */
      }
    }
    precache(manifest);
    P.tick();
  }

  var fetching = null;
  function fetchManifest() {
    if (fetching) return fetching;
    fetching = doFetchManifest().finally(function () {
      fetching = null;
    });
    return fetching;
  }

  async function doFetchManifest() {
    var response;
    if (PREVIEW) {
      try {
        response = await fetch(cfg.manifestUrl, { credentials: "same-origin", cache: "no-store" });
      } catch (e) {
        setStatus("mất kết nối");
        return;
      }
      if (!response.ok) {
        setStatus("không đọc được lịch (" + response.status + ")");
        return;
      }
      var data = await response.json();
      setStatus(data.manifest ? "phiên bản " + data.manifest.version : "chưa có lịch: hiện đồng hồ");
      if (data.etag !== state.etag) applyManifest(data.manifest, data.etag);
      return;
    }
    var headers = authHeaders({});
    if (state.etag && state.manifest) headers["If-None-Match"] = state.etag;
    try {
      response = await fetch(cfg.manifestUrl, { headers: headers, cache: "no-store" });
    } catch (e) {
      setStatus("offline");
      return;
    }
    if (response.status === 304) {
      setStatus("");
      return;
    }
    if (response.status === 401) {
      setStatus("token");
      return;
    }
    if (!response.ok) {
      setStatus("http-" + response.status);
      return;
    }
    var manifest = await response.json();
    setStatus("");
    applyManifest(manifest, response.headers.get("ETag"));
  }

  // -- media ----------------------------------------------------------------------------------------

  function mediaOf(manifest) {
    var list = [];
    ((manifest && manifest.items) || []).forEach(function (item) {
      (item.slides || []).forEach(function (slide) {
        if (slide.media) list.push(slide.media);
        if (slide.side && slide.side.media) list.push(slide.side.media);
      });
    });
    return list;
  }

  function mediaKey(sha256) {
    return new URL("/boards/player/media/" + sha256, location.origin).href;
  }

  function mediaSource(media) {
    if (PREVIEW) return cfg.mediaBase + media.sha256;
    return media.url;
  }

  async function download(media, cache) {
    var response = await fetch(mediaSource(media), {
      headers: authHeaders({}),
      credentials: "same-origin",
    });
    if (response.status !== 200) throw new Error("media " + response.status);
    if (cache) await cache.put(mediaKey(media.sha256), response.clone());
    return response.blob();
  }

  async function precache(manifest) {
    var wanted = mediaOf(manifest);
    var keep = {};
    wanted.forEach(function (m) {
      keep[mediaKey(m.sha256)] = true;
    });
    if (!("caches" in window) || PREVIEW) {
      state.ready.media = true;
      return;
    }
    var complete = true;
    try {
      var cache = await caches.open(MEDIA_CACHE);
      for (var i = 0; i < wanted.length; i++) {
        if (await cache.match(mediaKey(wanted[i].sha256))) continue;
        try {
          await download(wanted[i], cache);
        } catch (e) {
          complete = false;
        }
      }
      if (complete) {
        var keys = await cache.keys();
        for (var k = 0; k < keys.length; k++) {
          if (!keep[keys[k].url]) await cache.delete(keys[k]);
        }
      }
    } catch (e) {
      complete = false;
    }
    state.ready.media = complete;
  }

  async function mediaUrl(media) {
    var sha = media.sha256;
    if (state.mediaUrls[sha]) return state.mediaUrls[sha];
    var blob = null;
    if ("caches" in window && !PREVIEW) {
      try {
        var cache = await caches.open(MEDIA_CACHE);
        var hit = await cache.match(mediaKey(sha));
        blob = hit ? await hit.blob() : await download(media, cache);
      } catch (e) {
        blob = null;
      }
    }
    if (!blob) blob = await download(media, null);
    if (!state.mediaUrls[sha]) state.mediaUrls[sha] = URL.createObjectURL(blob);
    return state.mediaUrls[sha];
  }

  // -- heartbeat ------------------------------------------------------------------------------------

  async function heartbeat() {
    if (PREVIEW || !state.manifest) return;
    var free = null;
    try {
      if (navigator.storage && navigator.storage.estimate) {
        var estimate = await navigator.storage.estimate();
        free = Math.max(0, Math.floor(((estimate.quota || 0) - (estimate.usage || 0)) / 1048576));
      }
    } catch (e) {
      free = null;
    }
    var current = state.current;
    var message = {
      v: 1,
      device: state.manifest.device,
      ts: P.iso(P.now()),
      protocol: 1,
      firmware: "web-player/" + VERSION,
      mode: "eboard",
      volume: 0,
      power: "on",
      emergency: !!state.emergency,
      manifest_version: state.manifest.version,
      playing: current ? { item: current.item.id, started_at: P.iso(current.shownAt) } : null,
      uptime_s: Math.floor((Date.now() - state.startedAt) / 1000),
      spooled_receipts: state.outboxSize,
    };
    if (free !== null) message.storage_free_mb = free;
    try {
      var sent = Date.now();
      var response = await fetch(api("heartbeat"), {
        method: "POST",
        headers: authHeaders({ "Content-Type": "application/json" }),
        body: JSON.stringify(message),
      });
      if (response.ok) {
        var answer = await response.json();
        var received = Date.now();
        var server = P.parseTs(answer.server_time);
        var roundTrip = received - sent;
        // keep the estimate from the quickest exchange of the last few (its error is at most half of it)
        if (!isNaN(server) && roundTrip < 1000 && roundTrip <= state.offsetRoundTrip * 1.5 + 20) {
          state.offset = server - (sent + received) / 2;
          state.offsetRoundTrip = roundTrip;
        } else {
          state.offsetRoundTrip *= 1.2;
        }
      }
    } catch (e) {
      /* offline */
    }
  }

  // -- push (server-sent events) --------------------------------------------------------------------

  var backoff = 1000;
  async function connectEvents() {
    if (PREVIEW || !window.EventSource) return;
    var ticket;
    try {
      var response = await fetch(api("event-ticket"), { method: "POST", headers: authHeaders({}) });
      if (!response.ok) throw new Error("ticket " + response.status);
      ticket = (await response.json()).ticket;
    } catch (e) {
      state.eventsOpen = false;
      setTimeout(connectEvents, backoff);
      backoff = Math.min(backoff * 2, 30000);
      return;
    }
    var source = new EventSource(api("events") + "?ticket=" + encodeURIComponent(ticket));
    source.onopen = function () {
      state.eventsOpen = true;
      backoff = 1000;
    };
    source.addEventListener("manifest", function (event) {
      var data = JSON.parse(event.data);
      if (data.etag !== state.etag) fetchManifest();
    });
    source.addEventListener("screenshot", function (event) {
      P.takeScreenshot(JSON.parse(event.data).request);
    });
    function reconnect(delay) {
      source.close();
      state.eventsOpen = false;
      setTimeout(connectEvents, delay);
    }
    source.addEventListener("bye", function () {
      reconnect(0);
    });
    source.onerror = function () {
      reconnect(backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  P.authHeaders = authHeaders;
  P.api = api;
  P.loadStoredManifest = loadStoredManifest;
  P.fetchManifest = fetchManifest;
  P.precache = precache;
  P.mediaUrl = mediaUrl;
  P.heartbeat = heartbeat;
  P.connectEvents = connectEvents;
})(window.NguonPlayer);
