// Small helpers htmx cannot do by itself. No build step: plain ES2017.
(function () {
  "use strict";

  // Character counter under every <textarea data-counter="280">. No maxlength: it would
  // cut a long paste silently; the counter says how much is over and the server refuses it.
  function updateCounter(textarea, typed) {
    var counter = document.querySelector('[data-counter-for="' + textarea.id + '"]');
    if (!counter) return;
    var limit = parseInt(textarea.dataset.counter, 10);
    var used = Array.from(textarea.value).length;  // characters, as the server counts them
    var over = used - limit;
    counter.textContent = over > 0 && counter.dataset.over
      ? counter.dataset.over.replace("{used}", used).replace("{limit}", limit).replace("{over}", over)
      : used + " / " + limit;
    counter.classList.toggle("near-limit", over <= 0 && used > limit - 20);
    counter.classList.toggle("over-limit", over > 0);
    if (over > 0) textarea.setAttribute("aria-invalid", "true");
    else if (typed) textarea.removeAttribute("aria-invalid");
  }
  function initCounters(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (textarea) {
      var counter = document.querySelector('[data-counter-for="' + textarea.id + '"]');
      var described = (textarea.getAttribute("aria-describedby") || "").split(" ");
      if (counter && counter.id && described.indexOf(counter.id) < 0) {
        textarea.setAttribute("aria-describedby", described.concat(counter.id).join(" ").trim());
      }
      updateCounter(textarea, false);
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-counter]")) updateCounter(event.target, true);
  });
  document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  document.addEventListener("htmx:load", function (event) { initCounters(event.detail.elt); });

  // What people type follows its own direction (an Arabic or Hebrew post-it reads right
  // to left), as the post-its and names shown back to them do (dir="auto" in templates).
  function typeInOwnDirection(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("textarea:not([dir]), input[type=text]:not([dir])").forEach(function (field) {
      field.dir = "auto";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { typeInOwnDirection(document); });
  document.addEventListener("htmx:load", function (event) { typeInOwnDirection(event.detail.elt); });

  // The projector may show one table only: drop live cells it does not display
  // rather than let htmx report a missing swap target.
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    var match = /^\s*<[^>]*\bid="([^"]+)"/.exec(event.detail.message);
    if (match && !document.getElementById(match[1])) event.preventDefault();
  });

  // A re-sync swaps the whole board: folded sections someone opened stay open.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    target.dataset.openDetails = Array.prototype.map.call(
      target.querySelectorAll("details[open][id]"), function (details) { return details.id; }
    ).join(" ");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    (event.detail.target.dataset.openDetails || "").split(" ").forEach(function (id) {
      var details = id && document.getElementById(id);
      if (details) details.open = true;
    });
  });

  // Reconnect within seconds, not the extension's default of up to a minute, with
  // jitter so a room of phones does not come back all at once after a restart.
  if (window.htmx) {
    htmx.config.wsReconnectDelay = function (retryCount) {
      var ceiling = Math.min(8000, 500 * Math.pow(2, retryCount));
      return ceiling / 2 + Math.random() * ceiling / 2;
    };
  }

  // A request that fails leaves the form as it is (nothing typed is lost): say why.
  // A final word (the workshop was deleted: data-final) stays whatever comes after.
  function showProblem(kind) {
    var banner = document.getElementById("request-problem");
    if (!banner || banner.hasAttribute("data-final")) return;
    banner.textContent = banner.dataset[kind];
    banner.hidden = false;
  }
  // A dot needs the network (no client id, not queued): say it was not placed.
  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail.elt;
    showProblem(elt && elt.closest && elt.closest(".dot-buttons") ? "offlineDot" : "offline");
  });
  document.addEventListener("htmx:responseError", function () { showProblem("refused"); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var banner = document.getElementById("request-problem");
    var xhr = event.detail.xhr;
    if (banner && xhr && xhr.status < 400 && !banner.hasAttribute("data-final")) banner.hidden = true;
  });

  // A refused save (409: someone saved first, or the phase closed; 422: invalid; 429: too
  // many) comes back as its form with the server's reason and the text as typed
  // (workshops/refusals.py). Wherever the form is on the page, bring the reason and what
  // was typed into view together and focus them: the field the reason is about, else the
  // reason itself. Without scripts the form comes back as a page of its own, on top.
  var REFUSED = [409, 422, 429];
  var REASONS = ".stale-edit, .errors, .gate-message:not([hidden]), .request-problem:not([hidden])";
  var refusedContent = null;  // what a refused answer swapped in (htmx:load, in order)
  function refused(xhr) { return Boolean(xhr) && REFUSED.indexOf(xhr.status) >= 0; }
  function shown(el) { return el.getClientRects().length > 0 && el.textContent.trim() !== ""; }
  function firstReason(roots) {
    for (var i = 0; i < roots.length; i++) {
      var root = roots[i];
      if (!root.isConnected || !root.querySelectorAll) continue;
      var found = (root.matches(REASONS) && shown(root) ? [root] : [])
        .concat(Array.prototype.filter.call(root.querySelectorAll(REASONS), shown));
      if (found.length) return { root: root, reason: found[0] };
    }
    return null;
  }
  // The reason alone: at the top of the screen, the form it is about below it. A field
  // and its error: both, centred.
  function bringIntoView(elements, atTop) {
    var top = Infinity, bottom = -Infinity;
    elements.forEach(function (el) {
      var box = el.getBoundingClientRect();
      top = Math.min(top, box.top);
      bottom = Math.max(bottom, box.bottom);
    });
    var margin = 12, height = window.innerHeight;
    var room = height - (bottom - top);
    if (atTop || room < 2 * margin) window.scrollBy({ top: top - margin, behavior: "instant" });
    else if (top < margin || bottom > height - margin) window.scrollBy({ top: top - room / 2, behavior: "instant" });
  }
  // A field's own error follows it, and Django marks the field aria-invalid.
  function fieldOf(reason, root) {
    if (!reason.matches(".errors")) return null;
    var before = Array.prototype.filter.call(root.querySelectorAll("[aria-invalid=true]"), function (field) {
      return field.type !== "hidden" && Boolean(reason.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_PRECEDING);
    });
    return before.length ? before[before.length - 1] : null;
  }
  function showRefusal(roots) {
    var found = firstReason(roots);
    if (!found) return;
    var reason = found.reason;
    var field = fieldOf(reason, found.root);
    // (The page's problem banner sticks to the top of the screen: it is in view already.)
    // What came back whole when it fits the screen (a post-it's form, a dot's item), else
    // the reason at the top with the form it is about below it.
    var whole = found.root.getBoundingClientRect().height <= window.innerHeight - 24;
    if (field) bringIntoView([field.closest("label") || field, reason], false);
    else if (reason.id !== "request-problem") bringIntoView(whole ? [found.root] : [reason], true);
    if (!field) reason.setAttribute("tabindex", "-1");
    (field || reason).focus({ preventScroll: true });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (refused(event.detail.xhr)) refusedContent = [];  // a live fragment meanwhile keeps it
  });
  document.addEventListener("htmx:load", function (event) {
    if (refusedContent) refusedContent.push(event.detail.elt);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!refusedContent || !refused(event.detail.xhr)) return;
    var roots = refusedContent;
    refusedContent = null;
    showRefusal(roots.concat([document.getElementById("request-problem")].filter(Boolean)));
  });

  // Tell people when the live connection drops; htmx's ws extension reconnects by itself
  // and the board re-fetches itself on every (re)open (hx-trigger="htmx:wsOpen").
  document.addEventListener("htmx:wsOpen", function () { document.body.dataset.live = "on"; });
  document.addEventListener("htmx:wsClose", function () { document.body.dataset.live = "off"; });

  // The Content-Security-Policy allows no style attribute and no inline script (see
  // config/settings.py): what differs per territory or per page comes as data attributes,
  // set here as CSS variables. And the board is the same HTML for everyone at a table:
  // my own post-its (data-participant on the phone's <body>) get their buttons here.
  var DRESSED = "[data-territory-color], [data-columns], .postit[data-author], .basket[data-side-a], .transaction[data-giver]";
  function dress(root) {
    if (!root.querySelectorAll) return;
    var me = document.body.dataset.participant;
    var elements = Array.prototype.slice.call(root.querySelectorAll(DRESSED));
    if (root.matches(DRESSED)) elements.push(root);
    elements.forEach(function (el) {
      if (el.dataset.territoryColor) el.style.setProperty("--territory", el.dataset.territoryColor);
      if (el.dataset.columns) el.style.setProperty("--columns", el.dataset.columns);
      if (el.dataset.author !== undefined) el.classList.toggle("mine", Boolean(me) && el.dataset.author === me);
      if (el.dataset.sideA !== undefined) el.classList.toggle("mine", ourBasket(el));
      if (el.dataset.giver !== undefined) dressTransaction(el);
    });
  }

  // Baskets: the same HTML for every screen. On a phone of one of the basket's two
  // sub-groups (data-subgroup on <body>), its transactions show our side's number to set:
  // the effort if we give, the value if we receive, with the one we set pressed.
  function ourBasket(basket) {
    var us = document.body.dataset.subgroup;
    return Boolean(us) && (basket.dataset.sideA === us || basket.dataset.sideB === us);
  }
  function dressTransaction(el) {
    var basket = el.closest(".basket");
    var ours = Boolean(basket) && ourBasket(basket);
    var weGive = ours && el.dataset.giver === document.body.dataset.subgroup;
    el.classList.toggle("we-give", weGive);
    el.classList.toggle("we-receive", ours && !weGive);
    var number = weGive ? el.dataset.effort : el.dataset.value;
    el.querySelectorAll(".score-button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(ours && button.value === number));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { dress(document.body); });
  document.addEventListener("htmx:load", function (event) { dress(event.detail.elt); });

  // Buttons that ask first (<button data-confirm="...">), without an onclick attribute.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // The phone's panels come again when the phase changes (hx-trigger="paniers:phase-changed"),
  // and the baskets' grid when a cell of the table's post-its changed (paniers:cells-changed).
  var shownPhase = null;
  function phaseKey() {
    var state = document.getElementById("phase-state");
    return state ? [state.dataset.status, state.dataset.phase].join(" ") : null;
  }
  document.addEventListener("DOMContentLoaded", function () { shownPhase = phaseKey(); });
  ["htmx:afterSwap", "htmx:oobAfterSwap", "htmx:wsAfterMessage"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var key = phaseKey();
      if (shownPhase !== null && key !== null && key !== shownPhase) {
        document.body.dispatchEvent(new CustomEvent("paniers:phase-changed"));
      }
      if (key !== null) shownPhase = key;
      var target = event.detail.target;
      if (name === "htmx:oobAfterSwap" && target && target.id && target.id.indexOf("cell-") === 0) {
        document.body.dispatchEvent(new CustomEvent("paniers:cells-changed"));
      }
    });
  });

  // Phones: the compose form is folded once post-its are no longer the main thing to do
  // (the server renders it so; this follows the phase live), unless something is typed
  // in it. An "Edit" that brings a post-it into the form unfolds it.
  function foldCompose() {
    var box = document.getElementById("compose-box");
    var state = document.getElementById("phase-state");
    if (!box || !state) return;
    var actions = (state.dataset.actions || "").split(" ").filter(Boolean);
    var postitsFirst = actions.every(function (action) { return action === "postits"; });
    var text = box.querySelector("textarea");
    if (postitsFirst) box.open = true;
    else if (!text || (!text.value.trim() && document.activeElement !== text)) box.open = false;
  }
  document.body.addEventListener("paniers:phase-changed", foldCompose);  // scripts are deferred
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    var box = elt.id === "postit-form" && elt.closest("details");
    if (box && elt.classList.contains("editing")) box.open = true;
  });

  // The table's warnings, folded on a phone: their count follows the live fragment.
  function countWarnings(section) {
    var box = section.closest(".warnings-box");
    if (!box) return;
    var count = section.querySelectorAll("li").length;
    box.dataset.count = String(count);
    box.hidden = count === 0;
    var shown = box.querySelector(".warnings-count");
    if (shown) shown.textContent = String(count);
  }
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id && target.id.indexOf("table-warnings-") === 0) {
      var section = document.getElementById(target.id);
      if (section) countWarnings(section);
    }
  });

  // The console's tables refresh soon after the server says they changed
  // (hx-trigger="paniers:console-stale"): an htmx event filter would need eval.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "console-stale") {
      document.body.dispatchEvent(new CustomEvent("paniers:console-stale"));
    }
  });
})();
