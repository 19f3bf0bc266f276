// Result page while the order is pending or being checked: poll its status,
// reload when it changes.
(function () {
  "use strict";
  var order = document.getElementById("order");
  if (!order) { return; }
  var id = order.dataset.orderId, state = order.dataset.state, delay = 1000;
  function poll() {
    fetch("/api/orders/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.state !== state) { window.location.reload(); return; }
        delay = Math.min(delay * 1.5, 10000);
        setTimeout(poll, delay);
      })
      .catch(function () { setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
