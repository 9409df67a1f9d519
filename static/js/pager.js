// The projector's pager: what every projector view that pages by itself shares (the board,
// the baskets, the conditions, the plenary's chart and wall). A view measures its own pages
// (what a page is differs: tables, baskets, blocks of a basket, bars); the pager keeps which
// page shows, turns it every 20 s, and the keys: → and ← (a presenter's PageDown and PageUp)
// turn it, a page turned by hand keeping its full time; Space pauses. Plain ES2017, no build
// step; loaded before the views' scripts (Paniers.Pager).
//
//   var pager = Paniers.Pager({ active: function () {…}, show: showPage });
//   pager.setCount(pages.length);  // after a layout: the page on show stays when still there
//   pager.page, pager.count, pager.paused  // read by showPage
//   pager.start();  // once the view is laid out: rotation begins
//
// show() draws pager.page; it is called after every turn and every pause or resume (the
// view's pager line says "paused"). The keys and the rotation do nothing while active()
// is false (the view is not on this page, or not shown yet).
//
// With it, what every projector script shares: Paniers.Pager.onceAFrame (measure again at
// the next frame, once), .onHeightChange (the phase bar above the view changed), .keyOf
// (a key as every projector view reads it; the presenter's too) and Paniers.post (a POST
// with the page's CSRF token, as htmx sends it).
(function () {
  "use strict";

  var ROTATE_MS = 20000;
  var KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev", Home: "first", " ": "pause" };
  var STEPS = { next: 1, prev: -1 };

  // What a key asks of a projector screen ("next", "prev", "first", "pause"), or null: typed
  // into a control, or with a modifier (the browser's own shortcuts).
  function keyOf(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return null;
    var target = event.target;
    if (target && target.closest && target.closest("a, button, input, textarea, select")) return null;
    if (target && target.isContentEditable) return null;
    return KEYS[event.key] || null;
  }

  function Pager(options) {
    var pager = { page: 0, count: 0, paused: false, timer: 0 };

    pager.setCount = function (count) {
      pager.count = count;
      if (pager.page >= count) pager.page = 0;
    };

    // True when the page turned (there is more than one).
    pager.turn = function (step) {
      if (pager.count < 2) return false;
      pager.page = (pager.page + step + pager.count) % pager.count;
      options.show();
      return true;
    };

    pager.start = function () {
      window.clearInterval(pager.timer);
      pager.timer = window.setInterval(function () {
        if (!pager.paused && options.active()) pager.turn(1);
      }, ROTATE_MS);
    };

    document.addEventListener("keydown", function (event) {
      var key = keyOf(event);
      if (!key || key === "first" || !options.active()) return;
      event.preventDefault();
      if (key === "pause") {
        pager.paused = !pager.paused;
        options.show();
      } else if (pager.turn(STEPS[key])) {
        pager.start();  // a page turned by hand stays its full time too
      }
    });
    return pager;
  }

  // A function that runs `fn` at the next frame, once however often it is asked meanwhile.
  Pager.onceAFrame = function (fn) {
    var asked = false;
    return function () {
      if (asked) return;
      asked = true;
      window.requestAnimationFrame(function () {
        asked = false;
        fn();
      });
    };
  };

  // Calls `fn` when the element's height changes (the phase bar above the view grew or shrank).
  Pager.onHeightChange = function (el, fn) {
    var height = el.clientHeight;
    new window.ResizeObserver(function () {
      if (el.clientHeight === height) return;
      height = el.clientHeight;
      fn();
    }).observe(el);
  };

  Pager.keyOf = keyOf;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (error) { return ""; }
  }

  // A projector's own request to the server (its keys choose a view, move a slide), with the
  // page's CSRF token, as htmx sends it.
  function post(url, values) {
    return window.fetch(url, {
      method: "POST",
      body: new URLSearchParams(values),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    });
  }

  window.Paniers = window.Paniers || {};
  window.Paniers.Pager = Pager;
  window.Paniers.post = post;
})();
