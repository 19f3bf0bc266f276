// webview-host bridge, protocol v1: tells the partner app what happens in this WebView.
//
// Every event is one envelope {v: 1, type, seq, ts, session, data}, delivered to each
// transport that exists: iOS window.webkit.messageHandlers.<ios>.postMessage(object),
// Android window.<android>.postMessage(string), React Native
// window.ReactNativeWebView.postMessage(string), the framing partner page
// (window.parent.postMessage to a configured origin, never "*"), and, when configured,
// a URL-scheme channel (<scheme>://event?type=..&seq=..&msg=<JSON>) for containers that
// can only watch navigations. Events wait in sessionStorage until a transport appears and
// reach each transport once, in order; numbering carries on across our pages for the
// whole session. Commands come in through window.WebviewHost.receive({type: ...}).
// Contract: docs/partner-apps.md and the schemas under /static/bridge/v1/.
(function () {
  "use strict";
  var VERSION = 1;
  var STORE = "wvh.bridge.v1";
  var MAX_LOG = 100;
  var TICK_MS = 250;
  var COMMANDS = { refresh: [], back: [], close: [], replay: ["after"] };

  var script = document.currentScript;
  var config = parse(script && script.dataset.config) || {};
  var page = (script && script.dataset.page) || "other";
  var backTo = (script && script.dataset.back) || "close";
  var memory = null;  // when sessionStorage is unavailable: this page only
  var state = load();
  var started = false;
  var loadedAt = Date.now();
  var nextSessionCheck = null;
  var sessionChecks = 0;

  function parse(text) {
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  function blank() {
    return { session: config.session || null, seq: 0, log: [], delivered: {}, once: {}, last: {} };
  }

  function load() {
    var saved;
    try { saved = parse(window.sessionStorage.getItem(STORE)); } catch (e) { saved = memory; }
    if (!saved || typeof saved.seq !== "number" || !Array.isArray(saved.log)) { return blank(); }
    // Another launch in this tab is another session: its numbering starts again.
    if (config.session && saved.session !== config.session) { return blank(); }
    return saved;
  }

  function save() {
    memory = state;
    try { window.sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* memory only */ }
  }

  // --- transports -------------------------------------------------------------------

  function parentOrigins() {
    if (window.parent === window) { return null; }
    var allowed = config.parent_origins || [];
    var ancestors = window.location.ancestorOrigins;
    if (ancestors && ancestors.length) {
      return allowed.indexOf(ancestors[0]) >= 0 ? [ancestors[0]] : null;
    }
    return allowed.length ? allowed : null;  // only the one that matches receives it
  }

  function sendByScheme(scheme, msg) {
    var holder = document.getElementById("wvh-bridge-channel");
    if (!holder) {
      holder = document.createElement("div");
      holder.id = "wvh-bridge-channel";
      holder.hidden = true;
      document.body.appendChild(holder);
    }
    var frame = document.createElement("iframe");
    frame.setAttribute("aria-hidden", "true");
    // Sandboxed, so a browser never tries to open the scheme (Chromium would hand it to
    // the system and stop taking input); a WebView's navigation delegate still sees it.
    frame.setAttribute("sandbox", "");
    frame.tabIndex = -1;
    // One frame per event: two navigations of one frame in a row would cancel each other.
    frame.src = scheme + "://event?type=" + encodeURIComponent(msg.type) + "&seq=" + msg.seq +
      "&msg=" + encodeURIComponent(JSON.stringify(msg));
    holder.appendChild(frame);
    while (holder.childNodes.length > 50) { holder.removeChild(holder.firstChild); }
  }

  var transports = [
    { name: "ios", app: true,
      target: function () {
        var w = window.webkit, h = w && w.messageHandlers && w.messageHandlers[config.ios];
        return h && typeof h.postMessage === "function" ? h : null;
      },
      send: function (h, msg) { h.postMessage(msg); } },
    { name: "android", app: true,
      target: function () {
        var a = config.android ? window[config.android] : null;
        return a && typeof a.postMessage === "function" ? a : null;
      },
      send: function (a, msg) { a.postMessage(JSON.stringify(msg)); } },
    { name: "react_native", app: true,
      target: function () {
        var rn = window.ReactNativeWebView;
        return rn && typeof rn.postMessage === "function" ? rn : null;
      },
      send: function (rn, msg) { rn.postMessage(JSON.stringify(msg)); } },
    { name: "parent", app: true,
      target: parentOrigins,
      send: function (origins, msg) {
        origins.forEach(function (origin) { window.parent.postMessage(msg, origin); });
      } },
    { name: "scheme", app: false,
      target: function () { return config.scheme && document.body ? config.scheme : null; },
      send: sendByScheme }
  ];

  function flush() {
    if (!started) { return; }
    transports.forEach(function (t) {
      var target = t.target();
      if (!target) { return; }
      var done = state.delivered[t.name] || 0;
      for (var i = 0; i < state.log.length; i++) {
        var msg = state.log[i];
        if (msg.seq <= done) { continue; }
        try { t.send(target, msg); } catch (e) { return; }  // try again on the next tick
        done = state.delivered[t.name] = msg.seq;
        save();
      }
    });
  }

  /** True when the app (or the framing page) hears us; the URL-scheme channel cannot tell. */
  function hasTransport() {
    return transports.some(function (t) { return t.app && t.target(); });
  }

  // --- events -------------------------------------------------------------------------

  function emit(type, data) {
    state.seq += 1;
    var msg = { v: VERSION, type: type, seq: state.seq, ts: new Date().toISOString(),
                session: state.session, data: data || {} };
    state.log.push(msg);
    if (state.log.length > MAX_LOG) { state.log.splice(0, state.log.length - MAX_LOG); }
    save();
    flush();
    return msg;
  }

  function emitOnce(key, type, data) {
    if (state.once[key]) { return null; }
    state.once[key] = true;
    return emit(type, data);
  }

  function emitOnChange(type, data) {
    var text = JSON.stringify(data);
    if (state.last[type] === text) { return null; }
    state.last[type] = text;
    return emit(type, data);
  }

  function requestClose(reason, href) {
    emit("close.requested", { reason: reason, page: page });
    if (hasTransport()) { return; }  // the app closes us
    if (href) { window.location.assign(href); } else { window.close(); }
  }

  function closeHref() {
    var control = document.querySelector("[data-bridge-close][href]");
    return control ? control.getAttribute("href") : null;
  }

  function sessionExpired(reason) {
    emitOnce("session.expired", "session.expired", { reason: reason });
    document.dispatchEvent(new CustomEvent("webviewhost:session-expired"));
  }

  // The session's end: warn ahead of it, then ask the host, whose 401 is the proof.
  function watchSession() {
    if (!config.session || typeof config.expires_in !== "number") { return; }
    var left = config.expires_in - (Date.now() - loadedAt) / 1000;
    if (left <= config.expiry_warning) {
      emitOnce("session.expiring", "session.expiring",
               { expires_at: config.expires_at, seconds_left: Math.max(0, Math.round(left)) });
    }
    if (left > -1 || state.once["session.expired"] || Date.now() < nextSessionCheck) { return; }
    nextSessionCheck = Infinity;  // one request at a time
    fetch("/api/session", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.status; }, function () { return 0; })
      .then(function (status) {
        if (status === 401) { sessionExpired("timeout"); return; }
        sessionChecks += 1;  // clocks disagree by a moment, or the network failed: ask again
        nextSessionCheck = Date.now() + Math.min(30000, 1000 * Math.pow(2, sessionChecks));
      });
  }

  // --- commands -----------------------------------------------------------------------

  function valid(command) {
    if (!command || typeof command !== "object" || typeof command.type !== "string" ||
        !Object.prototype.hasOwnProperty.call(COMMANDS, command.type)) {
      return false;
    }
    var fields = COMMANDS[command.type];
    return Object.keys(command).every(function (key) {
      return key === "type" || fields.indexOf(key) >= 0;
    }) && (command.after === undefined ||
           (typeof command.after === "number" && command.after >= 0 && command.after % 1 === 0));
  }

  var defaults = {
    refresh: function () { window.location.reload(); },
    back: function () {
      if (backTo === "close") { requestClose("back", closeHref()); } else { window.location.assign(backTo); }
    },
    close: function () { requestClose("command", closeHref()); },
    replay: function (command) {
      transports.forEach(function (t) {
        if (t.target()) { state.delivered[t.name] = Math.min(state.delivered[t.name] || 0, command.after || 0); }
      });
      save();
      flush();
    }
  };

  /** The one inbound entry point: a command object (or its JSON). Unknown ones are ignored. */
  function receive(command) {
    if (typeof command === "string") { command = parse(command); }
    if (!valid(command)) { return false; }
    var event = new CustomEvent("webviewhost:command", { detail: command, cancelable: true });
    // A page script may handle it itself (the shell refreshes its basket without a reload).
    if (document.dispatchEvent(event)) { defaults[command.type](command); }
    return true;
  }

  // A web partner framing us sends the same commands as {v: 1, command: {...}}.
  window.addEventListener("message", function (event) {
    if (window.parent === window || event.source !== window.parent) { return; }
    if ((config.parent_origins || []).indexOf(event.origin) < 0) { return; }
    var data = event.data;
    if (data && typeof data === "object" && data.v === VERSION && data.command) { receive(data.command); }
  });

  // The events a page declares (data-bridge-emit), raised once per page view.
  var declared = false;
  function emitDeclared() {
    if (declared) { return; }
    declared = true;
    Array.prototype.forEach.call(document.querySelectorAll("[data-bridge-emit]"), function (el) {
      var data = parse(el.dataset.bridgeData || "{}");
      if (!data) { return; }
      if (el.dataset.bridgeOnce) { emitOnce(el.dataset.bridgeOnce, el.dataset.bridgeEmit, data); }
      else { emit(el.dataset.bridgeEmit, data); }
    });
  }
  // A quick tap can leave a page before it is fully loaded (Confirm on the review page):
  // its events are kept then, and the next page delivers them.
  window.addEventListener("pagehide", emitDeclared);

  document.addEventListener("DOMContentLoaded", function () {
    started = true;
    emitDeclared();
    Array.prototype.forEach.call(document.querySelectorAll("[data-bridge-close]"), function (el) {
      el.addEventListener("click", function (event) {
        event.preventDefault();
        requestClose("button", el.getAttribute("href"));
      });
    });
    flush();
    // Native containers may inject their object late; the session's end comes by the clock
    // (first checked on the first tick, after the page's own ready events).
    setInterval(function () { flush(); watchSession(); }, TICK_MS);
  });

  Object.defineProperty(window, "WebviewHost", {
    value: Object.freeze({
      version: VERSION,
      receive: receive,
      // For our own pages' scripts; not part of the partner contract.
      page: Object.freeze({ emit: emit, emitOnce: emitOnce, emitOnChange: emitOnChange,
                            hasTransport: hasTransport, requestClose: requestClose,
                            sessionExpired: sessionExpired })
    })
  });
})();
