/* The fleet map: markers coloured by status, commune names at their devices' centre. Tiles only when
   configured (NGUON_MAP_TILE_URL); without them the map is a plain background, so it works offline. */
(function () {
  "use strict";
  var COLOURS = { ok: "#1e8e3e", unhealthy: "#e6a700", offline: "#c5221f", never: "#8a97a6" };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function fact(labels, value) {
    return value === null || value === undefined ? labels.unknown : value ? labels.yes : labels.no;
  }

  function start() {
    var element = document.getElementById("fleet-map");
    var source = document.getElementById("fleet-data");
    if (!element || !source || typeof L === "undefined") return;
    var data = JSON.parse(source.textContent);
    var labels = JSON.parse(document.getElementById("fleet-labels").textContent);
    var map = L.map(element, { attributionControl: !!element.dataset.tileUrl });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    }
    var points = [];
    data.markers.forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lng], {
        radius: 8, color: "#1d2733", weight: 1, fillColor: COLOURS[m.status] || COLOURS.never, fillOpacity: 0.9
      }).addTo(map);
      marker.bindPopup(
        '<a href="' + text(m.url) + '"><strong>' + text(m.name) + "</strong></a><br>" +
        text(m.id) + " · " + text(m.kind) + "<br>" + text(m.commune) + "<br>" +
        text(labels.connected) + ": " + text(fact(labels, m.connected)) + "<br>" +
        text(labels.fresh) + ": " + text(fact(labels, m.fresh)) + "<br>" +
        text(labels.healthy) + ": " + text(fact(labels, m.healthy))
      );
      points.push([m.lat, m.lng]);
    });
    data.communes.forEach(function (c) {
      if (c.lat === null || c.lng === null) return;
      L.marker([c.lat, c.lng], {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({
          className: "",
          html: '<span class="commune-label">' + text(c.name) + " (" + c.count + " " + text(labels.devices) + ")</span>",
          iconSize: null,
          iconAnchor: [0, -12]
        })
      }).addTo(map);
    });
    if (points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 15 });
    } else {
      map.setView([21.6, 105.8], 9); // Thái Nguyên
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
