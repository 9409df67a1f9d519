// The dots chart on the projector: the top ranks first, then the next ones, as many bars a
// page as the screen holds (measured here, as the board is: static/js/projector.js), 20 s a
// page, Space pauses, → and ← turn. Text never shrinks (plenary.css). The chart is swapped
// live at every dot: it is measured again, on the same page.
(function () {
  "use strict";

  var ROTATE_MS = 20000;
  var state = { pages: [], page: 0, paused: false, timer: 0 };

  function chart() { return document.getElementById("plenary-chart"); }
  function barsOf(el) { return Array.prototype.slice.call(el.querySelectorAll(".chart-bar")); }

  function show(bars, first, last) {
    bars.forEach(function (bar, index) { bar.hidden = index < first || index >= last; });
  }

  function layout() {
    var el = chart();
    var list = el && el.querySelector(".chart-bars");
    if (!list) { state.pages = []; return; }
    var bars = barsOf(el);
    var pages = [];
    // Measured with the pager on show: it takes its line whenever there is more than a page.
    var pager = el.querySelector(".chart-pager");
    if (pager) {
      pager.hidden = false;
      pager.textContent = pager.dataset.ranks;
    }
    var first = 0;
    while (first < bars.length) {
      show(bars, first, bars.length);
      var limit = list.getBoundingClientRect().bottom;
      var last = first + 1;
      while (last < bars.length && bars[last].getBoundingClientRect().bottom <= limit + 1) last += 1;
      pages.push([first, last]);
      first = last;
    }
    state.pages = pages;
    if (state.page >= pages.length) state.page = 0;
    showPage();
  }

  function showPage() {
    var el = chart();
    if (!el) return;
    var bars = barsOf(el);
    var page = state.pages[state.page] || [0, bars.length];
    show(bars, page[0], page[1]);
    el.dataset.pages = state.pages.length;
    el.dataset.page = state.page + 1;
    var pager = el.querySelector(".chart-pager");
    if (!pager) return;
    pager.hidden = state.pages.length < 2;
    pager.textContent = pager.dataset.ranks
      .replace("{first}", page[0] + 1).replace("{last}", page[1]).replace("{count}", bars.length) +
      (state.paused ? " · " + pager.dataset.paused : "");
  }

  function turn(step) {
    var pages = state.pages.length;
    if (pages < 2) return;
    state.page = (state.page + step + pages) % pages;
    showPage();
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
    window.requestAnimationFrame(function () { scheduled = false; layout(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = chart();
    if (!el) return;
    layout();
    restartRotation();
    // The room left to the chart changes when the phase bar above it does: measure again.
    var screen = el.parentElement;
    var height = screen.clientHeight;
    new window.ResizeObserver(function () {
      if (screen.clientHeight !== height) {
        height = screen.clientHeight;
        schedule();
      }
    }).observe(screen);
  });
  ["htmx:afterSwap", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var el = chart();
      if (el && event.target && (event.target === el || event.target.contains(el) || el.contains(event.target))) layout();
    });
  });
  window.addEventListener("resize", schedule);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);

  document.addEventListener("keydown", function (event) {
    if (!chart() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("a, button, input, textarea, select")) return;
    if (event.key === " ") {
      state.paused = !state.paused;
      showPage();
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft" || event.key === "PageDown" || event.key === "PageUp") {
      turn(event.key === "ArrowRight" || event.key === "PageDown" ? 1 : -1);
      restartRotation();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
