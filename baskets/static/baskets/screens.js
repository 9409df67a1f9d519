// The negotiation on the projector: as many baskets as fit legibly, with their transactions
// when there is room and only their gauges (.compact) when not, paging through the rest by
// itself (the conventions of static/js/projector.js: 20 s a page, Space pauses, ← → turn).
// Text never shrinks: the floors are in screens.css. Hidden baskets stay in the page (the
// `hidden` attribute only): live baskets are still swapped into them by id.
(function () {
  "use strict";

  var ROTATE_MS = 20000;
  var state = { perPage: 0, page: 0, paused: false, scheduled: false };

  function area() { return document.querySelector("body.baskets-screen .screen-baskets"); }
  function slotsOf(el) {
    return Array.prototype.filter.call(el.children, function (child) {
      return child.classList.contains("screen-slot");
    });
  }

  // A basket fits when nothing spills out of its box and no word is wider than its place.
  function fits(slot) {
    if (slot.scrollHeight > slot.clientHeight + 1 || slot.scrollWidth > slot.clientWidth + 1) return false;
    var box = slot.getBoundingClientRect();
    var items = slot.querySelectorAll(".basket, .basket-title, .gauge-verdict, .gauge-figures, .gauge-figures th, .gauge-figures td");
    for (var i = 0; i < items.length; i += 1) {
      var item = items[i];
      if (item.scrollWidth > item.clientWidth + 1) return false;
      var rect = item.getBoundingClientRect();
      if (rect.right > box.right + 1 || rect.bottom > box.bottom + 1) return false;
    }
    return true;
  }

  function show(slots, first, count) {
    slots.forEach(function (slot, index) { slot.hidden = index < first || index >= first + count; });
  }

  function arrange(el, slots, perPage, columns, compact) {
    el.style.setProperty("--page-columns", columns);
    el.style.setProperty("--page-rows", Math.ceil(perPage / columns));
    el.classList.toggle("compact", compact);
    for (var first = 0; first < slots.length; first += perPage) {
      show(slots, first, perPage);
      if (!slots.slice(first, first + perPage).every(fits)) return false;
    }
    return true;
  }

  // The most baskets per screen first, side by side before stacked, in detail before compact.
  function layout() {
    state.scheduled = false;
    var el = area();
    if (!el) return;
    var slots = slotsOf(el);
    if (!slots.length) return;
    var chosen = null;
    for (var perPage = slots.length; perPage >= 1 && !chosen; perPage -= 1) {
      for (var columns = perPage; columns >= 1 && !chosen; columns -= 1) {
        if (Math.ceil(perPage / columns) * columns - perPage >= columns) continue;  // an empty row
        if (arrange(el, slots, perPage, columns, false)) chosen = [perPage, columns, false];
        else if (arrange(el, slots, perPage, columns, true)) chosen = [perPage, columns, true];
      }
    }
    if (!chosen) {  // nothing fits at the floor sizes: one basket at a time, its gauge only
      chosen = [1, 1, true];
      arrange(el, slots, 1, 1, true);
    }
    el.dataset.perPage = chosen[0];
    el.dataset.compact = chosen[2] ? "yes" : "no";
    state.perPage = chosen[0];
    if (state.page >= Math.ceil(slots.length / state.perPage)) state.page = 0;
    showPage();
  }

  function showPage() {
    var el = area();
    if (!el || !state.perPage) return;
    var slots = slotsOf(el);
    var first = state.page * state.perPage;
    show(slots, first, state.perPage);
    var pager = document.getElementById("baskets-pager");
    if (!pager) return;
    var paging = slots.length > state.perPage;
    pager.hidden = !paging;
    if (!paging) return;
    var last = Math.min(first + state.perPage, slots.length);
    var template = last - first === 1 ? pager.dataset.one : pager.dataset.many;
    pager.textContent = template.replace("{first}", first + 1).replace("{last}", last)
      .replace("{count}", slots.length) + (state.paused ? " · " + pager.dataset.paused : "");
  }

  function schedule() {
    if (state.scheduled) return;
    state.scheduled = true;
    window.requestAnimationFrame(layout);
  }

  function turn(step) {
    var el = area();
    if (!el || !state.perPage) return;
    var pages = Math.ceil(slotsOf(el).length / state.perPage);
    if (pages < 2) return;
    state.page = (state.page + step + pages) % pages;
    showPage();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!area()) return;
    schedule();
    window.setInterval(function () { if (!state.paused) turn(1); }, ROTATE_MS);
  });
  window.addEventListener("resize", schedule);
  // A basket changed (its new HTML may be taller), the content fetched again: measure again.
  ["htmx:afterSettle", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, schedule);
  });
  document.addEventListener("keydown", function (event) {
    if (!area() || (event.target.closest && event.target.closest("a, button, input, textarea, select"))) return;
    if (event.key === " ") {
      event.preventDefault();
      state.paused = !state.paused;
      showPage();
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      turn(event.key === "ArrowRight" ? 1 : -1);
    }
  });
})();
