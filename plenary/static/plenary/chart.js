// The wall's page on the projector: the dots chart and the feedback wall, each paged to fit
// (measured here, as the board is: static/js/board.js): the chart's top ranks first,
// then the next ones; the shown answers in order, under their questions. One pager turns
// both (static/js/pager.js: 20 s a page, Space pauses, → and ← turn), each through its own
// pages: page n of the pager is page n modulo its count of each. Text never shrinks
// (plenary.css). Either is swapped live (a dot, an answer shown): it is measured again, on
// the same page.
(function () {
  "use strict";

  // root: the region's element; units: what is paged; groups: headings that go with their
  // units (a question with its answers); line: its "1–8 of 28" line.
  var REGIONS = [
    { id: "plenary-chart", units: ".chart-bar", list: ".chart-bars", groups: null, line: ".chart-pager" },
    { id: "plenary-wall", units: ".wall-answer", list: null, groups: ".wall-question", line: ".wall-pager" }
  ];
  REGIONS.forEach(function (region) { region.pages = []; });
  var pager = window.Paniers.Pager({ active: function () { return Boolean(screen()); }, show: showAll });

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
    var line = root.querySelector(region.line);
    if (!box || !units.length) {
      if (line) line.hidden = true;
      return;
    }
    // Measured with the pager on show: it takes its line whenever there is more than a page.
    if (line) {
      line.hidden = false;
      line.textContent = line.dataset.ranks;
    }
    var first = 0;
    while (first < units.length) {
      show(root, region, units, first, units.length, first === 0);
      // The wall's pager is its last line: the answers end above it.
      var limit = box.getBoundingClientRect().bottom - (region.list || !line ? 0 : line.offsetHeight);
      var last = first + 1;
      while (last < units.length && units[last].getBoundingClientRect().bottom <= limit + 1) last += 1;
      region.pages.push([first, last]);
      first = last;
    }
  }

  function pageOf(region) { return pager.page % region.pages.length; }

  function showPage(region) {
    var root = document.getElementById(region.id);
    if (!root || !region.pages.length) return;
    var page = region.pages[pageOf(region)];
    var units = unitsOf(root, region);
    show(root, region, units, page[0], page[1], pageOf(region) === 0);
    root.dataset.pages = region.pages.length;
    root.dataset.page = pageOf(region) + 1;
    var line = root.querySelector(region.line);
    if (!line) return;
    line.hidden = region.pages.length < 2;
    line.textContent = line.dataset.ranks
      .replace("{first}", page[0] + 1).replace("{last}", page[1]).replace("{count}", units.length) +
      (pager.paused ? " · " + line.dataset.paused : "");
  }
  function showAll() { REGIONS.forEach(showPage); }

  // The pager has as many pages as the longer region.
  function layoutAll() {
    REGIONS.forEach(layout);
    pager.setCount(Math.max.apply(null, REGIONS.map(function (region) { return region.pages.length; })));
    showAll();
  }
  var schedule = window.Paniers.Pager.onceAFrame(layoutAll);

  function screen() {
    var chart = document.getElementById("plenary-chart");
    return chart && chart.parentElement;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = screen();
    if (!el) return;
    layoutAll();
    pager.start();
    // The room left to the page changes when the phase bar above it does: measure again.
    window.Paniers.Pager.onHeightChange(el, schedule);
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
})();
