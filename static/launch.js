// The launch page: exchange the one-time code by POSTing the page's own form, once the page
// is really shown. A link scanner, a prefetch or a HEAD only ever GETs this page, which
// consumes nothing; a prerendered page waits until the customer actually opens it.
(function () {
  "use strict";
  function submit() {
    var form = document.getElementById("launch-form");
    if (!form || form.dataset.submitted === "true") { return; }
    form.dataset.submitted = "true";
    form.submit();
  }
  function whenShown() {
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", submit, { once: true });
    } else {
      submit();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenShown);
  } else {
    whenShown();
  }
})();
