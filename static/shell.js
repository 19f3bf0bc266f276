// The shell around the Minted webview: basket bar, price-fix countdown,
// loading watchdog, and messages from the webview (origin and source checked).
// Loaded in <head> so the iframe's load event cannot be missed.
// #shell[data-state] is "loading" | "ready" | "error": tests wait on it.
// Tells the partner app (bridge.js) shell.ready, webview.loaded, webview.load_timeout,
// basket.updated and session.expired.
(function () {
  "use strict";
  var shell, frame, countdown, fixAt = null, fixRemaining = null, nextUpdate = null;
  var frameLoaded = false, timedOut = false, watchdog = null, inflight = null, refreshTimer = null;
  var frameStartedAt = Date.now();
  var bridge = window.WebviewHost.page;

  function $(id) { return document.getElementById(id); }

  function setState(state) { if (shell) { shell.dataset.state = state; } }

  // A load that comes after the watchdog fired is most likely an error page (a
  // cross-origin frame's status cannot be read): only Retry or the webview's own
  // "ready" message clears the error then.
  function onFrameLoaded(fromWebview) {
    if (frameLoaded || (timedOut && !fromWebview)) { return; }
    frameLoaded = true;
    clearTimeout(watchdog);
    if (shell) { showFrame(); }  // else DOMContentLoaded shows it
  }

  function showFrame() {
    $("frame-loading").hidden = true;
    $("error-panel").hidden = true;
    setState("ready");
    bridge.emit("webview.loaded", { elapsed_ms: Math.max(0, Date.now() - frameStartedAt) });
  }

  function startWatchdog() {
    frameLoaded = false;
    timedOut = false;
    frameStartedAt = Date.now();
    clearTimeout(watchdog);
    watchdog = setTimeout(function () {
      if (frameLoaded) { return; }
      timedOut = true;
      $("frame-loading").hidden = true;
      $("error-panel").hidden = false;
      setState("error");
      $("retry-button").focus();
      bridge.emit("webview.load_timeout", { timeout_seconds: Number(shell.dataset.watchdog) });
    }, Number(shell.dataset.watchdog) * 1000);
  }

  function retryFrame() {
    $("error-panel").hidden = true;
    $("frame-loading").hidden = false;
    setState("loading");
    startWatchdog();
    frame.src = frame.src;
  }

  function renderCountdown() {
    if (fixRemaining === null) { countdown.textContent = ""; return; }
    var left = fixRemaining - Math.floor((Date.now() - fixAt) / 1000);
    if (left > 0) {
      var m = Math.floor(left / 60), s = left % 60;
      countdown.textContent = shell.dataset.labelPricefix + " " + m + ":" + (s < 10 ? "0" : "") + s;
      countdown.dataset.lapsed = "false";
    } else {
      countdown.textContent = shell.dataset.labelLapsed;
      countdown.dataset.lapsed = "true";
      scheduleRefresh();
    }
  }

  function scheduleRefresh() {
    if (refreshTimer) { return; }
    var wait = nextUpdate ? Math.max(1000, Date.parse(nextUpdate) - Date.now() + 500) : 3000;
    refreshTimer = setTimeout(function () { refreshTimer = null; refreshBasket(); }, Math.min(wait, 10000));
  }

  function refreshBasket() {
    if (inflight) { return inflight; }
    shell.dataset.basket = "loading";
    inflight = fetch("/api/basket", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401) { bridge.sessionExpired("no_session"); return null; }
        if (!r.ok) { throw new Error("basket " + r.status); }
        return r.json();
      })
      .then(function (data) {
        if (!data) { return; }
        $("basket-error").hidden = true;
        $("basket-count").textContent = data.item_count;
        $("basket-total").textContent = data.total_display;
        $("review-button").setAttribute("aria-disabled", data.has_basket ? "false" : "true");
        fixRemaining = data.pricefix && data.has_basket ? data.pricefix.remaining : null;
        nextUpdate = data.pricefix ? data.pricefix.next_update : null;
        fixAt = Date.now();
        renderCountdown();
        bridge.emitOnChange("basket.updated", {
          item_count: data.item_count, total: data.total, currency: data.currency
        });
        if (data.webview_url) { frame.src = data.webview_url; startWatchdog(); }
      })
      .catch(function () { $("basket-error").hidden = false; })
      .finally(function () { inflight = null; shell.dataset.basket = "idle"; });
    return inflight;
  }

  // Capture phase: an iframe's load event does not bubble.
  document.addEventListener("load", function (event) {
    if (event.target && event.target.id === "webview-frame") { onFrameLoaded(false); }
  }, true);

  window.addEventListener("message", function (event) {
    if (!shell || !frame) { return; }
    if (event.origin !== shell.dataset.webviewOrigin || event.source !== frame.contentWindow) { return; }
    var msg = event.data || {};
    if (msg.type === "ready") { onFrameLoaded(true); refreshBasket(); }
    else if (msg.type === "basket.changed") { refreshBasket(); }
    else if (msg.type === "checkout") { window.location.assign("/checkout"); }
    else if (msg.type === "session.expired") { refreshBasket(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    shell = $("shell");
    frame = $("webview-frame");
    countdown = $("pricefix-countdown");
    if (!shell || !frame) { return; }
    bridge.emit("shell.ready", { locale: shell.dataset.lang });
    $("retry-button").addEventListener("click", retryFrame);
    $("review-button").addEventListener("click", function (event) {
      if (this.getAttribute("aria-disabled") === "true") { event.preventDefault(); }
    });
    $("basket-refresh").addEventListener("click", function () { refreshBasket(); });
    window.addEventListener("focus", function () { refreshBasket(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { refreshBasket(); }
    });
    // The app's refresh command: re-read the basket (and retry a frame that failed).
    document.addEventListener("webviewhost:command", function (event) {
      if (event.detail.type !== "refresh") { return; }
      event.preventDefault();
      if (shell.dataset.state === "error") { retryFrame(); }
      refreshBasket();
    });
    // The session is over: show the page that says so (its Close control leads out).
    document.addEventListener("webviewhost:session-expired", function () { window.location.reload(); });
    setInterval(renderCountdown, 1000);
    if (frameLoaded) { showFrame(); } else { startWatchdog(); }
    refreshBasket();
  });
})();
