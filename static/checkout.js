// Review page: one submit per tap (always), and, when the basket has a price fix,
// a live countdown that disables Confirm at zero and reloads once prices refresh.
// Never a stale Confirm from history, nor after the session has ended.
(function () {
  "use strict";
  // Back/forward cache: a restored page may show a Confirm the server no longer offers.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  document.addEventListener("webviewhost:session-expired", function () { window.location.reload(); });
  var review = document.getElementById("review");
  var form = document.getElementById("confirm-form");

  if (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "true") { event.preventDefault(); return; }
      form.dataset.submitted = "true";
      // Disable after this event so the button's own submission still goes out.
      setTimeout(function () { document.getElementById("confirm-button").disabled = true; }, 0);
    });
  }

  var countdown = document.getElementById("pricefix-countdown");
  if (!review || !countdown || review.dataset.remaining === undefined) { return; }
  var started = Date.now();
  var remaining = Number(review.dataset.remaining);
  var reloadScheduled = false;

  function tick() {
    var left = remaining - Math.floor((Date.now() - started) / 1000);
    if (left > 0) {
      var m = Math.floor(left / 60), s = left % 60;
      countdown.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      return;
    }
    countdown.textContent = "0:00";
    document.getElementById("lapsed-notice").hidden = false;
    var button = document.getElementById("confirm-button");
    if (button) { button.disabled = true; }
    if (!reloadScheduled) {
      reloadScheduled = true;
      setTimeout(function () { window.location.reload(); }, 3000);
    }
  }

  tick();
  setInterval(tick, 1000);
})();
