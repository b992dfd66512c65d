/* Item form: show only the fields the chosen kind (and layout) uses. Without JavaScript every field shows
 * and the service ignores what a kind does not use. */
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  var layout = document.getElementById("id_layout");
  if (!kind) return;
  function update() {
    var chosenLayout = layout ? layout.value : "";
    document.querySelectorAll("[data-kinds]").forEach(function (box) {
      var kinds = box.getAttribute("data-kinds").split(" ");
      var layouts = (box.getAttribute("data-layouts") || "").split(" ");
      var shown = kinds.indexOf(kind.value) !== -1 || layouts.indexOf(chosenLayout) !== -1;
      box.hidden = !shown;
    });
  }
  kind.addEventListener("change", update);
  if (layout) layout.addEventListener("change", update);
  update();
})();
