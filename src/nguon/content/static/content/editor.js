/* Nguồn — a small rich-text editor and a searchable multi-select, served locally, no dependencies.
 *
 * A <textarea data-rich-text> becomes a contenteditable area with the toolbar rendered next to it by the
 * template (<div data-rte-for="ID" hidden>, with translated button labels). The area's HTML is cleaned
 * (the server's allow-list: paragraphs, emphasis, lists, headings, links…) and written back into the
 * textarea on every change and before the form is sent; the server sanitises it again. Without
 * JavaScript the textarea is a plain text field, and the server turns blank-line paragraphs into <p>.
 *
 * A <select multiple data-searchable> gets a filter box (diacritics-insensitive: "dinh hoa" finds
 * "Định Hóa"), clicks that toggle options without Ctrl, and a live list of what is selected.
 */
(function () {
  "use strict";

  var ALLOWED = {
    P: [], BR: [], STRONG: [], B: [], EM: [], I: [], U: [], S: [], SUB: [], SUP: [],
    UL: [], OL: [], LI: [], H2: [], H3: [], H4: [], BLOCKQUOTE: [], HR: [],
    TABLE: [], THEAD: [], TBODY: [], TR: [], TH: ["colspan", "rowspan"], TD: ["colspan", "rowspan"],
    A: ["href", "title"]
  };
  var DROPPED = { SCRIPT: 1, STYLE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, TEMPLATE: 1, NOSCRIPT: 1, SVG: 1, MATH: 1, HEAD: 1, TITLE: 1, META: 1, LINK: 1 };
  var SAFE_LINK = /^(https?:|mailto:|tel:)/i;

  function cleanChildren(source) {
    var out = document.createDocumentFragment();
    Array.prototype.forEach.call(source.childNodes, function (child) {
      if (child.nodeType === 3) {
        out.appendChild(document.createTextNode(child.nodeValue));
        return;
      }
      if (child.nodeType !== 1) {
        return;
      }
      var tag = child.tagName.toUpperCase();
      if (DROPPED[tag]) {
        return;
      }
      var inner = cleanChildren(child);
      if (tag === "DIV") {
        var p = document.createElement("p");
        p.appendChild(inner);
        out.appendChild(p);
        return;
      }
      if (!Object.prototype.hasOwnProperty.call(ALLOWED, tag)) {
        out.appendChild(inner); // unknown wrapper (span, font…): keep its text
        return;
      }
      var element = document.createElement(tag.toLowerCase());
      ALLOWED[tag].forEach(function (name) {
        var value = child.getAttribute(name);
        if (value === null || (name === "href" && !SAFE_LINK.test(value.trim()))) {
          return;
        }
        element.setAttribute(name, value);
      });
      element.appendChild(inner);
      out.appendChild(element);
    });
    return out;
  }

  /* Clean HTML text; parsing with DOMParser is inert (no scripts run, no images load). */
  function sanitise(html) {
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    var holder = document.createElement("div");
    holder.appendChild(cleanChildren(parsed.body));
    return holder.innerHTML;
  }

  function escapeText(text) {
    var holder = document.createElement("div");
    holder.textContent = text;
    return holder.innerHTML;
  }

  function initialHtml(value) {
    if (value.indexOf("<") !== -1) {
      return sanitise(value);
    }
    return value.split(/\n\s*\n/).filter(function (p) { return p.trim(); }).map(function (p) {
      return "<p>" + escapeText(p.trim()).replace(/\n/g, "<br>") + "</p>";
    }).join("");
  }

  function enhanceEditor(textarea) {
    var toolbar = document.querySelector('[data-rte-for="' + textarea.id + '"]');
    if (!toolbar || typeof document.execCommand !== "function") {
      return;
    }
    var wrap = document.createElement("div");
    wrap.className = "rte";
    var area = document.createElement("div");
    area.className = "rte-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "-label";
      area.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { area.focus(); });
    }
    if (textarea.getAttribute("aria-describedby")) {
      area.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    area.innerHTML = initialHtml(textarea.value);
    textarea.parentNode.insertBefore(wrap, textarea);
    toolbar.hidden = false;
    wrap.appendChild(toolbar);
    wrap.appendChild(area);
    textarea.hidden = true;

    function sync() {
      textarea.value = sanitise(area.innerHTML);
    }
    function refreshPressed() {
      toolbar.querySelectorAll("button[aria-pressed]").forEach(function (button) {
        var state = false;
        try {
          state = document.queryCommandState(button.dataset.cmd);
        } catch (ignored) {
          state = false;
        }
        button.setAttribute("aria-pressed", state ? "true" : "false");
      });
    }

    toolbar.addEventListener("mousedown", function (event) {
      if (event.target.closest("button")) {
        event.preventDefault(); // keep the caret and the selection in the text while clicking a button
      }
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-cmd]");
      if (!button) {
        return;
      }
      event.preventDefault();
      area.focus();
      var cmd = button.dataset.cmd;
      if (cmd === "createLink") {
        var url = window.prompt(toolbar.dataset.linkPrompt || "URL", "https://");
        if (!url || !SAFE_LINK.test(url.trim())) {
          return;
        }
        document.execCommand("createLink", false, url.trim());
      } else if (cmd === "formatBlock") {
        document.execCommand("formatBlock", false, "<" + button.dataset.value + ">");
      } else {
        document.execCommand(cmd, false, null);
      }
      sync();
      refreshPressed();
    });
    area.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) {
        return;
      }
      event.preventDefault();
      var html = data.getData("text/html");
      var content = html ? sanitise(html) : initialHtml(data.getData("text/plain"));
      document.execCommand("insertHTML", false, content);
      sync();
    });
    area.addEventListener("input", sync);
    area.addEventListener("keyup", refreshPressed);
    area.addEventListener("mouseup", refreshPressed);
    if (textarea.form) {
      textarea.form.addEventListener("submit", sync);
    }
    try {
      document.execCommand("defaultParagraphSeparator", false, "p");
    } catch (ignored) {
      /* older browsers: <div> blocks become <p> when cleaned */
    }
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function enhanceSelect(select) {
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "select-filter";
    filter.setAttribute("aria-label", select.dataset.filterLabel || "");
    filter.placeholder = select.dataset.filterLabel || "";
    filter.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(filter, select);
    var summary = document.createElement("p");
    summary.className = "helptext";
    summary.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(summary, select.nextSibling);

    function showSelected() {
      var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
      summary.textContent = chosen.length
        ? (select.dataset.selectedLabel || "") + " " + chosen.map(function (o) { return o.text; }).join(", ")
        : "";
    }
    filter.addEventListener("input", function () {
      var query = fold(filter.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = query !== "" && !option.selected && fold(option.text).indexOf(query) === -1;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = Array.prototype.every.call(group.children, function (o) { return o.hidden; });
      });
    });
    select.addEventListener("mousedown", function (event) {
      if (event.target.tagName !== "OPTION" || event.shiftKey) {
        return;
      }
      event.preventDefault();
      event.target.selected = !event.target.selected;
      select.focus();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    select.addEventListener("change", showSelected);
    showSelected();
  }

  function start() {
    document.querySelectorAll("textarea[data-rich-text]").forEach(enhanceEditor);
    document.querySelectorAll("select[multiple][data-searchable]").forEach(enhanceSelect);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
