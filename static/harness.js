// The partner-app harness (sandbox mode): plays the native app around the WebView.
// It injects the chosen transport into every page the frame shows, as a native
// container does at document start, records what bridge.js delivers on it, and checks
// each message against its JSON Schema, its numbering (no gap, no repeat) and its order.
// #harness[data-state] is "idle" | "launching" | "running" | "closed" | "error".
(function () {
  "use strict";
  var root = document.getElementById("harness");
  var frame = document.getElementById("app-frame");
  var form = document.getElementById("launch-form");
  var logBody = document.getElementById("event-log");
  var summary = document.getElementById("log-summary");
  var cfg = root.dataset;
  var schemas = { events: {}, commands: {} };
  var schemasLoaded = fetch("/dev/partner-app/schemas")
    .then(function (r) { return r.json(); })
    .then(function (data) { schemas = data; root.dataset.schemas = "loaded"; });
  var selected = null;
  var lastDoc = null;
  var stats = { count: 0, invalid: 0, disorder: 0, last: null, seen: {} };

  function setState(state) { root.dataset.state = state; }

  function showError(text) {
    var el = document.getElementById("harness-error");
    el.textContent = text;
    el.hidden = !text;
    if (text) { setState("error"); }
  }

  // --- a small JSON Schema check: the keywords the bridge schemas use -------------------

  function isType(type, v) {
    switch (type) {
      case "null": return v === null;
      case "integer": return typeof v === "number" && isFinite(v) && v % 1 === 0;
      case "object": return v !== null && typeof v === "object" && !Array.isArray(v);
      case "array": return Array.isArray(v);
      default: return typeof v === type;
    }
  }

  function validate(schema, value) {
    var errors = [];
    (function check(s, v, path) {
      if (s.const !== undefined && v !== s.const) { errors.push(path + " must be " + JSON.stringify(s.const)); }
      if (s.enum && s.enum.indexOf(v) < 0) { errors.push(path + " must be one of " + s.enum.join(", ")); }
      if (s.type && ![].concat(s.type).some(function (t) { return isType(t, v); })) {
        errors.push(path + " must be " + [].concat(s.type).join(" or "));
        return;
      }
      if (typeof v === "string" && s.pattern && !new RegExp(s.pattern).test(v)) {
        errors.push(path + " does not match " + s.pattern);
      }
      if (typeof v === "string" && s.minLength !== undefined && v.length < s.minLength) {
        errors.push(path + " is too short");
      }
      if (typeof v === "number" && s.minimum !== undefined && v < s.minimum) {
        errors.push(path + " is below " + s.minimum);
      }
      if (isType("object", v)) {
        (s.required || []).forEach(function (key) {
          if (!Object.prototype.hasOwnProperty.call(v, key)) { errors.push(path + "." + key + " is missing"); }
        });
        Object.keys(v).forEach(function (key) {
          var sub = s.properties && s.properties[key];
          if (sub) { check(sub, v[key], path + "." + key); }
          else if (s.additionalProperties === false) { errors.push(path + "." + key + " is not in the schema"); }
        });
      }
    })(schema, value, "$");
    return errors;
  }

  // --- the log ------------------------------------------------------------------------

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function updateSummary() {
    var ok = stats.invalid === 0 && stats.disorder === 0;
    summary.dataset.ok = ok ? "true" : "false";
    summary.textContent = stats.count + " events on " + (selected || "-") + ": " +
      (stats.invalid ? stats.invalid + " invalid" : "all valid") + ", " +
      (stats.disorder ? stats.disorder + " out of order or repeated" : "in order, each once") + ".";
  }

  function record(transport, payload) {
    if (transport !== selected) { return; }  // the other channels a page also uses
    var msg = payload;
    if (typeof payload === "string") {
      try { msg = JSON.parse(payload); } catch (e) { msg = { type: "(not JSON)", raw: payload }; }
    }
    var schema = msg && schemas.events[msg.type];
    var errors = schema ? validate(schema, msg) : ["no schema for type " + (msg && msg.type)];
    var inOrder = typeof msg.seq === "number" && !stats.seen[msg.seq] &&
      (stats.last === null || msg.seq === stats.last + 1);
    if (typeof msg.seq === "number") { stats.seen[msg.seq] = true; stats.last = msg.seq; }
    stats.count += 1;
    stats.invalid += errors.length ? 1 : 0;
    stats.disorder += inOrder ? 0 : 1;

    var row = document.createElement("tr");
    row.dataset.testid = "event-row";
    row.dataset.type = msg.type;
    row.dataset.seq = msg.seq;
    row.dataset.valid = errors.length ? "false" : "true";
    row.dataset.inOrder = inOrder ? "true" : "false";
    cell(row, String(msg.seq) + (inOrder ? "" : " ⚠"));
    cell(row, msg.type);
    cell(row, JSON.stringify(msg.data));
    cell(row, errors.length ? "✗ " + errors.join("; ") : "✓").className = errors.length ? "bad" : "good";
    logBody.appendChild(row);
    updateSummary();
    if (msg.type === "close.requested") { closeApp(); }
  }

  function clearLog() {
    logBody.textContent = "";
    stats = { count: 0, invalid: 0, disorder: 0, last: null, seen: {} };
    summary.textContent = "No events yet.";
    summary.dataset.ok = "true";
  }

  // What a native app does on close.requested: take the WebView away.
  function closeApp() {
    setState("closed");
    document.getElementById("closed-note").hidden = false;
    lastDoc = null;
    frame.src = "about:blank";
  }

  // --- transports, injected into each page the frame shows ------------------------------

  function watchScheme(win, doc) {
    var prefix = cfg.scheme + "://event?";
    var taken = new WeakSet();
    function take(el) {
      var src = el.tagName === "IFRAME" ? el.getAttribute("src") || "" : "";
      if (taken.has(el) || src.indexOf(prefix) !== 0) { return; }
      taken.add(el);
      record("scheme", new URL(src).searchParams.get("msg"));
    }
    function takeAll(node) {
      if (node.nodeType !== 1) { return; }
      take(node);
      Array.prototype.forEach.call(node.querySelectorAll("iframe"), take);
    }
    takeAll(doc.documentElement || doc);
    new win.MutationObserver(function (mutations) {
      mutations.forEach(function (m) { Array.prototype.forEach.call(m.addedNodes, takeAll); });
    }).observe(doc, { childList: true, subtree: true });
  }

  function inject(win, doc) {
    if (selected === "ios") {
      var handlers = {};
      handlers[cfg.ios] = { postMessage: function (m) { record("ios", JSON.parse(JSON.stringify(m))); } };
      win.webkit = { messageHandlers: handlers };
    } else if (selected === "android") {
      win[cfg.android] = { postMessage: function (text) { record("android", text); } };
    } else if (selected === "react_native") {
      win.ReactNativeWebView = { postMessage: function (text) { record("react_native", text); } };
    } else if (selected === "scheme") {
      watchScheme(win, doc);
    }
  }

  // A native container injects at document start; poll for each new document.
  function watchFrame() {
    var doc = null;
    try { doc = frame.contentDocument; } catch (e) { doc = null; }  // another origin
    if (doc && doc !== lastDoc && selected && root.dataset.state === "running") {
      lastDoc = doc;
      inject(frame.contentWindow, doc);
    }
  }

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== window.location.origin) { return; }
    var data = event.data;
    if (data && typeof data === "object" && data.v === 1 && typeof data.type === "string") {
      record("parent", data);
    }
  });

  // --- launch, commands, session lapse ---------------------------------------------------

  function launch(event) {
    event.preventDefault();
    showError("");
    var fields = new FormData(form);
    var body = {
      customer: {
        external_id: fields.get("external_id"), firstname: "Ayşe", lastname: "Yılmaz",
        email: "ayse@example.com", phone: "+905330000000", gender: "F",
        identity_number: "10000000146", birthdate: "1990-01-31"
      },
      locale: fields.get("locale")
    };
    if (fields.get("return_url")) { body.return_url = fields.get("return_url"); }
    selected = fields.get("transport");
    clearLog();
    document.getElementById("closed-note").hidden = true;
    setState("launching");
    var exchange = document.getElementById("launch-exchange");
    exchange.textContent = "POST /api/v1/launches\n" + JSON.stringify(body, null, 2);
    schemasLoaded.then(function () {
      return fetch("/api/v1/launches", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + fields.get("partner_key") },
        body: JSON.stringify(body)
      });
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).then(function (answer) {
      exchange.textContent += "\n\n" + answer.status + "\n" + JSON.stringify(answer.data, null, 2);
      if (answer.status !== 201) { showError("The partner API refused the launch (" + answer.status + "); see the call below."); return; }
      if (new URL(answer.data.launch_url).origin !== window.location.origin) {
        showError("Open the harness at " + cfg.publicUrl + "/dev/partner-app: the launch URL is on another origin, so the harness cannot stand in for the app there.");
        return;
      }
      lastDoc = null;
      setState("running");
      frame.src = answer.data.launch_url;
    }).catch(function (e) { showError("The launch failed: " + e); });
  }

  function sendCommand(command) {
    var win = frame.contentWindow;
    if (!win || root.dataset.state !== "running") { return; }
    if (command.type === "replay") {
      stats.last = null;
      stats.seen = {};
    }
    if (selected === "parent") { win.postMessage({ v: 1, command: command }, window.location.origin); }
    else if (win.WebviewHost) { win.WebviewHost.receive(command); }
  }

  function lapseSession() {
    var seconds = Number(document.getElementById("lapse-seconds").value);
    fetch("/dev/partner-app/session/lapse", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ seconds: seconds })
    }).then(function (r) {
      if (!r.ok) { showError("No session to lapse: launch first."); return; }
      if (frame.contentWindow) { frame.contentWindow.location.reload(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form.elements.external_id.value = "harness-" + Math.random().toString(36).slice(2, 10);
    form.addEventListener("submit", launch);
    Array.prototype.forEach.call(document.querySelectorAll("[data-command]"), function (button) {
      button.addEventListener("click", function () {
        var command = { type: button.dataset.command };
        if (command.type === "replay") { command.after = 0; }
        sendCommand(command);
      });
    });
    document.getElementById("lapse-button").addEventListener("click", lapseSession);
    document.getElementById("clear-log").addEventListener("click", clearLog);
    frame.addEventListener("load", watchFrame);
    setInterval(watchFrame, 30);
  });
})();
