// Result page. After a terminal state in an in-app browser (no bridge), hand the result
// back to the app by going to the partner's return_url once; the "Back to the app" link
// stays for containers that block automatic redirects. A page restored from the
// back/forward cache is reloaded: only the server says what is live.
(function () {
  "use strict";
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  window.addEventListener("load", function () {
    var link = document.querySelector("[data-auto-return]");
    var order = document.getElementById("order");
    if (!link || !order) { return; }
    var key = "wvh.returned." + order.dataset.orderId;
    try { if (window.sessionStorage.getItem(key)) { return; } } catch (e) { /* go on */ }
    // A native container's object exists from the start; a late one gets a moment anyway.
    setTimeout(function () {
      if (window.WebviewHost && window.WebviewHost.page.hasTransport()) { return; }
      try { window.sessionStorage.setItem(key, "1"); } catch (e) { /* once per page then */ }
      document.getElementById("returning").hidden = false;
      window.location.assign(link.getAttribute("href"));
    }, 1500);
  });
})();
