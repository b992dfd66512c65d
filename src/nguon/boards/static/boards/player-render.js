/* Nguồn e-board player — rendering (after player-clock.js; see docs/boards-player.md).
 *
 * Owns what is drawn in #screen: the layouts (full, ticker, split) and themes, text fitted to its box
 * (largest whole size by binary search, paginated by words when even the minimum does not fit), images
 * and videos with their text fallback, the Vietnam-time clock, and the emergency banner.
 */
(function (P) {
  "use strict";

  var state = P.state;
  var MIN_FONT = 10;
  var WEEKDAYS = ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];
  var screenEl = P.screenEl;
  var stage = document.getElementById("stage");
  var banner = document.getElementById("banner");

  // -- text fitting ---------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function paragraphs(text) {
    return String(text || "")
      .split(/\n+/)
      .map(function (p) {
        return p.trim();
      })
      .filter(Boolean);
  }

  /* A page is [{cls: "heading"|"p", text}]; build its DOM inside fit. */
  function fill(fit, page) {
    fit.textContent = "";
    page.forEach(function (block) {
      fit.appendChild(el(block.cls === "heading" ? "div" : "p", block.cls === "heading" ? "heading" : "", block.text));
    });
  }

  function innerBox(box) {
    var style = getComputedStyle(box);
    return {
      w: box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      h: box.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
    };
  }

  function fits(box, fit, size, inner) {
    fit.style.fontSize = size + "px";
    if (fit.offsetHeight > inner.h + 0.5 || fit.scrollWidth > Math.ceil(inner.w) + 0.5) return false;
    var children = fit.children;
    for (var i = 0; i < children.length; i++) {
      var child = children[i];
      if (child.scrollWidth > child.clientWidth + 1 || child.scrollHeight > child.clientHeight + 1) return false;
    }
    return true;
  }

  /* The largest whole font size (>= MIN_FONT) at which the page fits the box; null when even the
     minimum does not fit. */
  function largestFit(box, fit, inner) {
    var lo = MIN_FONT;
    var hi = Math.max(MIN_FONT, Math.floor(inner.h));
    if (!fits(box, fit, lo, inner)) return null;
    while (lo < hi) {
      var mid = Math.ceil((lo + hi) / 2);
      if (fits(box, fit, mid, inner)) lo = mid;
      else hi = mid - 1;
    }
    fit.style.fontSize = lo + "px";
    return lo;
  }

  function centre(box, fit, inner) {
    var spare = Math.max(0, inner.h - fit.offsetHeight);
    fit.style.marginTop = Math.floor(spare / 2) + "px";
  }

  /* Split heading + paragraphs into pages that each fit at the minimum size (never clipped). */
  function paginate(box, fit, blocks, inner) {
    var pages = [];
    var page = [];
    fit.style.fontSize = MIN_FONT + "px";
    blocks.forEach(function (block) {
      var words = block.text.split(/\s+/).filter(Boolean);
      var current = null;
      words.forEach(function (word) {
        if (!current) {
          current = { cls: block.cls, text: word };
          page.push(current);
        } else {
          current.text += " " + word;
        }
        fill(fit, page);
        if (!fits(box, fit, MIN_FONT, inner) && (page.length > 1 || current.text !== word)) {
          // take the word back and start a new page with it
          if (current.text === word) page.pop();
          else current.text = current.text.slice(0, current.text.length - word.length - 1);
          pages.push(page);
          current = { cls: block.cls, text: word };
          page = [current];
        }
      });
    });
    if (page.length) pages.push(page);
    return pages.length ? pages : [[]];
  }

  /* Fill box with heading + body at the largest size that fits; paginate when the minimum is too big.
     Returns {pages, fit, box, inner} so the caller can turn pages over time. */
  function textBox(parent, heading, bodyText, options) {
    var box = el("div", "text");
    var fit = el("div", "fit" + (options && options.centered ? " centered" : ""));
    fit.dataset.fit = "";
    box.appendChild(fit);
    parent.appendChild(box);
    var blocks = [];
    if (heading) blocks.push({ cls: "heading", text: heading });
    paragraphs(bodyText).forEach(function (p) {
      blocks.push({ cls: "p", text: p });
    });
    var inner = innerBox(box);
    var whole = blocks.map(function (b) {
      return { cls: b.cls, text: b.text };
    });
    fill(fit, whole);
    var pages = [whole];
    if (largestFit(box, fit, inner) === null) pages = paginate(box, fit, blocks, inner);
    var result = { pages: pages, fit: fit, box: box, inner: inner, page: -1 };
    showPage(result, 0);
    return result;
  }

  function showPage(text, index) {
    if (text.page === index) return;
    text.page = index;
    fill(text.fit, text.pages[index] || []);
    text.fit.style.marginTop = "0px";
    if (largestFit(text.box, text.fit, text.inner) === null) text.fit.style.fontSize = MIN_FONT + "px";
    centre(text.box, text.fit, text.inner);
    text.fit.dataset.page = String(index + 1) + "/" + text.pages.length;
  }

  // -- rendering ------------------------------------------------------------------------------------

  function vietnamTime(ms) {
    var d = new Date(ms + 7 * 3600 * 1000); // Asia/Ho_Chi_Minh: UTC+7, no daylight saving
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return {
      time: two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds()),
      date: WEEKDAYS[d.getUTCDay()] + ", " + two(d.getUTCDate()) + "/" + two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear(),
    };
  }

  function renderClock(area) {
    area.classList.add("clock");
    var parts = vietnamTime(P.now());
    var text = textBox(area, parts.time, parts.date, { centered: true });
    return function update() {
      var p = vietnamTime(P.now());
      var nodes = text.fit.children;
      if (nodes[0] && nodes[0].textContent !== p.time) nodes[0].textContent = p.time;
      if (nodes[1] && nodes[1].textContent !== p.date) nodes[1].textContent = p.date;
    };
  }

  function fallbackText(area, slide, item, reason) {
    area.textContent = "";
    area.dataset.fallback = reason;
    var heading = slide.heading || (item && item.title) || "Bảng tin điện tử";
    return textBox(area, heading, slide.body || "", { centered: true });
  }

  function renderMedia(area, slide, item, current) {
    var media = slide.media || (slide.side && slide.side.media);
    if (!media) return fallbackText(area, slide, item, "no-media");
    var kind = slide.kind === "video" || /^video\//.test(media.mime || "") ? "video" : "image";
    var node = el(kind === "video" ? "video" : "img", "media");
    if (kind === "video") {
      node.muted = true;
      node.autoplay = true;
      node.loop = true;
      node.playsInline = true;
      node.setAttribute("muted", "");
    } else {
      node.alt = slide.heading || "";
    }
    area.appendChild(node);
    var failed = false;
    function fail(reason) {
      if (failed || state.current !== current) return;
      failed = true;
      current.failed = reason;
      node.remove();
      current.texts.push(fallbackText(area, slide, item, reason));
    }
    node.addEventListener("error", function () {
      fail(kind + "-error");
    });
    if (kind === "video") {
      // a file the browser cannot decode may never fire error: give it a few seconds
      setTimeout(function () {
        if (node.isConnected && node.readyState < 2) fail("video-stalled");
      }, 3000);
    }
    P.mediaUrl(media).then(
      function (url) {
        if (failed || state.current !== current) return;
        node.src = url;
        if (kind === "video") {
          var played = node.play();
          if (played && played.catch) played.catch(function () {});
        }
      },
      function () {
        fail("media-unavailable");
      }
    );
    return null;
  }

  function renderArea(area, slide, item, current, useSide) {
    var source = useSide ? slide.side || {} : slide;
    if (useSide) {
      if (source.media) return renderMedia(area, { media: source.media, kind: "image", heading: source.heading }, item, current);
      return textBox(area, source.heading || "", source.body || "");
    }
    if (slide.kind === "clock") {
      current.update = renderClock(area);
      return null;
    }
    if (slide.kind === "image" || slide.kind === "video") return renderMedia(area, slide, item, current);
    return textBox(area, slide.heading || "", slide.body || "");
  }

  function renderTicker(slide) {
    var bar = el("div", "ticker");
    bar.dataset.ticker = "";
    var height = Math.max(14, Math.round(screenEl.clientHeight * 0.14));
    stage.style.setProperty("--ticker-h", height + "px");
    bar.style.fontSize = Math.max(MIN_FONT, Math.floor(height / 1.45)) + "px";
    bar.style.lineHeight = height + "px";
    var span = el("span", "", slide.ticker || slide.heading || "");
    bar.appendChild(span);
    stage.appendChild(bar);
    var width = screenEl.clientWidth;
    span.style.setProperty("--ticker-from", width + "px");
    var seconds = Math.max(6, (span.scrollWidth + width) / Math.max(40, height * 4));
    span.style.animationDuration = seconds + "s";
  }

  function show(current) {
    stage.textContent = "";
    stage.removeAttribute("data-fallback");
    var slide = current ? current.slide : { id: "", kind: "clock" };
    var layout = current ? slide.layout || "full" : "full";
    var theme = slide.theme || "dark";
    stage.className = "layout-" + layout + " theme-" + theme;
    if (layout === "split" && screenEl.clientWidth < screenEl.clientHeight * 1.2) stage.classList.add("split-stacked");
    stage.dataset.slide = current ? slide.id : "";
    stage.dataset.kind = slide.kind;
    var holder = current || { slide: slide, texts: [] };
    holder.texts = [];
    state.current = current;
    if (layout === "ticker") renderTicker(slide);
    var main = el("div", "area main");
    stage.appendChild(main);
    var text = renderArea(main, slide, current && current.item, holder, false);
    if (text) holder.texts.push(text);
    if (layout === "split") {
      var side = el("div", "area side");
      stage.appendChild(side);
      var sideText = renderArea(side, slide, current && current.item, holder, true);
      if (sideText) holder.texts.push(sideText);
    }
    if (!current) state.clockUpdate = holder.update;
  }

  function turnPages(current, t) {
    (current.texts || []).forEach(function (text) {
      if (text.pages.length < 2) return;
      var span = (current.end - current.start) / text.pages.length;
      showPage(text, Math.min(text.pages.length - 1, Math.max(0, Math.floor((t - current.start) / span))));
    });
  }

  // -- emergency banner -----------------------------------------------------------------------------

  function updateBanner(t) {
    var block = state.manifest && state.manifest.emergency;
    var item = block && block.item;
    var active = item && item.banner ? block : null;
    var shownId = state.emergency ? state.emergency.id + "|" + state.emergency.since : null;
    var wantedId = active ? active.id + "|" + active.since : null;
    if (shownId === wantedId) return;
    if (state.emergency) {
      P.receipt({
        item: state.emergency.id,
        media: null,
        scheduled: P.parseTs(state.emergency.since),
        shownAt: state.emergency.shownAt,
        endedAt: t,
        result: "played",
        emergency: true,
      });
    }
    banner.textContent = "";
    if (!active) {
      banner.hidden = true;
      banner.removeAttribute("data-emergency");
      state.emergency = null;
      return;
    }
    state.emergency = { id: active.id, since: active.since, shownAt: t };
    banner.hidden = false;
    banner.dataset.emergency = active.id;
    banner.classList.toggle("banner-full", screenEl.clientHeight < 300);
    textBox(banner, item.banner.heading, item.banner.body || "", { centered: true });
  }

  P.show = show;
  P.turnPages = turnPages;
  P.updateBanner = updateBanner;
})(window.NguonPlayer);
