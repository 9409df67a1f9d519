// The projector's board: as many tables as fit legibly, paging through the rest by itself.
// No build step: plain ES2017. The fonts have floors in CSS (projector.css, "The projector
// fits its screen"); this script never shrinks text, it only chooses how many tables share
// the screen, in how many columns, and whether a table lies on its side (territories as
// rows) when its columns are too narrow for its words. A table too full to fit even alone
// is split: its post-its continue on the next page ("Table 2 (suite)"); one table's measure
// and split are in board_table.js, the turning of pages (20 s, the keys) in pager.js.
// Hidden tables and post-its stay in the page (the `hidden` attribute only): live cells
// are still swapped into them by id.
//
// A live post-it (workshops/broadcast.py sends one post-it, never its cell) lays out only
// what changed: in one animation frame, the changed tables on show are measured (reads
// only). One that no longer fits goes on its side if that is enough; a table alone on its
// pages is split again alone; only otherwise is the whole board paged again (recheck). A
// changed table, or page of a split table, that is not on show is measured when its page
// comes. #board counts its layouts (data-layouts: the whole board's, or one split table's)
// and its checks (data-checks).
(function () {
  "use strict";

  var T = window.Paniers.BoardTable;
  var fits = T.fits, show = T.show, postitsOf = T.postitsOf;
  // pages: [{first, count, part, parts}]; part/parts > 1 when one table is split. Which one
  // shows: pager.page.
  var state = {
    pages: [], scheduled: false,
    stale: true,  // not laid out for the board as it shows now (hidden, another size)
    size: "",  // the board's box when it was laid out
    changed: [], checking: false,  // tables with a live change, waiting for the next frame
  };
  var counts = { layouts: 0, checks: 0 };
  function counted(el, name) {
    counts[name] += 1;
    el.dataset[name] = counts[name];
  }
  function sizeOf(el) { return el.clientWidth + "x" + el.clientHeight; }

  function board() {
    var el = document.getElementById("board");
    return el && document.body.classList.contains("projector-live") ? el : null;
  }
  function tablesOf(el) {
    return Array.prototype.filter.call(el.children, function (child) {
      return child.classList.contains("table-grid");
    });
  }
  var pager = window.Paniers.Pager({ active: function () { return Boolean(board()); }, show: showPage });

  function setGrid(el, perPage, columns) {
    el.style.setProperty("--page-columns", columns);
    el.style.setProperty("--page-rows", Math.ceil(perPage / columns));
  }

  // Each table lies on its side only if it does not fit upright.
  function arrange(el, tables, perPage, columns) {
    setGrid(el, perPage, columns);
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

  function pagesOf(tables, perPage) {
    var pages = [];
    for (var first = 0; first < tables.length; first += perPage) {
      pages.push({ first: first, count: perPage, part: 0, parts: 1 });
    }
    return pages;
  }

  // The most tables per screen first (at most ``most``: a board that only grew never holds
  // more than it did); for each, every column count, then tables on their side.
  function layout(most) {
    state.scheduled = false;
    var el = board();
    if (!el) return;
    if (!el.offsetParent) {  // the join screen is up: nothing to measure
      state.stale = true;
      return;
    }
    var tables = tablesOf(el);
    if (!tables.length) return;
    counted(el, "layouts");
    state.stale = false;
    state.size = sizeOf(el);
    state.changed = [];
    tables.forEach(function (table) {
      delete table.dataset.unchecked;
      delete table.dataset.uncheckedParts;
      // A board fetched again is laid out in its swap, before paniers.js dresses it (on
      // htmx:load, when it settles): its column count first.
      if (table.dataset.columns) table.style.setProperty("--columns", table.dataset.columns);
    });
    tables.forEach(T.unsplit);
    var chosen = null;
    for (var perPage = Math.min(tables.length, most || Infinity); perPage >= 1 && !chosen; perPage -= 1) {
      for (var columns = perPage; columns >= 1 && !chosen; columns -= 1) {
        if (Math.ceil(perPage / columns) * columns - perPage >= columns) continue;  // an empty row
        if (arrange(el, tables, perPage, columns)) chosen = perPage;
      }
    }
    var pages;
    if (chosen) {
      pages = pagesOf(tables, chosen);
    } else {  // a table too full even alone: one table at a time, split over pages
      chosen = 1;
      setGrid(el, 1, 1);
      pages = [];
      tables.forEach(function (table, index) {
        show(tables, index, 1);
        pages = pages.concat(T.pagesAlone(table, index));
      });
    }
    el.dataset.perPage = chosen;
    setPages(el, pages);
    showPage();
  }

  function setPages(el, pages) {
    state.pages = pages;
    el.dataset.pages = pages.length;
    pager.setCount(pages.length);
  }

  function showPage() {
    var el = board();
    var page = state.pages[pager.page];
    if (!el || !page) return;
    var tables = tablesOf(el);
    show(tables, page.first, page.count);
    el.dataset.page = pager.page + 1;
    if (page.key) {  // a page of a split table
      var table = tables[page.first];
      table.classList.toggle("sideways", table.dataset.split === "sideways");
      T.showTerritories(table, page.territory, page.territories);
      postitsOf(table).forEach(function (postit) { postit.hidden = postit.dataset.part !== page.key; });
      var more = table.querySelector(".table-cont");
      if (more) more.hidden = page.part === 0;
      var unsure = (table.dataset.uncheckedParts || "").split(" ");
      if (unsure.indexOf(page.key) >= 0) {
        table.dataset.uncheckedParts = unsure.filter(function (key) { return key !== page.key; }).join(" ");
        counted(el, "checks");
        if (!fits(table)) {
          resplit(el, table);
          return;
        }
      }
    }
    // A table that changed while on another page: measured now that it shows.
    var unchecked = tables.filter(function (table) { return !table.hidden && table.dataset.unchecked !== undefined; });
    if (unchecked.length && !recheck(el, unchecked)) return;  // paged again, and shown
    var line = document.getElementById("board-pager");
    if (!line) return;
    var paging = state.pages.length > 1;
    line.hidden = !paging;
    if (!paging) return;
    var last = Math.min(page.first + page.count, tables.length);
    var text = "";
    if (tables.length > 1) {
      text = (last - page.first === 1 ? line.dataset.one : line.dataset.many)
        .replace("{first}", page.first + 1).replace("{last}", last).replace("{count}", tables.length);
    }
    if (page.parts > 1) {
      text += (text ? " · " : "") + line.dataset.part.replace("{part}", page.part + 1).replace("{parts}", page.parts);
    }
    line.textContent = text + (pager.paused ? " · " + line.dataset.paused : "");
  }

  function schedule() {
    if (state.scheduled) return;
    state.scheduled = true;
    window.requestAnimationFrame(function () { layout(); });
  }

  function pageOf(tableIndex) {
    for (var i = 0; i < state.pages.length; i += 1) {
      var page = state.pages[i];
      if (tableIndex >= page.first && tableIndex < page.first + page.count) return i;
    }
    return -1;
  }

  function perPageOf(el) { return +el.dataset.perPage || Infinity; }

  // Tables that changed, on show: measured (reads only); those that no longer fit are
  // paged again, as little as can be: on their side if that is enough; a table alone on
  // its pages split again alone; otherwise the whole board. Whatever else is on the page
  // keeps its place: the board's grid gives every table the same box. True: nothing moved.
  function recheck(el, tables) {
    counted(el, "checks");
    var fitting = tables.map(fits);
    tables.forEach(function (table, index) { if (fitting[index]) delete table.dataset.unchecked; });
    var tight = tables.filter(function (table, index) { return !fitting[index]; });
    if (!tight.length) return true;
    var index = tablesOf(el).indexOf(tight[0]);
    if (perPageOf(el) === 1) {
      tight.forEach(function (table) { resplit(el, table); });
      return false;
    }
    var upright = tight.every(function (table) { return !table.classList.contains("sideways"); });
    if (upright) {
      tight.forEach(function (table) { table.classList.add("sideways"); });
      if (tight.every(fits)) {
        tight.forEach(function (table) { delete table.dataset.unchecked; });
        return true;
      }
    }
    layout(perPageOf(el));
    pager.page = Math.max(0, pageOf(index));
    showPage();
    return false;
  }

  // One table on pages of its own (the board shows one table a page): laid out alone again,
  // upright, on its side, else split; its pages take the place of its old ones.
  function resplit(el, table) {
    var tables = tablesOf(el);
    var index = tables.indexOf(table);
    var current = state.pages[pager.page];
    var part = current && current.first === index ? current.part : 0;
    counted(el, "layouts");
    delete table.dataset.unchecked;
    delete table.dataset.uncheckedParts;
    show(tables, index, 1);
    T.unsplit(table);
    var pages = T.pagesAlone(table, index);
    var before = state.pages.filter(function (page) { return page.first < index; });
    var after = state.pages.filter(function (page) { return page.first > index; });
    setPages(el, before.concat(pages, after));
    if (!current || current.first === index) pager.page = before.length + Math.min(part, pages.length - 1);
    else pager.page = state.pages.indexOf(current);
    showPage();
  }

  // A post-it that comes into a split table belongs to one of its pages: an edited one to
  // its old one's, a new one to the page of the last post-it of its cell (it comes last).
  function pageForNewPostit(table, target, postit) {
    var part = target.dataset.part;
    if (target.classList.contains("cell")) {
      var last = target.querySelectorAll(".postit[data-part]");
      part = last.length ? last[last.length - 1].dataset.part : firstPartOf(table, target);
    }
    if (!part) return;
    postit.dataset.part = part;
    var page = state.pages[pager.page];
    postit.hidden = !page || !page.key || table.hidden || page.key !== part;
    // Its page is not on show: measured when it comes (showPage).
    if (postit.hidden) table.dataset.uncheckedParts = (table.dataset.uncheckedParts || "") + " " + part;
  }
  function firstPartOf(table, cell) {
    var index = tablesOf(board()).indexOf(table);
    var territory = T.territoriesOf(table).findIndex(function (parts) { return parts.indexOf(cell) >= 0; });
    for (var i = 0; i < state.pages.length; i += 1) {
      var page = state.pages[i];
      if (page.first === index && page.key && territory >= page.territory && territory < page.territory + page.territories) return page.key;
    }
    return undefined;
  }

  // Once a frame at most, whatever the number of post-its that arrived meanwhile.
  function checkChanged() {
    state.checking = false;
    var el = board();
    var changed = state.changed;
    state.changed = [];
    if (!el || state.scheduled) return;  // a whole layout is on its way
    if (state.stale || !el.offsetParent || sizeOf(el) !== state.size) {
      layout();
      return;
    }
    var tables = tablesOf(el);
    changed = changed.filter(function (table, index) {
      return changed.indexOf(table) === index && tables.indexOf(table) >= 0;
    });
    changed.forEach(function (table) { if (table.hidden) table.dataset.unchecked = ""; });
    var shown = changed.filter(function (table) { return !table.hidden; });
    if (shown.length) recheck(el, shown);
  }

  function tableChanged(table) {
    state.changed.push(table);
    if (state.checking) return;
    state.checking = true;
    window.requestAnimationFrame(checkChanged);
  }

  // Anything else that swaps (the phase, the clock's state, the join count) may resize the
  // board or show it (the join screen gives way): laid out again only then.
  function maybeLayout() {
    var el = board();
    if (!el || state.scheduled) return;
    if (state.stale || (el.offsetParent && sizeOf(el) !== state.size)) layout();
  }
  var scheduleMaybe = window.Paniers.Pager.onceAFrame(maybeLayout);

  document.addEventListener("DOMContentLoaded", function () {
    if (!board()) return;
    schedule();
    pager.start();
  });
  window.addEventListener("resize", schedule);
  // A re-fetched board is laid out at once, in the swap's own task, so the room never sees,
  // nor a test measures, new tables before they are laid out.
  document.addEventListener("htmx:afterSwap", function (event) {
    var el = board();
    if (el && event.detail.target === el) layout();
    else scheduleMaybe();
  });
  // A live post-it, added, replaced or deleted: its table is noted before the swap (a
  // deleted post-it has no table after it).
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var el = board();
    var target = event.detail.target;
    var table = el && target && el.contains(target) && target.closest(".table-grid");
    if (!table) return;
    event.detail.onBoard = true;  // the same detail comes with htmx:oobAfterSwap
    if (table.dataset.split && event.detail.fragment) {
      event.detail.fragment.querySelectorAll(".postit").forEach(function (postit) {
        pageForNewPostit(table, target, postit);
      });
    }
    tableChanged(table);
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!event.detail.onBoard) scheduleMaybe();
  });
  document.addEventListener("htmx:afterSettle", scheduleMaybe);
})();
