// The projector's board: as many tables as fit legibly, paging through the rest by itself.
// No build step: plain ES2017. The fonts have floors in CSS (paniers.css, "The projector
// fits its screen"); this script never shrinks text, it only chooses how many tables share
// the screen, in how many columns, and whether a table lies on its side (territories as
// rows) when its columns are too narrow for its words. Hidden tables stay in the page
// (the `hidden` attribute only): live cells are still swapped into them by id.
(function () {
  "use strict";

  var ROTATE_MS = 20000;
  var state = { perPage: 0, page: 0, paused: false, scheduled: false };

  function board() {
    var el = document.getElementById("board");
    return el && document.body.classList.contains("projector-live") ? el : null;
  }
  function tablesOf(el) {
    return Array.prototype.filter.call(el.children, function (child) {
      return child.classList.contains("table-grid");
    });
  }

  // A table fits when nothing spills out of its box and no word is wider than its post-it.
  function fits(section) {
    if (section.scrollHeight > section.clientHeight + 1 || section.scrollWidth > section.clientWidth + 1) return false;
    var box = section.getBoundingClientRect();
    var items = section.querySelectorAll(".postit, .postit-text, .grid-head, .grid-row-head, .cell");
    for (var i = 0; i < items.length; i += 1) {
      var item = items[i];
      if (item.scrollWidth > item.clientWidth + 1) return false;
      var rect = item.getBoundingClientRect();
      if (rect.bottom > box.bottom + 1 || rect.right > box.right + 1) return false;
    }
    return true;
  }

  function show(tables, first, count) {
    tables.forEach(function (table, index) {
      table.hidden = index < first || index >= first + count;
    });
  }

  // Each table lies on its side only if it does not fit upright.
  function arrange(el, tables, perPage, columns) {
    el.style.setProperty("--page-columns", columns);
    el.style.setProperty("--page-rows", Math.ceil(perPage / columns));
    for (var first = 0; first < tables.length; first += perPage) {
      show(tables, first, perPage);
      var shown = tables.slice(first, first + perPage);
      shown.forEach(function (table) { table.classList.remove("sideways"); });
      var upright = shown.map(fits);
      shown.forEach(function (table, index) { if (!upright[index]) table.classList.add("sideways"); });
      if (!shown.every(function (table, index) { return upright[index] || fits(table); })) return false;
    }
    return true;
  }

  // The most tables per screen first; for each, every column count, then tables on their side.
  function layout() {
    state.scheduled = false;
    var el = board();
    if (!el || !el.offsetParent) return;  // the join screen is up: nothing to measure
    var tables = tablesOf(el);
    if (!tables.length) return;
    var chosen = null;
    for (var perPage = tables.length; perPage >= 1 && !chosen; perPage -= 1) {
      for (var columns = perPage; columns >= 1 && !chosen; columns -= 1) {
        if (Math.ceil(perPage / columns) * columns - perPage >= columns) continue;  // an empty row
        if (arrange(el, tables, perPage, columns)) chosen = [perPage, columns];
      }
    }
    if (!chosen) {  // nothing fits at the floor sizes: one table at a time, as large as it gets
      chosen = [1, 1];
      arrange(el, tables, 1, 1);
    }
    el.dataset.perPage = chosen[0];
    state.perPage = chosen[0];
    var pages = Math.ceil(tables.length / state.perPage);
    if (state.page >= pages) state.page = 0;
    showPage();
  }

  function showPage() {
    var el = board();
    if (!el || !state.perPage) return;
    var tables = tablesOf(el);
    var first = state.page * state.perPage;
    show(tables, first, state.perPage);
    var pager = document.getElementById("board-pager");
    if (!pager) return;
    var paging = tables.length > state.perPage;
    pager.hidden = !paging;
    if (!paging) return;
    var last = Math.min(first + state.perPage, tables.length);
    var template = last - first === 1 ? pager.dataset.one : pager.dataset.many;
    pager.textContent = template.replace("{first}", first + 1).replace("{last}", last)
      .replace("{count}", tables.length) + (state.paused ? " · " + pager.dataset.paused : "");
  }

  function schedule() {
    if (state.scheduled) return;
    state.scheduled = true;
    window.requestAnimationFrame(layout);
  }

  function rotate() {
    var el = board();
    if (!el || state.paused || !state.perPage) return;
    var pages = Math.ceil(tablesOf(el).length / state.perPage);
    if (pages < 2) return;
    state.page = (state.page + 1) % pages;
    showPage();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!board()) return;
    schedule();
    window.setInterval(rotate, ROTATE_MS);
  });
  window.addEventListener("resize", schedule);
  // A new post-it, a re-fetched board, a new phase (the join screen gives way): measure again.
  ["htmx:afterSettle", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, schedule);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " || !board() || (event.target.closest && event.target.closest("a, button, input, textarea, select"))) return;
    event.preventDefault();
    state.paused = !state.paused;
    showPage();
  });
})();
