// One table of the projector's board, measured (static/js/board.js pages the board with it):
// does it fit its box, upright or on its side (territories as rows), and, when it is too
// full to fit even alone, its post-its split over pages ("Table 2 (suite)"). Reads the
// layout and sets only the `hidden` attribute, the .sideways class and the grid's column
// count: text never shrinks (the floors are in projector.css). Paniers.BoardTable.
(function () {
  "use strict";

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

  // One table alone on the screen, upright else on its side, else split: its pages.
  function pagesAlone(table, index) {
    table.classList.remove("sideways");
    if (!fits(table)) table.classList.add("sideways");
    return fits(table) ? [{ first: index, count: 1, part: 0, parts: 1 }] : split(table, index);
  }

  window.Paniers = window.Paniers || {};
  window.Paniers.BoardTable = {
    postitsOf: postitsOf, territoriesOf: territoriesOf, fits: fits, fitsWidth: fitsWidth, fitsHeight: fitsHeight,
    show: show, showTerritories: showTerritories, unsplit: unsplit, pagesAlone: pagesAlone,
  };
})();
