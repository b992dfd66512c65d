/* The public feedback form: filter the commune list as one types, load the chosen commune's residential
   units, and set the map pin (Leaflet, vendored with the fleet map). Everything works without this script:
   the commune list is a plain select and the coordinates are plain fields. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function communeSearch(select) {
    var box = document.querySelector(".commune-search");
    var input = document.getElementById("commune-search");
    var count = document.getElementById("commune-search-count");
    if (!box || !input) return;
    box.hidden = false;
    var options = Array.prototype.slice.call(select.options, 1);
    input.addEventListener("input", function () {
      var key = fold(input.value.trim());
      var shown = 0, last = null;
      options.forEach(function (option) {
        var match = !key || fold(option.text).indexOf(key) !== -1;
        option.hidden = !match;
        option.disabled = !match && !option.selected;
        if (match) { shown += 1; last = option; }
      });
      if (shown === 1 && last && !last.selected) {
        select.value = last.value;
        select.dispatchEvent(new Event("change"));
      }
      count.textContent = key ? shown + " xã, phường phù hợp" : "";
    });
  }

  function residentialPicker(select, target, base) {
    select.addEventListener("change", function () {
      var code = select.value;
      target.length = 1;
      if (!code) return;
      fetch(base.replace("__code__", encodeURIComponent(code)), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { units: [] }; })
        .then(function (data) {
          if (select.value !== code) return;
          data.units.forEach(function (unit) {
            var option = document.createElement("option");
            option.value = unit.code;
            option.textContent = unit.name;
            target.appendChild(option);
          });
        })
        .catch(function () { /* the picker stays empty: the field is optional */ });
    });
  }

  function pinMap(select) {
    var element = document.getElementById("pin-map");
    var lat = document.getElementById("id_latitude");
    var lng = document.getElementById("id_longitude");
    var locate = document.getElementById("use-location");
    if (!element || !lat || !lng) return;
    var points = {};
    var source = document.getElementById("commune-points");
    if (source) points = JSON.parse(source.textContent);
    var marker = null, map = null;

    function place(latitude, longitude, move) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
      if (!map) return;
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = L.marker([latitude, longitude], { keyboard: false }).addTo(map);
      if (move) map.setView([latitude, longitude], Math.max(map.getZoom(), 15));
    }

    if (typeof L !== "undefined") {
      element.hidden = false;
      map = L.map(element, { attributionControl: !!element.dataset.tileUrl });
      if (element.dataset.tileUrl) L.tileLayer(element.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
      map.setView([21.6, 105.8], 9); // Thái Nguyên
      map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, false); });
      if (lat.value && lng.value && !isNaN(+lat.value) && !isNaN(+lng.value)) place(+lat.value, +lng.value, true);
      select.addEventListener("change", function () {
        var p = points[select.value];
        if (p && !marker) map.setView(p, 13);
      });
    }
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          place(position.coords.latitude, position.coords.longitude, true);
        });
      });
    }
  }

  function start() {
    var select = document.getElementById("id_unit");
    var residential = document.getElementById("id_residential_unit");
    var form = document.getElementById("feedback-form");
    if (!select || !form) return;
    communeSearch(select);
    if (residential && form.dataset.placesUrl) residentialPicker(select, residential, form.dataset.placesUrl);
    pinMap(select);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
