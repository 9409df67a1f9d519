// The conditions on the projector: one table at a time, as many of its baskets as fit the
// screen, in order, two side by side when the screen is wide enough and that takes fewer
// pages; a basket too tall for its half takes the whole width, and one too tall for the
// screen alone is cut between its blocks (the verdicts, the cards, each condition filled
// in) and continues on the next page, "(suite)".
// The projector's pager (static/js/pager.js): 20 s a page, Space pauses, → ← (and a
// presenter's PageDown PageUp) turn the page. Text never shrinks (conditions_screen.css):
// the script only measures and hides. Hidden baskets stay in the page (the `hidden`
// attribute only): a live basket is still swapped into its place by id, then measured.
(function () {
  "use strict";

  var UNITS = ".conditions-verdicts, .conditions-alliance, .condition-line";
  var COLUMN_MIN_EM = 25;  // two baskets side by side when each has this room at least
  // pages: [{table, items: [{slot, from, to, wide}]}]: the slots (baskets) shown, each with
  // the range of its blocks on that page, and whether it takes the whole width. Which one
  // shows: pager.page.
  var state = { pages: [] };
  var pager = window.Paniers.Pager({ active: function () { return Boolean(root()); }, show: showPage });

  function slice(list) { return Array.prototype.slice.call(list); }
  function root() {
    return document.body.classList.contains("conditions-screen") ? document.getElementById("conditions-screen") : null;
  }
  function tablesOf(el) { return slice(el.querySelectorAll(".conditions-table")); }
  function slotsOf(table) { return slice(table.querySelectorAll(".conditions-slot")); }
  function showTable(tables, index) {
    tables.forEach(function (table, at) { table.hidden = at !== index; });
  }

  // A basket's blocks in reading order, those the projector shows (CSS leaves out the
  // conditions not filled in and the cards not chosen).
  function unitsOf(slot) {
    var units = slice(slot.querySelectorAll(UNITS));
    units.forEach(function (unit) { unit.hidden = false; });
    var checklist = slot.querySelector(".conditions-checklist");
    if (checklist) checklist.hidden = false;
    return units.filter(function (unit) { return window.getComputedStyle(unit).display !== "none"; });
  }

  // Blocks from..to-1 of a basket; the checklist's heading with its first condition shown,
  // or at the basket's end when none is filled in; "(suite)" on a continued part.
  function showPart(slot, units, from, to) {
    slot.hidden = false;
    units.forEach(function (unit, at) { unit.hidden = at < from || at >= to; });
    var checklist = slot.querySelector(".conditions-checklist");
    if (checklist) {
      var lines = units.filter(function (unit) { return unit.classList.contains("condition-line"); });
      var shown = lines.some(function (line) { return !line.hidden; });
      checklist.hidden = lines.length ? !shown : to < units.length;
    }
    var title = slot.querySelector(".conditions-title");
    if (title) {
      if (from > 0) title.dataset.cont = root().dataset.cont || "";
      else delete title.dataset.cont;
    }
  }

  // Nothing spills out of the screen's box, and no word of the basket just shown (the
  // others were measured before it, and it does not move them) is wider than its place.
  function fits(el, slot) {
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) return false;
    var box = el.getBoundingClientRect();
    var items = slot.querySelectorAll(".conditions, h3, h4, p, li, dt, dd");
    for (var i = 0; i < items.length; i += 1) {
      var item = items[i];
      if (!item.offsetParent) continue;
      if (item.scrollWidth > item.clientWidth + 1) return false;
      var rect = item.getBoundingClientRect();
      if (rect.bottom > box.bottom + 1 || rect.right > box.right + 1) return false;
    }
    return true;
  }

  // One table's pages: baskets added while they fit; one that does not fit even alone
  // takes the whole width, then leaves its last blocks for the next page.
  function tablePages(el, table, index, columns) {
    var slots = slotsOf(table);
    var pages = [];
    var at = 0;
    var from = 0;
    if (!slots.length) return [{ table: index, items: [] }];
    while (at < slots.length) {
      var page = { table: index, items: [] };
      slots.forEach(function (slot) {
        slot.hidden = true;
        slot.classList.remove("wide");
      });
      while (at < slots.length) {
        var slot = slots[at];
        var units = unitsOf(slot);
        showPart(slot, units, from, units.length);
        if (fits(el, slot)) {
          page.items.push({ slot: at, from: from, to: units.length, wide: false });
          at += 1;
          from = 0;
          continue;
        }
        if (page.items.length) {
          slot.hidden = true;
          break;
        }
        var wide = columns > 1;
        slot.classList.toggle("wide", wide);
        if (wide && fits(el, slot)) {
          page.items.push({ slot: at, from: from, to: units.length, wide: true });
          at += 1;
          from = 0;
          continue;
        }
        var to = units.length;
        while (to - from > 1 && !fits(el, slot)) {
          to -= 1;
          showPart(slot, units, from, to);
        }
        page.items.push({ slot: at, from: from, to: to, wide: wide });
        if (to >= units.length) {
          at += 1;
          from = 0;
        } else {
          from = to;
        }
        break;
      }
      pages.push(page);
    }
    return pages;
  }

  // The basket (and its part) at the top of the page on show, to come back to it after a
  // new layout; or the basket asked for in the address (?basket=…).
  function anchor(el) {
    var page = state.pages[pager.page];
    if (el.dataset.startBasket) {
      var wanted = el.dataset.startBasket;
      delete el.dataset.startBasket;
      return { basket: wanted, from: 0 };
    }
    if (!page || !page.items.length) return null;
    var tables = tablesOf(el);
    var slot = tables[page.table] && slotsOf(tables[page.table])[page.items[0].slot];
    return slot ? { basket: slot.dataset.basket, from: page.items[0].from } : null;
  }

  function pageOf(el, pages, wanted) {
    if (!wanted) return -1;
    var tables = tablesOf(el);
    var found = -1;
    pages.some(function (page, index) {
      return page.items.some(function (item) {
        var slot = slotsOf(tables[page.table])[item.slot];
        if (!slot || slot.dataset.basket !== String(wanted.basket)) return false;
        if (found < 0) found = index;
        if (wanted.from >= item.from && wanted.from < Math.max(item.to, item.from + 1)) {
          found = index;
          return true;
        }
        return false;
      });
    });
    return found;
  }

  function layout() {
    var el = root();
    if (!el) return;
    var wanted = anchor(el);
    var tables = tablesOf(el);
    var arrange = function (columns) {
      var pages = [];
      el.style.setProperty("--columns", columns);
      tables.forEach(function (table, index) {
        showTable(tables, index);
        pages = pages.concat(tablePages(el, table, index, columns));
      });
      return pages;
    };
    var em = parseFloat(window.getComputedStyle(el).fontSize) || 16;
    var pages = arrange(1);
    if (el.clientWidth >= 2 * COLUMN_MIN_EM * em) {
      var side = arrange(2);
      if (side.length < pages.length) pages = side;
      else arrange(1);
    }
    el.dataset.columns = el.style.getPropertyValue("--columns");
    setPages(el, pages, wanted);
    showPage();
  }

  // The pages, and the one on show: the basket that was at its top, else the same number.
  function setPages(el, pages, wanted) {
    state.pages = pages;
    var found = pageOf(el, pages, wanted);
    if (found >= 0) pager.page = found;
    pager.setCount(pages.length);
    el.dataset.pages = pages.length;
  }

  // One basket changed: only its table's pages are measured again, in the arrangement
  // chosen for the whole screen (a full layout follows a resize or new content).
  function layoutTable(el, table) {
    var tables = tablesOf(el);
    var index = tables.indexOf(table);
    var first = -1;
    state.pages.forEach(function (page, at) { if (page.table === index && first < 0) first = at; });
    if (index < 0 || first < 0) {
      layout();
      return;
    }
    var wanted = anchor(el);
    var count = state.pages.filter(function (page) { return page.table === index; }).length;
    showTable(tables, index);
    var fresh = tablePages(el, table, index, +el.dataset.columns || 1);
    setPages(el, state.pages.slice(0, first).concat(fresh, state.pages.slice(first + count)), wanted);
    showPage();
  }

  function showPage() {
    var el = root();
    var page = state.pages[pager.page];
    if (!el || !page) return;
    var tables = tablesOf(el);
    showTable(tables, page.table);
    var slots = slotsOf(tables[page.table]);
    slots.forEach(function (slot) { slot.hidden = true; });
    page.items.forEach(function (item) {
      var slot = slots[item.slot];
      slot.classList.toggle("wide", item.wide);
      showPart(slot, unitsOf(slot), item.from, item.to);
    });
    el.dataset.page = pager.page + 1;
    var line = document.getElementById("conditions-pager");
    if (!line) return;
    var ofTable = state.pages.filter(function (other) { return other.table === page.table; });
    var parts = [];
    if (tables.length > 1) {
      parts.push(line.dataset.table.replace("{table}", tables[page.table].dataset.table).replace("{tables}", tables.length));
    }
    if (ofTable.length > 1) {
      parts.push(line.dataset.part.replace("{part}", ofTable.indexOf(page) + 1).replace("{parts}", ofTable.length));
    }
    if (pager.paused && state.pages.length > 1) parts.push(line.dataset.paused);
    line.hidden = state.pages.length < 2;
    line.textContent = parts.join(" · ");
  }

  var schedule = window.Paniers.Pager.onceAFrame(layout);

  document.addEventListener("DOMContentLoaded", function () {
    if (!root()) return;
    layout();
    pager.start();
  });
  window.addEventListener("resize", schedule);
  // A basket's conditions changed (its new HTML may be taller): its table measured again at
  // once (before anything paints it unmeasured); the content fetched again: everything.
  // Anything else that settles (the phase's band may change height): everything, once.
  function inside(event) {
    var el = root();
    return el && event.target && event.target !== el && el.contains(event.target);
  }
  ["htmx:afterSwap", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var el = root();
      var table = inside(event) && event.target.closest(".conditions-table");
      if (table && state.pages.length) layoutTable(el, table);
      else if (el && event.target === el) layout();
      else schedule();
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!inside(event)) schedule();
  });
})();
