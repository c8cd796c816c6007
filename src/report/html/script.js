(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.result"));
  var passRows = rows.filter(function (row) { return row.getAttribute("data-status") === "pass"; });
  var filters = {};
  ["status", "severity", "control", "account"].forEach(function (key) {
    var select = document.getElementById("f-" + key);
    if (select) { filters[key] = select; }
  });
  var text = document.getElementById("f-text");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");
  var passes = document.getElementById("passes");
  var passesShown = document.getElementById("passes-shown");
  function has(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { return true; }
    }
    return false;
  }
  // A malformed fragment (`#q=%E0%A4%A`) is skipped, never thrown on:
  // a throw here would leave every row shown under filters that look set.
  function decode(s) {
    try { return decodeURIComponent(s); } catch (e) { return null; }
  }
  // The fragment is the whole filter state: what it does not name is reset.
  function readHash() {
    var key;
    for (key in filters) {
      if (filters.hasOwnProperty(key)) { filters[key].value = ""; }
    }
    text.value = "";
    var parts = window.location.hash.replace(/^#/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("=");
      key = decode(kv[0] || "");
      var value = decode(kv.slice(1).join("=") || "");
      if (key === null || value === null) { continue; }
      if (filters.hasOwnProperty(key) && has(filters[key], value)) { filters[key].value = value; }
      if (key === "q") { text.value = value; }
    }
  }
  // The filters as a fragment, so that a filtered view can be shared.
  function writeHash() {
    var parts = [];
    for (var key in filters) {
      if (filters.hasOwnProperty(key) && filters[key].value) { parts.push(key + "=" + encodeURIComponent(filters[key].value)); }
    }
    if (text.value) { parts.push("q=" + encodeURIComponent(text.value)); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== window.location.hash && window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", hash || window.location.pathname + window.location.search); } catch (e) { /* a file: URL may refuse; the view still filters */ }
    }
  }
  function apply() {
    var q = text.value.toLowerCase();
    var n = 0;
    var passing = 0;
    rows.forEach(function (row) {
      var ok = true;
      for (var key in filters) {
        if (filters.hasOwnProperty(key) && filters[key].value && row.getAttribute("data-" + key) !== filters[key].value) { ok = false; }
      }
      // The text filter searches the whole row: control, account,
      // subject, principal, finding and evidence.
      if (ok && q && row.textContent.toLowerCase().indexOf(q) < 0) { ok = false; }
      row.hidden = !ok;
      if (ok) {
        n++;
        if (row.getAttribute("data-status") === "pass") { passing++; }
      }
    });
    shown.textContent = n + " of " + rows.length + " results shown";
    shown.setAttribute("data-shown", String(n));
    none.hidden = n > 0;
    if (passes) {
      passesShown.textContent = passing === passRows.length ? "" : "(" + passing + " match the filters)";
      // Asking for passes shows them; the collapsed block stays one click away otherwise.
      if (filters.status.value === "pass") { passes.open = true; }
    }
  }
  function changed() { apply(); writeHash(); }
  for (var key in filters) {
    if (filters.hasOwnProperty(key)) { filters[key].addEventListener("change", changed); }
  }
  text.addEventListener("input", changed);
  function show(key, value) {
    filters[key].value = filters[key].value === value ? "" : value;
    changed();
    document.getElementById("findings").scrollIntoView();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".card[data-status]"), function (card) {
    card.addEventListener("click", function () { show("status", card.getAttribute("data-status")); });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".show-account[data-account]"), function (button) {
    button.addEventListener("click", function () { show("account", button.getAttribute("data-account")); });
  });
  // Links such as `#control=<id>` (the requirements' controls) set the filters.
  window.addEventListener("hashchange", function () {
    readHash();
    apply();
    if (window.location.hash) { document.getElementById("findings").scrollIntoView(); }
  });
  readHash();
  apply();
})();
