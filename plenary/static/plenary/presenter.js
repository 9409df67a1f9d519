// The presenter: its keys, and a basket cut to fit the screen.
//
// Keys (read as every projector view reads them: static/js/pager.js): → / PageDown / Space
// the next part or slide, ← / PageUp the previous one, Home the first. The presenter does
// not page by itself: the slide is the server's, a POST moves it for every screen, and the
// new slide comes back through the screens' socket like any live fragment.
//
// Fit: a slide holds one basket, whole. It is measured here, as the board is
// (static/js/board.js): when its transactions and conditions (.slide-unit and the
// conditions' lines) do not fit the screen, they are cut into parts, each as full as the
// screen allows, and the part the server asks for (data-part, kept in range) is shown,
// "(continued)" after the first. Text never shrinks: its floor is in plenary.css. The
// server is told how many parts the basket takes, so that "next" on the console walks
// through them too.
(function () {
  "use strict";

  // Space, which pauses a view that pages by itself, shows the next slide here.
  var MOVES = { next: "next", pause: "next", prev: "prev", first: "first" };
  var post = window.Paniers.post;

  function unitsOf(slide) {
    return Array.prototype.slice.call(slide.querySelectorAll(".slide-unit, .slide-conditions > p, .slide-condition"));
  }

  // Shows the units from `first` to before `last`, and the headings and lists that hold some.
  function showRange(slide, units, first, last) {
    units.forEach(function (unit, index) { unit.hidden = index < first || index >= last; });
    slide.querySelectorAll(".slide-side, .slide-condition-list, .slide-conditions").forEach(function (group) {
      group.hidden = !units.some(function (unit, index) { return !unit.hidden && group.contains(unit) && index >= first; });
    });
  }

  // The header as it reads on part `part` of `parts`: "(continued)" after the first part,
  // "part 2 of 3" when there are several. It may take a line more: measured with it.
  function decorate(slide, part, parts) {
    var cont = slide.querySelector(".slide-cont");
    if (cont) cont.hidden = part === 0;
    var label = slide.querySelector(".slide-part");
    if (label) {
      label.hidden = parts < 2;
      label.textContent = " · " + slide.dataset.partLabel.replace("{part}", part + 1).replace("{parts}", parts);
    }
  }

  // Parts as [first, last) of the units: each as many as fit above the presenter's bottom.
  function cut(slide, units, limit, guess) {
    var parts = [];
    var first = 0;
    while (first < units.length) {
      decorate(slide, parts.length, guess);
      showRange(slide, units, first, units.length);
      var last = first + 1;
      while (last < units.length && units[last].getBoundingClientRect().bottom <= limit + 1) last += 1;
      parts.push([first, last]);
      first = last;
    }
    return parts.length ? parts : [[0, 0]];
  }

  function layout() {
    var presenter = document.getElementById("presenter");
    var slide = document.getElementById("presenter-slide");
    if (!presenter || !slide || !slide.dataset.basket) return;
    var units = unitsOf(slide);
    var limit = presenter.getBoundingClientRect().bottom;
    var parts = cut(slide, units, limit, 1);
    if (parts.length > 1) parts = cut(slide, units, limit, parts.length);  // with "part 1 of N"
    var part = Math.min(parseInt(slide.dataset.part, 10) || 0, parts.length - 1);
    decorate(slide, part, parts.length);
    showRange(slide, units, parts[part][0], parts[part][1]);
    slide.dataset.parts = parts.length;
    slide.dataset.shownPart = part + 1;
    if (String(parts.length) !== slide.dataset.knownParts) {
      slide.dataset.knownParts = parts.length;
      post(slide.dataset.partsUrl, { basket: slide.dataset.basket, parts: parts.length });
    }
  }

  var schedule = window.Paniers.Pager.onceAFrame(layout);

  // A new slide arrives over the socket (or fetched when it reopens): cut it at once, in the
  // swap's own task, so that nobody sees it unmeasured.
  ["htmx:afterSwap", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var presenter = document.getElementById("presenter");
      if (presenter && event.target && (presenter === event.target || presenter.contains(event.target))) layout();
    });
  });
  // The room left to the slide changes when the phase bar above it does (a new state, the
  // clock's note): cut again.
  document.addEventListener("DOMContentLoaded", function () {
    var presenter = document.getElementById("presenter");
    if (!presenter) return;
    layout();
    window.Paniers.Pager.onHeightChange(presenter, schedule);
  });
  window.addEventListener("resize", schedule);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);

  document.addEventListener("keydown", function (event) {
    var presenter = document.getElementById("presenter");
    var to = MOVES[window.Paniers.Pager.keyOf(event)];
    if (!presenter || !to) return;
    event.preventDefault();
    // With what this screen measured: "next" walks its parts even before the server heard.
    var slide = document.getElementById("presenter-slide");
    var values = { to: to };
    if (slide && slide.dataset.basket && slide.dataset.parts) {
      values.basket = slide.dataset.basket;
      values.parts = slide.dataset.parts;
    }
    post(presenter.dataset.moveUrl, values);
  });
})();
