// The negotiation on the projector: a table at a time on the page of every table, and of
// each table as many baskets as fit legibly, with their transactions
// when there is room and only their gauges (.compact) when not, paging through the rest by
// itself (the conventions of static/js/projector.js: 20 s a page, Space pauses, ← → turn).
// Text never shrinks: the floors are in screens.css. Hidden baskets stay in the page (the
// `hidden` attribute only): live baskets are still swapped into them by id.
(function () {
  "use strict";

  var ROTATE_MS = 20000;
  // pages: [{group, first, count}]: a group is a table's section on the page of every
  // table (.screen-table, shown one at a time), else the whole screen.
  var state = { pages: [], page: 0, paused: false, scheduled: false };

  function root() {
    return document.body.classList.contains("baskets-screen") ? document.getElementById("baskets-screen") : null;
  }
  function groupsOf(el) {
    var tables = el.querySelectorAll(".screen-table");
    return tables.length ? Array.prototype.slice.call(tables) : [el];
  }
  function showGroup(groups, index) {
    if (groups.length < 2 && !groups[0].classList.contains("screen-table")) return;
    groups.forEach(function (group, at) { group.hidden = at !== index; });
  }
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
  // The arrangement chosen stays on the element (its grid and .compact) for showPage.
  function fit(el, slots) {
    for (var perPage = slots.length; perPage >= 1; perPage -= 1) {
      for (var columns = perPage; columns >= 1; columns -= 1) {
        if (Math.ceil(perPage / columns) * columns - perPage >= columns) continue;  // an empty row
        if (arrange(el, slots, perPage, columns, false) || arrange(el, slots, perPage, columns, true)) return perPage;
      }
    }
    arrange(el, slots, 1, 1, true);  // nothing fits at the floor sizes: one basket at a time, its gauge only
    return 1;
  }

  function layout() {
    state.scheduled = false;
    var el = root();
    if (!el) return;
    var groups = groupsOf(el);
    var pages = [];
    groups.forEach(function (group, index) {
      showGroup(groups, index);
      var area = group.querySelector(".screen-baskets");
      var slots = area ? slotsOf(area) : [];
      if (!slots.length) {
        pages.push({ group: index, first: 0, count: 0 });
        return;
      }
      var perPage = fit(area, slots);
      area.dataset.perPage = perPage;
      area.dataset.compact = area.classList.contains("compact") ? "yes" : "no";
      for (var first = 0; first < slots.length; first += perPage) {
        pages.push({ group: index, first: first, count: perPage });
      }
    });
    state.pages = pages;
    if (state.page >= pages.length) state.page = 0;
    showPage();
  }

  function showPage() {
    var el = root();
    var page = state.pages[state.page];
    if (!el || !page) return;
    var groups = groupsOf(el);
    var group = groups[page.group];
    if (!group) return;
    showGroup(groups, page.group);
    var area = group.querySelector(".screen-baskets");
    var slots = area ? slotsOf(area) : [];
    show(slots, page.first, page.count);
    var pager = document.getElementById("baskets-pager");
    if (!pager) return;
    pager.hidden = state.pages.length < 2;
    if (pager.hidden) return;
    var parts = [];
    if (groups.length > 1) {
      parts.push(pager.dataset.table.replace("{table}", group.dataset.table || page.group + 1).replace("{tables}", groups.length));
    }
    if (slots.length > page.count) {
      var last = Math.min(page.first + page.count, slots.length);
      var template = last - page.first === 1 ? pager.dataset.one : pager.dataset.many;
      parts.push(template.replace("{first}", page.first + 1).replace("{last}", last).replace("{count}", slots.length));
    }
    if (state.paused) parts.push(pager.dataset.paused);
    pager.textContent = parts.join(" · ");
  }

  function schedule() {
    if (state.scheduled) return;
    state.scheduled = true;
    window.requestAnimationFrame(layout);
  }

  function turn(step) {
    var pages = state.pages.length;
    if (pages < 2) return;
    state.page = (state.page + step + pages) % pages;
    showPage();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!root()) return;
    schedule();
    window.setInterval(function () { if (!state.paused) turn(1); }, ROTATE_MS);
  });
  window.addEventListener("resize", schedule);
  // A basket changed (its new HTML may be taller), the content fetched again: measure again,
  // at once for a swap inside the screen (before anything paints it unmeasured), and after
  // settling.
  ["htmx:afterSwap", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var el = root();
      if (el && event.target && el.contains(event.target)) layout();
      else schedule();
    });
  });
  document.addEventListener("htmx:afterSettle", schedule);
  document.addEventListener("keydown", function (event) {
    if (!root() || (event.target.closest && event.target.closest("a, button, input, textarea, select"))) return;
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
