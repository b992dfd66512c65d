// Live progress of an emergency or a play-now: polls the JSON endpoint every 2 s and redraws the table.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  var text = document.getElementById("progress-text");
  function time(value) {
    if (!value) { return "—"; }
    return new Date(value).toLocaleTimeString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour12: false });
  }
  function cell(row, value) {
    var td = document.createElement("td");
    td.textContent = value;
    row.appendChild(td);
    return td;
  }
  function draw(data) {
    var counts = data.counts;
    box.querySelectorAll("#progress-counts li").forEach(function (li) {
      var strong = li.querySelector("strong");
      if (strong) { strong.textContent = counts[li.getAttribute("data-stage")] || 0; }
    });
    var summary = document.getElementById("progress-summary");
    if (summary && text) {
      summary.textContent = text.getAttribute("data-summary")
        .replace("{total}", counts.total).replace("{communes}", counts.communes).replace("{online}", counts.online);
    }
    var body = document.getElementById("progress-rows");
    var rows = document.createDocumentFragment();
    data.devices.forEach(function (d) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-device", d.device_id);
      tr.setAttribute("data-stage", d.stage);
      var first = cell(tr, d.name);
      var small = document.createElement("small");
      small.className = "muted";
      small.textContent = d.device_id;
      first.appendChild(document.createElement("br"));
      first.appendChild(small);
      cell(tr, d.unit);
      cell(tr, d.online === null ? "—" : (d.online ? text.getAttribute("data-online") : text.getAttribute("data-offline")));
      var stage = cell(tr, d.stage_label + (d.refusal_reason ? " (" + d.refusal_reason + ")" : ""));
      stage.className = "stage";
      cell(tr, time(d.accepted_at));
      cell(tr, time(d.started_at));
      cell(tr, time(d.finished_at));
      rows.appendChild(tr);
    });
    if (data.devices.length) { body.replaceChildren(rows); }
    if (data.status) { box.setAttribute("data-status", data.status); }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { draw(data); } })
      .catch(function () { /* try again at the next tick */ })
      .finally(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
