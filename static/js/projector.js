// The projector's board: as many tables as fit legibly, paging through the rest by itself.
// No build step: plain ES2017. The fonts have floors in CSS (paniers.css, "The projector
// fits its screen"); this script never shrinks text, it only chooses how many tables share
// the screen, in how many columns, and whether a table lies on its side (territories as
// rows) when its columns are too narrow for its words. A table too full to fit even alone
// is split: its post-its continue on the next page ("Table 2 (suite)"). Hidden tables and
// post-its stay in the page (the `hidden` attribute only): live cells are still swapped
// into them by id.
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

  var ROTATE_MS = 20000;
  // pages: [{first, count, part, parts}]; part/parts > 1 when one table is split.
  var state = {
    pages: [], page: 0, paused: false, scheduled: false, timer: 0,
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
  function postitsOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll(".postit"));
  }
  function visible(el) { return !el.hidden && !el.closest(".postit[hidden]"); }

  // Nothing spills out of the table's box (words aside).
  function fitsHeight(section) {
    if (section.scrollHeight > section.clientHeight + 1) return false;
    var bottom = section.getBoundingClientRect().bottom;
    var items = section.querySelectorAll(".postit:not([hidden]), .grid-head, .grid-row-head, .cell");
    for (var i = 0; i < items.length; i += 1) {
      if (items[i].getBoundingClientRect().bottom > bottom + 1) return false;
    }
    return true;
  }
  // No word is wider than its post-it, no column spills out sideways.
  function fitsWidth(section) {
    if (section.scrollWidth > section.clientWidth + 1) return false;
    var right = section.getBoundingClientRect().right;
    var items = section.querySelectorAll(".postit, .postit-text, .grid-head, .grid-row-head, .cell");
    for (var i = 0; i < items.length; i += 1) {
      var item = items[i];
      if (!visible(item)) continue;
      if (item.scrollWidth > item.clientWidth + 1) return false;
      if (item.getBoundingClientRect().right > right + 1) return false;
    }
    return true;
  }
  function fits(section) { return fitsWidth(section) && fitsHeight(section); }

  function show(tables, first, count) {
    tables.forEach(function (table, index) {
      table.hidden = index < first || index >= first + count;
    });
  }
  // A table's territories: each one's heading, offers cell and needs cell.
  function territoriesOf(table) {
    var heads = table.querySelectorAll(".grid-head");
    var cells = table.querySelectorAll(".cell");
    return Array.prototype.map.call(heads, function (head, index) {
      return [head, cells[index], cells[heads.length + index]].filter(Boolean);
    });
  }
  function showTerritories(table, first, count) {
    var territories = territoriesOf(table);
    territories.forEach(function (parts, index) {
      parts.forEach(function (el) { el.hidden = index < first || index >= first + count; });
    });
    var grid = table.querySelector(".grid");
    if (count >= territories.length) grid.style.removeProperty("--columns");
    else grid.style.setProperty("--columns", Math.min(count, territories.length - first));
  }
  function unsplit(table) {
    delete table.dataset.split;
    showTerritories(table, 0, Infinity);
    postitsOf(table).forEach(function (postit) {
      postit.hidden = false;
      delete postit.dataset.part;
    });
    var more = table.querySelector(".table-cont");
    if (more) more.hidden = true;
  }

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

  // The post-its of the territories on show, page after page: the lowest on screen wait
  // for the next page. Each carries its page in data-part ("group.page"). Returns how many
  // pages, negative when a page does not fit even with a single post-it.
  function splitPostits(table, group) {
    var left = postitsOf(table).filter(function (postit) { return !postit.closest(".cell[hidden]"); });
    var mine = left.slice();
    var part = 0;
    var ok = true;
    while (left.length) {
      mine.forEach(function (postit) { postit.hidden = left.indexOf(postit) < 0; });
      var shown = left.slice();
      while (shown.length > 1 && !fitsHeight(table)) {
        var lowest = shown.reduce(function (low, postit) {
          return postit.getBoundingClientRect().bottom >= low.getBoundingClientRect().bottom ? postit : low;
        });
        lowest.hidden = true;
        shown.splice(shown.indexOf(lowest), 1);
      }
      if (!fitsHeight(table)) ok = false;
      shown.forEach(function (postit) { postit.dataset.part = group + "." + part; });
      left = left.filter(function (postit) { return shown.indexOf(postit) < 0; });
      part += 1;
    }
    if (!part) ok = fitsHeight(table);
    return ok ? Math.max(part, 1) : -Math.max(part, 1);
  }

  // One table, alone on the screen and still too full: its post-its go over several pages,
  // with every territory (upright, else on its side), or, when even the territories' names
  // do not fit, with fewer territories a page (upright, their columns wider).
  function split(table, index) {
    var count = territoriesOf(table).length;
    var pages = [];
    var plan = function (size, orientation, force) {
      pages = [];
      table.classList.toggle("sideways", orientation === "sideways");
      table.dataset.split = orientation;
      for (var first = 0; first < count; first += size) {
        showTerritories(table, first, size);
        postitsOf(table).forEach(function (postit) { postit.hidden = false; });
        if (!fitsWidth(table) && !force) return false;
        var parts = splitPostits(table, first);
        if (parts < 0 && !force) return false;
        for (var part = 0; part < Math.abs(parts); part += 1) {
          pages.push({ first: index, count: 1, part: part, parts: parts, key: first + "." + part, territory: first, territories: size });
        }
      }
      return true;
    };
    var done = plan(count, "upright") || plan(count, "sideways");
    for (var size = count - 1; size >= 1 && !done; size -= 1) done = plan(size, "upright");
    if (!done) plan(1, "upright", true);  // nothing fits at the floors: the least bad
    pages.forEach(function (page, part) {
      page.part = part;
      page.parts = pages.length;
    });
    return pages;
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
    tables.forEach(unsplit);
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
        table.classList.remove("sideways");
        if (!fits(table)) table.classList.add("sideways");
        if (fits(table)) pages.push({ first: index, count: 1, part: 0, parts: 1 });
        else pages = pages.concat(split(table, index));
      });
    }
    el.dataset.perPage = chosen;
    el.dataset.pages = pages.length;
    state.pages = pages;
    if (state.page >= pages.length) state.page = 0;
    showPage();
  }

  function showPage() {
    var el = board();
    var page = state.pages[state.page];
    if (!el || !page) return;
    var tables = tablesOf(el);
    show(tables, page.first, page.count);
    el.dataset.page = state.page + 1;
    if (page.key) {  // a page of a split table
      var table = tables[page.first];
      table.classList.toggle("sideways", table.dataset.split === "sideways");
      showTerritories(table, page.territory, page.territories);
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
    var pager = document.getElementById("board-pager");
    if (!pager) return;
    var paging = state.pages.length > 1;
    pager.hidden = !paging;
    if (!paging) return;
    var last = Math.min(page.first + page.count, tables.length);
    var text = "";
    if (tables.length > 1) {
      text = (last - page.first === 1 ? pager.dataset.one : pager.dataset.many)
        .replace("{first}", page.first + 1).replace("{last}", last).replace("{count}", tables.length);
    }
    if (page.parts > 1) {
      text += (text ? " · " : "") + pager.dataset.part.replace("{part}", page.part + 1).replace("{parts}", page.parts);
    }
    pager.textContent = text + (state.paused ? " · " + pager.dataset.paused : "");
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
    state.page = Math.max(0, pageOf(index));
    showPage();
    return false;
  }

  // One table on pages of its own (the board shows one table a page): laid out alone again,
  // upright, on its side, else split; its pages take the place of its old ones.
  function resplit(el, table) {
    var tables = tablesOf(el);
    var index = tables.indexOf(table);
    var current = state.pages[state.page];
    var part = current && current.first === index ? current.part : 0;
    counted(el, "layouts");
    delete table.dataset.unchecked;
    delete table.dataset.uncheckedParts;
    show(tables, index, 1);
    unsplit(table);
    table.classList.remove("sideways");
    if (!fits(table)) table.classList.add("sideways");
    var pages = fits(table) ? [{ first: index, count: 1, part: 0, parts: 1 }] : split(table, index);
    var before = state.pages.filter(function (page) { return page.first < index; });
    var after = state.pages.filter(function (page) { return page.first > index; });
    state.pages = before.concat(pages, after);
    el.dataset.pages = state.pages.length;
    if (!current || current.first === index) state.page = before.length + Math.min(part, pages.length - 1);
    else state.page = state.pages.indexOf(current);
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
    var page = state.pages[state.page];
    postit.hidden = !page || !page.key || table.hidden || page.key !== part;
    // Its page is not on show: measured when it comes (showPage).
    if (postit.hidden) table.dataset.uncheckedParts = (table.dataset.uncheckedParts || "") + " " + part;
  }
  function firstPartOf(table, cell) {
    var index = tablesOf(board()).indexOf(table);
    var territory = territoriesOf(table).findIndex(function (parts) { return parts.indexOf(cell) >= 0; });
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
  var maybeScheduled = false;
  function scheduleMaybe() {
    if (maybeScheduled) return;
    maybeScheduled = true;
    window.requestAnimationFrame(function () {
      maybeScheduled = false;
      maybeLayout();
    });
  }

  function rotate() {
    if (!board() || state.paused || state.pages.length < 2) return;
    state.page = (state.page + 1) % state.pages.length;
    showPage();
  }

  // A page turned by hand stays its full time too.
  function restartRotation() {
    window.clearInterval(state.timer);
    state.timer = window.setInterval(rotate, ROTATE_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!board()) return;
    schedule();
    restartRotation();
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
  // What the projector shows is chosen on the console or with this keyboard and stored on
  // the workshop (workshops/projector.py). A newer choice arrives as #projector-view, live
  // over the socket or fetched again when it reopens: the page loads again, and shows it.
  function live() { return document.getElementById("live"); }
  var leaving = false;
  function followChoice() {
    var main = live();
    var marker = document.getElementById("projector-view");
    if (leaving || !main || !marker || !main.dataset.projectorUrl) return;
    if (marker.dataset.version !== main.dataset.viewVersion) {
      leaving = true;
      window.location.assign(main.dataset.projectorUrl);
    }
  }
  // Following the workshop (#live[data-follow]: what this page shows, "board" or a view an
  // app registered, e.g. "baskets"), a phase that asks for another page loads the projector
  // again, which sends this window where the phase is shown (workshops/views/facilitator.py).
  function followPhase() {
    var main = live();
    var phase = document.getElementById("phase-state");
    if (leaving || !main || !phase || !main.dataset.follow || !main.dataset.projectorUrl) return;
    var wanted = "board";
    (main.dataset.followKinds || "").split(" ").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2 && parts[0] === phase.dataset.kind) wanted = parts[1];
    });
    if (wanted !== main.dataset.follow) {
      leaving = true;
      window.location.assign(main.dataset.projectorUrl + "?view=follow");
    }
  }
  ["htmx:oobAfterSwap", "htmx:afterSettle"].forEach(function (name) {
    document.addEventListener(name, followChoice);
    document.addEventListener(name, followPhase);
  });
  document.addEventListener("DOMContentLoaded", followPhase);

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (error) { return ""; }
  }
  // The keyboard asks the server, as the console does: every screen and the console agree.
  function choose(view) {
    var main = live();
    if (!main || !main.dataset.viewUrl) return;
    var body = new URLSearchParams({ view: view });
    window.fetch(main.dataset.viewUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    }).then(function (response) {
      // The socket brings the change too; without it, go and fetch it.
      if (response.ok && !leaving) {
        leaving = true;
        window.location.assign(main.dataset.projectorUrl);
      }
    });
  }
  var VIEWS = { a: "all", f: "follow", j: "join" };
  // A key of a view an app registered (#live[data-cycle-b]="baskets baskets:1 …") goes
  // through its values, one a press, from the one on show.
  function cycled(key) {
    var main = live();
    var values = main && main.getAttribute("data-cycle-" + key);
    if (!values) return null;
    values = values.split(" ");
    return values[(values.indexOf(main.dataset.view || "") + 1) % values.length];
  }

  function toggleHelp(show) {
    var help = document.getElementById("projector-keys");
    if (help) help.hidden = show === undefined ? !help.hidden : !show;
  }

  // Space pauses the paging; → and ← (or a presenter's PageDown and PageUp) turn the page;
  // F, A, 1–9, J and the keys of registered views (B, P) choose what shows; ? shows the keys.
  document.addEventListener("keydown", function (event) {
    if (!live() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("a, button, input, textarea, select")) return;
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === "?") {
      toggleHelp();
    } else if (key === "Escape") {
      toggleHelp(false);
      return;
    } else if (VIEWS[key]) {
      choose(VIEWS[key]);
    } else if (cycled(key)) {
      choose(cycled(key));
    } else if (/^[1-9]$/.test(key)) {
      choose("table:" + key);
    } else if (!board()) {
      return;
    } else {
      var step = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 }[key];
      if (key === " ") {
        state.paused = !state.paused;
      } else if (step && state.pages.length > 1) {
        state.page = (state.page + step + state.pages.length) % state.pages.length;
        restartRotation();
      } else {
        return;
      }
      showPage();
    }
    event.preventDefault();
  });
})();
