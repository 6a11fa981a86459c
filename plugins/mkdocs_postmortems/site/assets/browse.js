/* Sort and filter the table of all postmortems, in the browser, with no dependencies.
 * Filters are kept in the address (?severity=P1&services=checkout&q=dns) so a filtered
 * view can be linked to; the table works without this script, unsorted and unfiltered. */
(function () {
  "use strict";

  var LIST_FILTERS = ["services", "teams", "factors"];

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function init() {
    var form = document.querySelector("form[data-pm-browse]");
    if (!form || form.getAttribute("data-pm-ready")) { return; }
    form.setAttribute("data-pm-ready", "1");
    var table = document.getElementById(form.getAttribute("data-pm-browse"));
    if (!table) { return; }
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.forEach(function (row, index) { row.setAttribute("data-order", String(index)); });
    var count = form.querySelector(".pm-count");
    var none = document.querySelector("[data-pm-none]");
    var controls = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
    var params = new URLSearchParams(window.location.search);

    controls.forEach(function (control) {
      var name = control.getAttribute("data-filter");
      var value = params.get(name === "text" ? "q" : name);
      if (value !== null) { control.value = value; }
    });

    function apply() {
      var wanted = {};
      var query = new URLSearchParams();
      controls.forEach(function (control) {
        var name = control.getAttribute("data-filter");
        wanted[name] = control.value;
        if (control.value) { query.set(name === "text" ? "q" : name, control.value); }
      });
      var terms = words(wanted.text || "");
      var shown = 0;
      rows.forEach(function (row) {
        var ok = !wanted.severity || row.getAttribute("data-severity") === wanted.severity;
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

    function value(row, column) {
      return row.cells[column].getAttribute("data-value") || "";
    }

    function sortBy(button) {
      var column = Number(button.getAttribute("data-column"));
      var numeric = button.getAttribute("data-type") === "number";
      var header = button.parentNode;
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
        cell.setAttribute("aria-sort", "none");
      });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var direction = ascending ? 1 : -1;
      rows.sort(function (a, b) {
        var x = value(a, column);
        var y = value(b, column);
        var order;
        if (x === "" || y === "") {
          order = x === y ? 0 : (x === "" ? 1 : -1);  /* blanks last, either way */
          if (order !== 0) { return order; }
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

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    table.tHead.addEventListener("click", function (event) {
      var button = event.target.closest("button.pm-sort");
      if (button) { sortBy(button); }
    });
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
