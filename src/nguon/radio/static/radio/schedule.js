// Programme and occurrence forms: show only the fields that the chosen repeat, target and line kind need;
// add running-order lines from the empty row; move lines up and down (renumbering "Thứ tự").
// Without JavaScript every field shows and the position numbers order the lines.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function showFor(container, selector, attr, value) {
    container.querySelectorAll(selector).forEach(function (el) {
      var wanted = (el.getAttribute(attr) || "").split(" ");
      el.hidden = wanted.indexOf(value) < 0;
    });
  }

  function checkedValue(container) {
    var checked = container.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }

  function wireRadios(container, selector, attr) {
    var update = function () { showFor(container, selector, attr, checkedValue(container)); };
    container.addEventListener("change", update);
    update();
  }

  function wireRow(row) {
    var kind = row.querySelector("select[name$='-kind']");
    var update = function () {
      row.dataset.kind = kind.value;
      showFor(row, "[data-for]", "data-for", kind.value);
    };
    kind.addEventListener("change", update);
    update();
    row.querySelector(".move").hidden = false;
  }

  function renumber(list) {
    var n = 1;
    list.querySelectorAll("[data-row]").forEach(function (row) {
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) { order.value = n; n += 1; }
    });
  }

  function wireRunningOrder(box) {
    var list = box.querySelector("[data-rows]");
    var template = box.querySelector("template[data-empty-row]");
    var total = box.querySelector("input[name$='-TOTAL_FORMS']");
    var add = box.querySelector("[data-add-row]");
    list.querySelectorAll("[data-row]").forEach(wireRow);
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-up], [data-down]");
      if (!button) { return; }
      var row = button.closest("[data-row]");
      if (button.hasAttribute("data-up") && row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (button.hasAttribute("data-down") && row.nextElementSibling) {
        list.insertBefore(row.nextElementSibling, row);
      }
      renumber(list);
      button.focus();
    });
    if (template && total && add) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        var holder = document.createElement("ol");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        list.appendChild(row);
        total.value = String(index + 1);
        wireRow(row);
        renumber(list);
        row.querySelector("select").focus();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-repeat]").forEach(function (box) { wireRadios(box, "[data-repeat-for]", "data-repeat-for"); });
    document.querySelectorAll("[data-target]").forEach(function (box) { wireRadios(box, "[data-target-for]", "data-target-for"); });
    document.querySelectorAll("[data-running-order]").forEach(wireRunningOrder);
  });
}());
