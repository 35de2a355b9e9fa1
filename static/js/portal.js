/* fedportal: small behaviours shared by every page. */
(function () {
  "use strict";

  // Every data table sits in a box that scrolls sideways when the table is wider than its column, so the page
  // itself never does. A box that scrolls becomes a labelled, focusable region (tabindex=0, role=region,
  // aria-label = the table's caption), so keyboard users can scroll it with the arrow keys (WCAG 2.1.1).
  function tableLabel(table) {
    var caption = table.querySelector("caption");
    var text = caption ? caption.textContent : table.getAttribute("aria-label") || "";
    if (!text && table.getAttribute("aria-labelledby")) {
      var labelled = document.getElementById(table.getAttribute("aria-labelledby"));
      text = labelled ? labelled.textContent : "";
    }
    return text.replace(/\s+/g, " ").trim() || document.documentElement.dataset.tableLabel || "table";
  }

  function regionize(root) {
    (root || document).querySelectorAll("table").forEach(function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table-responsive")) {
        box = document.createElement("div");
        box.className = "table-responsive";
        table.parentElement.insertBefore(box, table);
        box.appendChild(table);
      }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", tableLabel(table));
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  function refresh() { regionize(document); }
  window.fedportal = { regionize: regionize };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
  window.addEventListener("load", refresh);
  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  document.addEventListener("htmx:afterSettle", function (event) { regionize(event.target); });
})();

(function () {
  "use strict";
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { if (window.fedportalFitNavbar) window.fedportalFitNavbar(); }, 100);
  });
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(function () { if (window.fedportalFitNavbar) window.fedportalFitNavbar(); });
  }
})();

// The person picker: choosing a match puts the person's id into the form's hidden field `person` and says who.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-pick-person]");
  if (!button) return;
  var picker = button.closest("form").querySelector("[data-person-picker]");
  var form = button.closest("form");
  var hidden = form.querySelector("input[name=person]");
  hidden.value = button.dataset.pickPerson;
  var numberField = form.querySelector("input[name=id_number], input[name=person_number]");
  if (numberField) numberField.value = "";
  var chosen = picker.querySelector("#pick-chosen");
  chosen.textContent = picker.dataset.chosenPrefix + button.dataset.pickLabel;
  picker.querySelector("#pick-results").innerHTML = "";
  picker.querySelector("#pick-q").focus();
});

// The persons roster template follows the township county staff chose (its villages in the drop-down): a link with
// data-township-select="<select id>" and data-href="<template url>".
(function () {
  "use strict";
  function follow(link) {
    var select = document.getElementById(link.dataset.townshipSelect);
    if (!select) return;
    function update() {
      var base = link.getAttribute("data-href");
      link.href = select.value ? base + "&township=" + encodeURIComponent(select.value) : base;
    }
    select.addEventListener("change", update);
    update();
  }
  function start() { document.querySelectorAll("a[data-township-select]").forEach(follow); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();

// The person picker searches on Enter too. (An htmx trigger filter, keyup[key=='Enter'], would need eval, which the
// Content-Security-Policy forbids.)
document.addEventListener("keyup", function (event) {
  if (event.key !== "Enter" || !event.target.closest("[data-person-picker]") || event.target.id !== "pick-q") return;
  if (window.htmx) window.htmx.trigger(event.target, "pick-enter");
});
