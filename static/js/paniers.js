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

  // A post-it added to a cell (workshops/broadcast.py, broadcast_postit), or a transaction to
  // its list, replaces any copy
  // already on the page: a message that arrives after the board was fetched again, or a
  // post-it that changed kind and leaves its other cell. Messages stay idempotent.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.querySelectorAll) return;
    fragment.querySelectorAll(".postit[id], .transaction[id]").forEach(function (postit) {
      var copy = document.getElementById(postit.id);
      if (copy && copy !== event.detail.target) copy.remove();
    });
  });

  // A re-sync swaps the whole board: folded sections someone opened stay open, and a
  // choice made in a list (the console's "Go to", refreshed as the room moves) stays made.
  var chosen = [];
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    target.dataset.openDetails = Array.prototype.map.call(
      target.querySelectorAll("details[open][id]"), function (details) { return details.id; }
    ).join(" ");
    chosen = Array.prototype.map.call(target.querySelectorAll("select[id]"), function (list) {
      return [list.id, list.value];
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    (event.detail.target.dataset.openDetails || "").split(" ").forEach(function (id) {
      var details = id && document.getElementById(id);
      if (details) details.open = true;
    });
    chosen.forEach(function (pair) {
      var list = document.getElementById(pair[0]);
      if (list && Array.prototype.some.call(list.options, function (o) { return o.value === pair[1]; })) {
        list.value = pair[1];
      }
    });
    chosen = [];
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
  // A dot needs the network (not queued; a tap again is answered as placed if it was): say it was not placed.
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

  // A refused save (409, 422, 429) comes back as its form with the reason and the typed
  // text (workshops/refusals.py): bring both into view and focus them (docs/architecture.md).
  var REASONS = ".stale-edit, .errors, .gate-message:not([hidden]), .request-problem:not([hidden])";
  var refusedContent = null;  // what the refused answer swapped in (htmx:load)
  function refused(xhr) { return Boolean(xhr) && [409, 422, 429].indexOf(xhr.status) >= 0; }
  function shown(el) { return el.getClientRects().length > 0 && el.textContent.trim() !== ""; }
  function scrollToShow(elements, atTop) {
    var boxes = elements.map(function (el) { return el.getBoundingClientRect(); });
    var top = Math.min.apply(null, boxes.map(function (b) { return b.top; }));
    var bottom = Math.max.apply(null, boxes.map(function (b) { return b.bottom; }));
    var room = window.innerHeight - (bottom - top);
    if (atTop || room < 24) window.scrollBy({ top: top - 12, behavior: "instant" });
    else if (top < 12 || room - top < 12) window.scrollBy({ top: top - room / 2, behavior: "instant" });
  }
  function showRefusal(roots) {
    var root, reason;
    for (var i = 0; i < roots.length && !reason; i++) {
      root = roots[i];
      if (!root.isConnected || !root.querySelectorAll) continue;
      reason = (root.matches(REASONS) && shown(root)) ? root
        : Array.prototype.filter.call(root.querySelectorAll(REASONS), shown)[0];
    }
    if (!reason) return;
    // A field's error follows the field, which Django marks aria-invalid: centre both.
    var field = reason.matches(".errors") && Array.prototype.filter.call(
      root.querySelectorAll("[aria-invalid=true]:not([type=hidden])"),
      function (el) { return reason.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING; }
    ).pop();
    // Else what came back, whole if it fits (a dot's item), or the reason on top, its form
    // below. The problem banner sticks to the top: in view already.
    if (field) scrollToShow([field.closest("label") || field, reason], false);
    else if (reason.id !== "request-problem") {
      scrollToShow([root.getBoundingClientRect().height <= window.innerHeight - 24 ? root : reason], true);
      reason.setAttribute("tabindex", "-1");
    } else reason.setAttribute("tabindex", "-1");
    (field || reason).focus({ preventScroll: true });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (refused(event.detail.xhr)) refusedContent = [];
  });
  document.addEventListener("htmx:load", function (event) {
    if (refusedContent) refusedContent.push(event.detail.elt);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!refusedContent || !refused(event.detail.xhr)) return;
    var roots = refusedContent.concat([document.getElementById("request-problem")]);
    refusedContent = null;
    showRefusal(roots.filter(Boolean));
  });

  // A fragment that carries a version (data-version beside its id: the phase state, the
  // presenter's slide) is never replaced by an older one: a re-sync GET answered before a
  // live update can arrive after it, its socket and the request's being two connections.
  // The whole message or response is dropped; the newer one on show already holds it.
  var VERSIONED = /<[^<>]*?\bid="([\w-]+)"[^<>]*?\bdata-version="(\d+)"/g;
  function olderThanShown(html) {
    if (typeof html !== "string" || html.indexOf("data-version") < 0) return false;
    var match;
    VERSIONED.lastIndex = 0;
    while ((match = VERSIONED.exec(html))) {
      var shown = document.getElementById(match[1]);
      if (shown && shown.dataset.version && Number(match[2]) < Number(shown.dataset.version)) return true;
    }
    return false;
  }
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    if (olderThanShown(event.detail.message)) event.preventDefault();
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && olderThanShown(event.detail.xhr.responseText)) event.detail.shouldSwap = false;
  });

  // Tell people when the live connection drops; htmx's ws extension reconnects by itself
  // and the board re-fetches itself on every (re)open (hx-trigger="htmx:wsOpen").
  document.addEventListener("htmx:wsOpen", function () { document.body.dataset.live = "on"; });
  document.addEventListener("htmx:wsClose", function () { document.body.dataset.live = "off"; });

  // The Content-Security-Policy allows no style attribute and no inline script (see
  // config/settings.py): what differs per territory or per page comes as data attributes,
  // set here as CSS variables. And the board is the same HTML for everyone at a table:
  // my own post-its (data-participant on the phone's <body>) get their buttons here.
  var DRESSED = "[data-territory-color], [data-columns], .postit[data-author], .basket[data-side-a], .transaction[data-giver], .basket > .gauge[data-gauge], .transaction-controls";
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
      if (el.dataset.gauge !== undefined) markGauge(el);
      if (el.classList.contains("transaction-controls")) dressTransaction(el.parentElement);
    });
  }

  // Baskets: the same HTML for every screen. On a phone of one of the basket's two
  // sub-groups (data-subgroup on <body>), its transactions show our side's number to set:
  // the effort if we give, the value if we receive, with the one we set pressed.
  function ourBasket(basket) {
    var us = document.body.dataset.subgroup;
    return Boolean(us) && (basket.dataset.sideA === us || basket.dataset.sideB === us);
  }
  // A live gauge: its basket takes its class.
  function markGauge(gauge) {
    var basket = gauge.parentElement;
    basket.className = basket.className.replace(/\bgauge-\S+/g, "").trim() + " gauge-" + gauge.dataset.gauge;
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
  // and the baskets' grid when a post-it of the table came, changed or went (paniers:cells-changed).
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
      if (name === "htmx:oobAfterSwap" && target && /^(cell|postit)-/.test(target.id || "")) {
        document.body.dispatchEvent(new CustomEvent("paniers:cells-changed"));
      }
    });
  });

  // Phones fold the compose form once post-its are not the phase's main thing (as the
  // server renders it), unless something is typed in it; "Edit" unfolds it.
  document.body.addEventListener("paniers:phase-changed", function () {
    var box = document.getElementById("compose-box");
    var state = document.getElementById("phase-state");
    if (!box || !state) return;
    var text = box.querySelector("textarea");
    if (/^(postits)?$/.test((state.dataset.actions || "").trim())) box.open = true;
    else if (!text || (!text.value.trim() && document.activeElement !== text)) box.open = false;
  });
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    if (elt.id === "postit-form" && elt.classList.contains("editing") && elt.closest("details")) elt.closest("details").open = true;
  });
  // The table's warnings, folded on a phone: their count follows the live fragment.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var section = id && id.indexOf("table-warnings-") === 0 && document.getElementById(id);
    var box = section && section.closest(".warnings-box");
    if (!box) return;
    var count = section.querySelectorAll("li").length;
    box.hidden = count === 0;
    box.querySelector(".warnings-total").textContent = String(count);
  });

  // The console's tables refresh soon after the server says they changed
  // (hx-trigger="paniers:console-stale"): an htmx event filter would need eval.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "console-stale") {
      document.body.dispatchEvent(new CustomEvent("paniers:console-stale"));
    }
  });
})();
