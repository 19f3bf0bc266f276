// The sandbox's stand-in for the Minted webview: catalogue, basket, price fix.
// It tells its parent what happens with postMessage, to the configured parent
// origin only: {source: "minted-sandbox", v: 1, type, data}.
// body[data-state] is "idle" when no request is in flight, for tests to wait on.
(function () {
  "use strict";
  var body = document.body;
  var token = body.dataset.token;
  var parentOrigin = body.dataset.parentOrigin;
  var lang = body.dataset.lang === "en" ? "en" : "tr";
  var T = {
    tr: { fix: "Fiyat sabit: {s} sn", lapsed: "Fiyatlar güncelleniyor", items: "ürün",
          fees: { delivery_price: "Kargo", insurance_price: "Sigorta", market_commission: "Market komisyonu",
                  minted_markup_price: "Minted payı", silver_craftsmanship: "İşçilik" } },
    en: { fix: "Price fixed for {s} s", lapsed: "Prices are being updated", items: "items",
          fees: { delivery_price: "Delivery", insurance_price: "Insurance", market_commission: "Market commission",
                  minted_markup_price: "Minted markup", silver_craftsmanship: "Craftsmanship" } }
  }[lang];

  function post(type, data) {
    if (window.parent !== window) {
      window.parent.postMessage({ source: "minted-sandbox", v: 1, type: type, data: data || {} }, parentOrigin);
    }
  }

  if (!token) { post("session.expired"); return; }

  var money = new Intl.NumberFormat(lang === "en" ? "en-GB" : "tr-TR", { style: "currency", currency: "TRY" });
  var basket = null;
  var fixedAt = 0;
  var queue = Promise.resolve();
  var inFlight = 0;

  function api(method, path, payload) {
    inFlight += 1;
    body.dataset.state = "busy";
    return fetch("/webview/api/" + path, {
      method: method,
      headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
      body: payload ? JSON.stringify(payload) : undefined
    }).then(function (r) {
      if (r.status === 401) { post("session.expired"); throw new Error("session expired"); }
      return r.json();
    }).finally(function () {
      inFlight -= 1;
      if (inFlight === 0) { body.dataset.state = "idle"; }
    });
  }

  // Serialise basket changes so rapid taps apply in order.
  function enqueue(fn) { queue = queue.then(fn, fn); return queue; }

  function count() {
    return basket ? basket.items.reduce(function (n, i) { return n + i.amount; }, 0) : 0;
  }
  function quantity(sku) {
    var item = basket && basket.items.find(function (i) { return i.sku === sku; });
    return item ? item.amount : 0;
  }

  function setBasket(next, notify) {
    basket = next;
    fixedAt = Date.now();
    render();
    if (notify) { post("basket.changed", { item_count: count() }); }
  }

  function setQuantity(sku, q) {
    return enqueue(function () {
      return api("PUT", "basket/items/" + encodeURIComponent(sku), { quantity: q })
        .then(function (res) { setBasket(res.basket, true); });
    });
  }

  function render() {
    var lines = document.getElementById("lines");
    var tpl = document.getElementById("line-template");
    lines.textContent = "";
    var items = basket ? basket.items : [];
    items.forEach(function (item) {
      var li = tpl.content.firstElementChild.cloneNode(true);
      li.dataset.sku = item.sku;
      li.querySelector(".name").textContent = item.product_name;
      var input = li.querySelector("input");
      input.value = item.amount;
      input.dataset.sku = item.sku;
      input.setAttribute("aria-label", item.product_name);
      li.querySelector(".line-total").textContent = money.format(item.total);
      var remove = li.querySelector("button");
      remove.dataset.action = "remove";
      remove.dataset.sku = item.sku;
      lines.appendChild(li);
    });
    document.getElementById("empty").hidden = items.length > 0;
    var fees = document.getElementById("fees");
    fees.textContent = "";
    if (basket && items.length) {
      Object.keys(T.fees).forEach(function (key) {
        if (basket[key] === undefined || basket[key] === null) { return; }
        var dt = document.createElement("dt"); dt.textContent = T.fees[key];
        var dd = document.createElement("dd"); dd.textContent = money.format(basket[key]);
        fees.appendChild(dt); fees.appendChild(dd);
      });
    }
    document.getElementById("total").textContent = basket ? money.format(basket.total) : "–";
    document.getElementById("checkout").disabled = items.length === 0;
    tick();
  }

  function tick() {
    var el = document.getElementById("pricefix");
    var refresh = document.getElementById("refresh-prices");
    if (!basket || !basket.items.length) { el.textContent = ""; refresh.hidden = true; return; }
    var left = basket.pricefix.remaining - Math.floor((Date.now() - fixedAt) / 1000);
    el.textContent = left > 0 ? T.fix.replace("{s}", left) : T.lapsed;
    refresh.hidden = left > 0;
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    if (target.dataset.action === "add") {
      var sku = target.dataset.sku;
      enqueue(function () {
        return api("PUT", "basket/items/" + encodeURIComponent(sku), { quantity: quantity(sku) + 1 })
          .then(function (res) { setBasket(res.basket, true); });
      });
    } else if (target.dataset.action === "remove") {
      setQuantity(target.dataset.sku, 0);
    } else if (target.id === "checkout") {
      post("checkout", { item_count: count() });
    } else if (target.id === "refresh-prices") {
      enqueue(function () {
        return api("POST", "basket/refresh").then(function (res) { setBasket(res.basket, true); });
      });
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.dataset && input.dataset.testid === "quantity-input") {
      var q = parseInt(input.value, 10);
      setQuantity(input.dataset.sku, isNaN(q) || q < 0 ? 0 : Math.min(q, 99));
    }
  });

  setInterval(tick, 1000);

  Promise.all([api("GET", "catalog"), api("GET", "basket")]).then(function (results) {
    results[0].forEach(function (p) {
      var el = document.querySelector('[data-price-for="' + p.sku + '"]');
      if (el) { el.textContent = money.format(p.price); }
    });
    setBasket(results[1].basket, false);
    post("ready", { item_count: count() });
  });
})();
