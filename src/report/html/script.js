(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.result"));
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
  var passData = document.getElementById("passes-data");
  // The passes stay data until they are opened or a filter could match one.
  var passTotal = 0, listed = false, data = null;
  if (passData) {
    data = JSON.parse(passData.textContent);
    passTotal = data.rows.length;
  }
  function cell(row, className) {
    var td = document.createElement("td");
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }
  function code(parent, value) {
    var c = document.createElement("code");
    c.textContent = value;
    parent.appendChild(c);
  }
  // `quoted` names as code, as the page shows them in every other row.
  function withCode(parent, value) {
    var parts = value.split("`");
    for (var i = 0; i < parts.length; i++) {
      if (i % 2 === 1 && i + 1 < parts.length) { code(parent, parts[i]); continue; }
      parent.appendChild(document.createTextNode((i % 2 === 1 ? "`" : "") + parts[i]));
    }
  }
  function listPasses() {
    if (listed || !data) { return; }
    listed = true;
    var body = document.getElementById("passes-rows");
    var fragment = document.createDocumentFragment();
    data.rows.forEach(function (r) {
      var control = data.controls[r[0]], account = data.accounts[r[1]];
      var row = document.createElement("tr");
      row.className = "result pass";
      row.setAttribute("data-status", "pass");
      row.setAttribute("data-severity", control[1]);
      row.setAttribute("data-control", control[0]);
      if (data.several_accounts) { row.setAttribute("data-account", account); }
      var ctl = cell(row, "ctl");
      ctl.appendChild(document.createTextNode(control[0]));
      if (control[2]) {
        ctl.appendChild(document.createElement("br"));
        var small = document.createElement("small");
        small.textContent = control[2];
        ctl.appendChild(small);
      }
      if (data.several_accounts) { cell(row).textContent = account; }
      var subject = cell(row, "subject");
      subject.appendChild(document.createTextNode(r[2]));
      if (r[3]) {
        var principal = document.createElement("small");
        principal.textContent = "principal: " + r[3];
        subject.appendChild(principal);
      }
      withCode(cell(row), r[4]);
      var where = cell(row, "where");
      if (r[5] >= 0) {
        code(where, data.files[r[5]]);
        if (r[6] > 0) { where.appendChild(document.createTextNode(" line " + r[6])); }
        if (r[7]) { where.appendChild(document.createElement("br")); code(where, r[7]); }
      }
      fragment.appendChild(row);
      rows.push(row);
    });
    body.appendChild(fragment);
  }
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
  function filtering() {
    for (var key in filters) {
      if (filters.hasOwnProperty(key) && filters[key].value) { return true; }
    }
    return text.value !== "";
  }
  function apply() {
    var q = text.value.toLowerCase();
    var n = 0;
    var passing = 0;
    var status = filters.status.value;
    if (passes && (passes.open || (filtering() && (status === "" || status === "pass")))) { listPasses(); }
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
    // Passes not yet listed match no filter (else they would be listed):
    // they count as shown only when nothing is filtered.
    var unlisted = listed ? 0 : passTotal;
    if (!listed && !filtering()) { n += unlisted; passing = unlisted; }
    shown.textContent = n + " of " + (rows.length + unlisted) + " results shown";
    shown.setAttribute("data-shown", String(n));
    none.hidden = n > 0;
    if (passes) {
      passesShown.textContent = passing === passTotal ? "" : "(" + passing + " match the filters)";
      // Asking for passes shows them; the collapsed block stays one click away otherwise.
      if (status === "pass") { passes.open = true; }
    }
  }
  function changed() { apply(); writeHash(); }
  for (var key in filters) {
    if (filters.hasOwnProperty(key)) { filters[key].addEventListener("change", changed); }
  }
  text.addEventListener("input", changed);
  if (passes) { passes.addEventListener("toggle", function () { if (passes.open && !listed) { apply(); } }); }
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
