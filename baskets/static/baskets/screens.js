// The negotiation on the projector: a table at a time on the page of every table, and of each
// table its baskets with content, as many as fit legibly with their transactions; the empty
// ones named on one line; then the table's warnings in full, on pages of their own when they
// do not fit under the baskets. Everything is measured, nothing counted: a basket too full
// for the screen is continued on the next page. Pages turn by themselves (the projector's
// pager, static/js/pager.js: 20 s a page, Space pauses, ← → turn). Text never shrinks: the
// floors are in screens.css. Hidden baskets stay in the page (the `hidden` attribute only):
// live baskets are still swapped into them by id.
(function () {
  "use strict";

  var INLINE_WARNINGS_SHARE = 0.3;  // the whole list stays under the baskets up to this height
  // pages: [{group, kind: "baskets", slots, columns, from, to} or {group, kind: "warnings",
  // first, count}]: a group is a table's section on the page of every table (.screen-table,
  // shown one at a time), else the whole screen; slots index the group's baskets with
  // content; from and to, the transactions of a basket continued over several pages; first
  // and count, the warnings. Which one shows: pager.page.
  var state = { pages: [], byGroup: [] };
  var pager = window.Paniers.Pager({ active: function () { return Boolean(root()); }, show: showPage });

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
  function children(el, className) {
    return el ? Array.prototype.filter.call(el.children, function (child) { return child.classList.contains(className); }) : [];
  }
  function isEmpty(slot) {
    var gauge = slot.querySelector(".basket > .gauge");  // live: its class may come later
    return Boolean(gauge) && gauge.dataset.gauge === "empty";
  }
  function withContent(group) {
    return children(group.querySelector(".screen-baskets"), "screen-slot").filter(function (slot) { return !isEmpty(slot); });
  }
  function warningsOf(group) {
    var list = group.querySelector(".table-warnings .warnings-list");
    return list ? Array.prototype.slice.call(list.children) : [];
  }
  function transactionsOf(slot) {
    return Array.prototype.slice.call(slot.querySelectorAll(".transaction"));
  }

  // The empty baskets take no room: hidden, and named on the group's line.
  function collapseEmpty(group) {
    var slots = children(group.querySelector(".screen-baskets"), "screen-slot");
    var empty = slots.filter(isEmpty);
    empty.forEach(function (slot) { slot.hidden = true; });
    var line = group.querySelector(".screen-empty-baskets");
    if (!line) return;
    line.textContent = "";
    line.hidden = !empty.length;
    if (!empty.length) return;
    line.appendChild(document.createTextNode(line.dataset.label + " "));
    empty.forEach(function (slot, index) {
      if (index) line.appendChild(document.createTextNode(", "));
      var name = document.createElement("span");
      name.className = "empty-basket-name";
      var title = slot.querySelector(".basket-title");
      name.textContent = (slot.dataset.label || (title ? title.textContent : "")).replace(/\s+/g, " ").trim();
      line.appendChild(name);
    });
  }

  // A basket fits when nothing spills out of its box (no word wider than its place either:
  // the box's scrolling size counts every word inside it) nor out of the baskets' room.
  function fits(slot) {
    if (slot.scrollHeight > slot.clientHeight + 1 || slot.scrollWidth > slot.clientWidth + 1) return false;
    var box = slot.getBoundingClientRect();
    var room = slot.parentElement.getBoundingClientRect();
    return box.bottom <= room.bottom + 1 && box.right <= room.right + 1;
  }

  function show(slots, chosen) {
    slots.forEach(function (slot, index) { slot.hidden = chosen.indexOf(index) < 0; });
  }
  // A side whose transactions are all on another page loses its heading too.
  function showTransactions(slot, from, to) {
    transactionsOf(slot).forEach(function (t, index) { t.hidden = index < from || index >= to; });
    slot.querySelectorAll(".basket-direction").forEach(function (heading) {
      var list = heading.nextElementSibling;
      heading.hidden = Boolean(list) && !list.querySelector(".transaction:not([hidden])");
    });
  }

  function grid(area, count, columns) {
    area.style.setProperty("--page-columns", columns);
    area.style.setProperty("--page-rows", Math.ceil(count / columns));
  }

  // Each basket's height, and whether its words fit, at the width of a page of `columns`
  // columns: measured once for all the group's baskets (one layout), then pages are packed
  // by adding heights, not by laying out every arrangement tried.
  function sizesAt(area, slots, columns) {
    grid(area, slots.length, columns);
    area.classList.add("measuring");
    show(slots, slots.map(function (slot, at) { return at; }));
    var sizes = slots.map(function (slot) {
      return {
        height: slot.getBoundingClientRect().height,
        fits: slot.scrollWidth <= slot.clientWidth + 1 && slot.scrollHeight <= slot.clientHeight + 1,
      };
    });
    area.classList.remove("measuring");
    return sizes;
  }

  // Page after page: the first basket not shown yet, and with it each next one that still
  // fits beside it (a long basket leaves its page to the short ones after it), the most side
  // by side first; a row is as tall as its tallest basket. A page's arrangement (its grid)
  // travels with it for showPage. A basket too full for a page of its own is continued over
  // as many pages as its transactions need.
  function basketPages(group, index) {
    var area = group.querySelector(".screen-baskets");
    var slots = withContent(group);
    slots.forEach(function (slot) { showTransactions(slot, 0, Infinity); });
    var style = getComputedStyle(area);
    var rowGap = parseFloat(style.rowGap) || 0, columnGap = parseFloat(style.columnGap) || 0;
    var room = area.getBoundingClientRect();
    var narrowest = 14 * parseFloat(style.fontSize);  // a basket narrower than this reads badly
    var most = Math.max(1, Math.min(slots.length, Math.floor((room.width + columnGap) / (narrowest + columnGap))));
    var sizes = {};
    function size(columns, at) {
      if (!sizes[columns]) sizes[columns] = sizesAt(area, slots, columns);
      return sizes[columns][at];
    }
    function height(chosen, columns) {
      var total = 0;
      for (var row = 0; row < chosen.length; row += columns) {
        var tallest = 0;
        for (var at = row; at < Math.min(row + columns, chosen.length); at += 1) {
          var measured = size(columns, chosen[at]);
          if (!measured.fits) return Infinity;
          tallest = Math.max(tallest, measured.height);
        }
        total += tallest + (row ? rowGap : 0);
      }
      return total;
    }
    function arrangement(chosen) {
      for (var columns = Math.min(chosen.length, most); columns >= 1; columns -= 1) {
        if (Math.ceil(chosen.length / columns) * columns - chosen.length >= columns) continue;  // an empty row
        if (height(chosen, columns) <= room.height + 1) return columns;
      }
      return 0;
    }
    var pages = [];
    var left = slots.map(function (slot, at) { return at; });
    while (left.length) {
      var chosen = [left[0]];
      var columns = arrangement(chosen);
      if (columns) {
        for (var next = 1; next < left.length; next += 1) {
          var more = arrangement(chosen.concat([left[next]]));
          if (more) {
            chosen.push(left[next]);
            columns = more;
          }
        }
        pages.push({ group: index, kind: "baskets", slots: chosen, columns: columns });
      } else {
        grid(area, 1, 1);
        show(slots, chosen);
        var slot = slots[chosen[0]];
        var total = transactionsOf(slot).length;
        for (var from = 0; from < total;) {
          var to = from + 1;
          while (to < total) {
            showTransactions(slot, from, to + 1);
            if (!fits(slot)) break;
            to += 1;
          }
          pages.push({ group: index, kind: "baskets", slots: chosen, columns: 1, from: from, to: to });
          from = to;
        }
        showTransactions(slot, 0, Infinity);
      }
      left = left.filter(function (at) { return chosen.indexOf(at) < 0; });
    }
    area.dataset.perPage = Math.max.apply(null, [0].concat(pages.map(function (page) { return page.slots.length; })));
    return pages;
  }

  // The warnings: whole under the baskets when short, else on pages of their own, as many
  // whole warnings a page as the band holds.
  function warningPages(group, index, alone) {
    var items = warningsOf(group);
    group.classList.remove("warnings-inline");
    if (!items.length) return [];
    var band = group.querySelector(".table-warnings");
    group.classList.add("warnings-inline");
    var inline = !alone && band.getBoundingClientRect().height <= INLINE_WARNINGS_SHARE * group.getBoundingClientRect().height;
    group.classList.remove("warnings-inline");
    if (inline) {
      group.classList.add("warnings-inline");
      return [];
    }
    group.dataset.pageKind = "warnings";
    var pages = [];
    for (var first = 0; first < items.length;) {
      items.forEach(function (item, at) { item.hidden = at < first; });
      var bottom = band.getBoundingClientRect().bottom + 1;
      var count = 1;
      while (first + count < items.length && items[first + count].getBoundingClientRect().bottom <= bottom) count += 1;
      pages.push({ group: index, kind: "warnings", first: first, count: count });
      first += count;
    }
    items.forEach(function (item) { item.hidden = false; });
    group.dataset.pageKind = "baskets";
    return pages;
  }

  // #baskets-screen counts its layouts (data-layouts: one per table laid out), for tests.
  function layoutGroup(groups, index) {
    var group = groups[index];
    var el = root();
    el.dataset.layouts = String((Number(el.dataset.layouts) || 0) + 1);
    showGroup(groups, index);
    group.dataset.pageKind = "baskets";
    collapseEmpty(group);
    var hasContent = withContent(group).length > 0;
    var warnings = warningPages(group, index, !hasContent);
    var baskets = hasContent ? basketPages(group, index) : [];
    if (!baskets.length && !warnings.length) baskets.push({ group: index, kind: "baskets", slots: [] });
    return baskets.concat(warnings);
  }

  // Every group's pages, or only the pages of the group that changed (a live basket, its
  // table's warnings): the other tables' pages stand.
  function layout(changed) {
    var el = root();
    if (!el) return;
    var groups = groupsOf(el);
    // The room stays on the table it is looking at, at the same page of it when still there.
    var was = state.pages[pager.page];
    var offset = was ? state.pages.slice(0, pager.page).filter(function (page) { return page.group === was.group; }).length : 0;
    var only = changed ? groups.indexOf(changed) : -1;
    if (only >= 0 && state.byGroup.length === groups.length) {
      state.byGroup[only] = layoutGroup(groups, only);
    } else {
      state.byGroup = groups.map(function (group, index) { return layoutGroup(groups, index); });
    }
    var pages = [].concat.apply([], state.byGroup);
    state.pages = pages;
    if (was) {
      var same = [];
      pages.forEach(function (page, at) { if (page.group === was.group) same.push(at); });
      pager.page = same.length ? same[Math.min(offset, same.length - 1)] : 0;
    }
    pager.setCount(pages.length);
    el.dataset.pages = pages.length;
    showPage();
  }

  function range(template, first, count, total) {
    var last = Math.min(first + count, total);
    return template.replace("{first}", first + 1).replace("{last}", last).replace("{count}", total);
  }

  function showPage() {
    var el = root();
    var page = state.pages[pager.page];
    if (!el || !page) return;
    var groups = groupsOf(el);
    var group = groups[page.group];
    if (!group) return;
    showGroup(groups, page.group);
    group.dataset.pageKind = page.kind;
    var slots = withContent(group);
    var items = warningsOf(group);
    if (page.kind === "baskets") {
      var area = group.querySelector(".screen-baskets");
      if (area && page.slots) {
        grid(area, page.slots.length, page.columns);
        show(slots, page.slots);
      }
      slots.forEach(function (slot, at) {
        var continued = page.from !== undefined && at === page.slots[0];
        showTransactions(slot, continued ? page.from : 0, continued ? page.to : Infinity);
      });
    } else {
      items.forEach(function (item, at) { item.hidden = at < page.first || at >= page.first + page.count; });
    }
    el.dataset.page = pager.page + 1;
    var line = document.getElementById("baskets-pager");
    if (!line) return;
    line.hidden = state.pages.length < 2;
    if (line.hidden) return;
    var parts = [];
    if (groups.length > 1) {
      parts.push(line.dataset.table.replace("{table}", group.dataset.table || page.group + 1).replace("{tables}", groups.length));
    }
    if (page.kind === "warnings") {
      parts.push(range(page.count === 1 ? line.dataset.warning : line.dataset.warnings, page.first, page.count, items.length));
    } else if (page.slots && slots.length > page.slots.length) {
      // Counted in the order the pages show them: "Baskets 1–3 of 5", then "4–5 of 5".
      var before = 0;
      for (var at = 0; at < pager.page; at += 1) {
        var earlier = state.pages[at];
        if (earlier.group === page.group && earlier.kind === "baskets" && earlier.slots && !(earlier.from > 0)) before += earlier.slots.length;
      }
      var first = page.from > 0 ? before - 1 : before;
      parts.push(range(page.slots.length === 1 ? line.dataset.one : line.dataset.many, first, page.slots.length, slots.length));
    }
    if (page.from !== undefined) {
      var shown = page.to - page.from;
      parts.push(range(shown === 1 ? line.dataset.transaction : line.dataset.transactions, page.from, shown, transactionsOf(slots[page.slots[0]]).length));
    }
    if (pager.paused) parts.push(line.dataset.paused);
    line.textContent = parts.join(" · ");
  }

  var schedule = window.Paniers.Pager.onceAFrame(function () { layout(null); });

  document.addEventListener("DOMContentLoaded", function () {
    if (!root()) return;
    schedule();
    pager.start();
  });
  window.addEventListener("resize", schedule);
  // A basket or a table's warnings changed (their new HTML may be taller): that table is
  // measured again once the socket's message is swapped and settled (htmx keeps the old
  // classes on a swapped element until then: an empty basket would still look empty), before
  // anything paints it unmeasured. The content fetched again: every table, once settled.
  // Anything else (the phase bar, a banner) may change the room left: every table, at the
  // next frame.
  // Its table is found before the swap: a transaction deleted by id is gone after it.
  var changed = [];
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var el = root();
    var target = (event.detail && event.detail.target) || event.target;
    if (!el || !target || !el.contains(target)) {
      schedule();
      return;
    }
    var group = target.closest(".screen-table") || el;
    if (changed.indexOf(group) < 0) changed.push(group);
  });
  document.addEventListener("htmx:wsAfterMessage", function () {
    var groups = changed;
    changed = [];
    groups.forEach(function (group) { layout(group); });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var el = root();
    if (el && event.target && el.contains(event.target)) layout(null);
    else schedule();
  });
})();
