// The wall's page on the projector: the dots chart and the feedback wall, each paged to fit
// (measured here, as the board is: static/js/projector.js): the chart's top ranks first,
// then the next ones; the shown answers in order, under their questions. 20 s a page,
// Space pauses, → and ← turn. Text never shrinks (plenary.css). Either is swapped live (a
// dot, an answer shown): it is measured again, on the same page.
(function () {
  "use strict";

  var ROTATE_MS = 20000;
  // root: the region's element; units: what is paged; groups: headings that go with their
  // units (a question with its answers); pager: its "1–8 of 28" line.
  var REGIONS = [
    { id: "plenary-chart", units: ".chart-bar", list: ".chart-bars", groups: null, pager: ".chart-pager" },
    { id: "plenary-wall", units: ".wall-answer", list: null, groups: ".wall-question", pager: ".wall-pager" }
  ];
  REGIONS.forEach(function (region) { region.pages = []; region.page = 0; });
  var state = { paused: false, timer: 0 };

  function unitsOf(root, region) { return Array.prototype.slice.call(root.querySelectorAll(region.units)); }

  // Shows units [first, last) and the groups that hold some (or, on the first page, none at all).
  function show(root, region, units, first, last, firstPage) {
    units.forEach(function (unit, index) { unit.hidden = index < first || index >= last; });
    if (!region.groups) return;
    root.querySelectorAll(region.groups).forEach(function (group) {
      var own = unitsOf(group, region);
      group.hidden = own.length ? own.every(function (unit) { return unit.hidden; }) : !firstPage;
    });
  }

  function layout(region) {
    var root = document.getElementById(region.id);
    region.pages = [];
    if (!root) return;
    var box = region.list ? root.querySelector(region.list) : root;
    var units = unitsOf(root, region);
    var pager = root.querySelector(region.pager);
    if (!box || !units.length) {
      if (pager) pager.hidden = true;
      return;
    }
    // Measured with the pager on show: it takes its line whenever there is more than a page.
    if (pager) {
      pager.hidden = false;
      pager.textContent = pager.dataset.ranks;
    }
    var first = 0;
    while (first < units.length) {
      show(root, region, units, first, units.length, first === 0);
      // The wall's pager is its last line: the answers end above it.
      var limit = box.getBoundingClientRect().bottom - (region.list || !pager ? 0 : pager.offsetHeight);
      var last = first + 1;
      while (last < units.length && units[last].getBoundingClientRect().bottom <= limit + 1) last += 1;
      region.pages.push([first, last]);
      first = last;
    }
    if (region.page >= region.pages.length) region.page = 0;
    showPage(region);
  }

  function showPage(region) {
    var root = document.getElementById(region.id);
    var page = region.pages[region.page];
    if (!root || !page) return;
    var units = unitsOf(root, region);
    show(root, region, units, page[0], page[1], region.page === 0);
    root.dataset.pages = region.pages.length;
    root.dataset.page = region.page + 1;
    var pager = root.querySelector(region.pager);
    if (!pager) return;
    pager.hidden = region.pages.length < 2;
    pager.textContent = pager.dataset.ranks
      .replace("{first}", page[0] + 1).replace("{last}", page[1]).replace("{count}", units.length) +
      (state.paused ? " · " + pager.dataset.paused : "");
  }

  function layoutAll() { REGIONS.forEach(layout); }

  function turn(step) {
    REGIONS.forEach(function (region) {
      var pages = region.pages.length;
      if (pages < 2) return;
      region.page = (region.page + step + pages) % pages;
      showPage(region);
    });
  }

  // A page turned by hand stays its full time too.
  function restartRotation() {
    window.clearInterval(state.timer);
    state.timer = window.setInterval(function () { if (!state.paused) turn(1); }, ROTATE_MS);
  }

  var scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; layoutAll(); });
  }

  function screen() {
    var chart = document.getElementById("plenary-chart");
    return chart && chart.parentElement;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = screen();
    if (!el) return;
    layoutAll();
    restartRotation();
    // The room left to the page changes when the phase bar above it does: measure again.
    var height = el.clientHeight;
    new window.ResizeObserver(function () {
      if (el.clientHeight !== height) {
        height = el.clientHeight;
        schedule();
      }
    }).observe(el);
  });
  // Measured in the swap's own task: nobody sees a new chart or wall unmeasured.
  ["htmx:afterSwap", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var el = screen();
      if (el && event.target && (event.target.contains(el) || el.contains(event.target))) layoutAll();
    });
  });
  window.addEventListener("resize", schedule);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);

  document.addEventListener("keydown", function (event) {
    if (!screen() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("a, button, input, textarea, select")) return;
    if (event.key === " ") {
      state.paused = !state.paused;
      REGIONS.forEach(showPage);
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft" || event.key === "PageDown" || event.key === "PageUp") {
      turn(event.key === "ArrowRight" || event.key === "PageDown" ? 1 : -1);
      restartRotation();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
