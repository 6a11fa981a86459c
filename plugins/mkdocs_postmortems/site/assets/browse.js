/* Sort and filter the generated tables in the browser, with no dependencies.
 *
 * Any table marked `data-pm-sortable` sorts by a click (or Enter, or Space) on a column's
 * header: each header becomes a button, and `aria-sort` says how the table is sorted. A cell
 * sorts by its `data-value` (else its text), numerically when its header has
 * `data-type="number"` (or `data-sort="number"`); blanks sort last either way, ties keep the page's own order.
 *
 * The table of all postmortems is filtered too. Filters are kept in the address
 * (?severity=P1&status=in-review&tags=dns&text=disk) so a filtered view can be linked to.
 * The free text is `text`, never `q` or `h`: Material's search reads those, and a shared
 * link would open its search overlay. Without this script the tables work, unsorted and
 * unfiltered. */
(function () {
  "use strict";

  var LIST_FILTERS = ["services", "teams", "factors", "tags"];  /* rows hold space-separated lists */
  var EXACT_FILTERS = ["severity", "status"];

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function cellValue(row, column) {
    var cell = row.cells[column];
    if (!cell) { return ""; }
    var value = cell.getAttribute("data-value");
    return value === null ? cell.textContent.trim() : value;
  }

  /* Headers without a sort button get one, holding what the header held. */
  function addButtons(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      if (header.querySelector("button.pm-sort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pm-sort";
      button.setAttribute("data-column", String(index));
      button.setAttribute(
        "data-type", header.getAttribute("data-type") || header.getAttribute("data-sort") || "text");
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      if (!header.hasAttribute("aria-sort")) { header.setAttribute("aria-sort", "none"); }
    });
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length || table.getAttribute("data-pm-sort-ready")) {
      return;
    }
    table.setAttribute("data-pm-sort-ready", "1");
    addButtons(table);
    var tbody = table.tBodies[0];
    Array.prototype.forEach.call(tbody.rows, function (row, index) {
      row.setAttribute("data-order", String(index));
    });

    function sortBy(button) {
      var column = Number(button.getAttribute("data-column"));
      var numeric = button.getAttribute("data-type") === "number";
      var header = button.closest("th");
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
        cell.setAttribute("aria-sort", "none");
      });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var direction = ascending ? 1 : -1;
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (a, b) {
        var x = cellValue(a, column);
        var y = cellValue(b, column);
        var order;
        if (x === "" || y === "") {
          order = x === y ? 0 : (x === "" ? 1 : -1);  /* blanks last, either way */
        } else if (numeric) {
          order = direction * (parseFloat(x) - parseFloat(y));
        } else {
          order = direction * x.localeCompare(y);
        }
        if (order !== 0) { return order; }
        return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      });
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) { fragment.appendChild(row); });
      tbody.appendChild(fragment);
    }

    table.tHead.addEventListener("click", function (event) {
      var button = event.target.closest("button.pm-sort");
      if (button) { sortBy(button); }
    });
  }

  function filterBrowse() {
    var form = document.querySelector("form[data-pm-browse]");
    if (!form || form.getAttribute("data-pm-ready")) { return; }
    var table = document.getElementById(form.getAttribute("data-pm-browse"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".pm-count");
    var none = document.querySelector("[data-pm-none]");
    var controls = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
    var params = new URLSearchParams(window.location.search);

    controls.forEach(function (control) {
      var value = params.get(control.getAttribute("data-filter"));
      if (value === null) { return; }
      if (control.tagName === "SELECT") {
        var known = Array.prototype.some.call(control.options, function (option) {
          return option.value === value;
        });
        if (!known) { return; }  /* a link to a value this site no longer has: show all */
      }
      control.value = value;
    });

    function apply() {
      var wanted = {};
      var query = new URLSearchParams();
      controls.forEach(function (control) {
        var name = control.getAttribute("data-filter");
        wanted[name] = control.value;
        if (control.value) { query.set(name, control.value); }
      });
      var terms = words(wanted.text || "");
      var shown = 0;
      rows.forEach(function (row) {
        var ok = true;
        EXACT_FILTERS.forEach(function (name) {
          if (ok && wanted[name]) { ok = row.getAttribute("data-" + name) === wanted[name]; }
        });
        LIST_FILTERS.forEach(function (name) {
          var value = wanted[name];
          if (ok && value) {
            var have = " " + row.getAttribute("data-" + name) + " ";
            ok = have.indexOf(" " + value + " ") !== -1;
          }
        });
        if (ok && terms.length) {
          var text = row.getAttribute("data-text") || "";
          ok = terms.every(function (term) { return text.indexOf(term) !== -1; });
        }
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " postmortems";
      if (none) { none.hidden = shown !== 0; }
      var search = query.toString();
      var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
      window.history.replaceState(window.history.state, "", url);
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    apply();
    form.setAttribute("data-pm-ready", "1");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-pm-sortable]"), makeSortable);
    filterBrowse();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
