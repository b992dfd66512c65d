/* Nguồn e-board player — the clock (loaded first; see docs/boards-player.md).
 *
 * Owns the shared namespace (window.NguonPlayer: page config, the shared state also exposed as
 * window.nguonPlayer), the server-corrected clock, the timing rule (which window and slide is on screen
 * at an instant) and the 250 ms tick that swaps slides and makes a receipt for each slide that leaves.
 * The other player-*.js files add their functions to the namespace; player.js starts everything.
 */
(function () {
  "use strict";

  var P = (window.NguonPlayer = window.NguonPlayer || {});
  var body = document.body;
  var cfg = body.dataset;
  var PREVIEW = cfg.mode === "preview";
  var VERSION = cfg.version || "0";
  var TICK_MS = 250;

  var state = {
    version: VERSION,
    mode: cfg.mode,
    token: "",
    manifest: null,
    etag: null,
    offset: 0, // server clock minus ours, from heartbeat answers
    offsetRoundTrip: 1000,
    key: null,
    current: null, // {item, slide, start, end, shownAt, pages, failed}
    emergency: null, // {id, since, shownAt}
    mediaUrls: {},
    log: [], // slides shown: {slide, scheduled, shownAt}
    receiptsMade: [],
    outboxSize: 0,
    ready: { manifest: false, media: false, sw: false },
    eventsOpen: false,
    screenshots: 0,
    startedAt: Date.now(),
  };
  window.nguonPlayer = state;

  function now() {
    return Date.now() + state.offset;
  }

  function iso(ms) {
    return new Date(ms).toISOString();
  }

  var TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
  function parseTs(text) {
    var m = TS.exec(text || "");
    if (!m) return NaN;
    var ms = m[7] ? Math.floor(Number((m[7] + "000000").slice(0, 6)) / 1000) : 0;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
  }

  // -- timing ---------------------------------------------------------------------------------------

  /* The slide on screen at t: within an item's window [start, start + duration_ms) the slides loop;
     slide k starts at start + n*T + (durations before k). Later windows win (they never overlap). */
  function slideAt(manifest, t) {
    var found = null;
    ((manifest && manifest.items) || []).forEach(function (item) {
      if (!item.slides || !item.slides.length) return;
      var start = parseTs(item.start);
      if (t >= start && t < start + item.duration_ms) found = item;
    });
    if (!found) return null;
    var start = parseTs(found.start);
    var windowEnd = start + found.duration_ms;
    var total = found.slides.reduce(function (sum, s) {
      return sum + s.duration_ms;
    }, 0);
    if (total <= 0) return null;
    var at = start + Math.floor((t - start) / total) * total;
    for (var i = 0; i < found.slides.length; i++) {
      var slide = found.slides[i];
      if (t < at + slide.duration_ms) {
        return { item: found, slide: slide, start: at, end: Math.min(at + slide.duration_ms, windowEnd) };
      }
      at += slide.duration_ms;
    }
    return null;
  }

  // -- the clock loop -------------------------------------------------------------------------------

  function tick() {
    var t = now();
    var current = slideAt(state.manifest, t);
    var key = current ? current.item.id + "|" + current.slide.id + "|" + current.start + "|" + JSON.stringify(current.slide) : "clock";
    if (key !== state.key) {
      finish(t);
      state.key = key;
      if (current) {
        current.shownAt = t;
        state.log.push({ slide: current.slide.id, scheduled: current.start, shownAt: t });
        if (state.log.length > 500) state.log.shift();
      }
      P.show(current);
      state.clockUpdate = current ? current.update : state.clockUpdate;
    } else if (state.rerender) {
      state.rerender = false;
      if (state.current) state.current.texts = [];
      P.show(state.current);
    } else if (state.current) {
      P.turnPages(state.current, t);
      if (state.current.update) state.current.update();
    } else if (state.clockUpdate) {
      state.clockUpdate();
    }
    P.updateBanner(t);
  }

  function finish(t) {
    var done = state.current;
    if (!done) return;
    var played = t >= done.end - 2 * TICK_MS;
    P.receipt({
      item: done.slide.id,
      media: done.slide.media ? done.slide.media.sha256 : null,
      scheduled: done.start,
      shownAt: done.shownAt,
      endedAt: t,
      result: done.failed ? "failed" : played ? "played" : "interrupted",
      detail: done.failed ? "không phát được (" + done.failed + "); đã hiện chữ thay thế" : "",
    });
    state.current = null;
  }

  P.cfg = cfg;
  P.PREVIEW = PREVIEW;
  P.VERSION = VERSION;
  P.TICK_MS = TICK_MS;
  P.state = state;
  P.screenEl = document.getElementById("screen");
  P.now = now;
  P.iso = iso;
  P.parseTs = parseTs;
  P.slideAt = slideAt;
  P.tick = tick;
})();
