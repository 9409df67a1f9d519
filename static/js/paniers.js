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

  // A post-it added to a cell (workshops/broadcast.py, broadcast_postit) replaces any copy
  // already on the page: a message that arrives after the board was fetched again, or a
  // post-it that changed kind and leaves its other cell. Messages stay idempotent.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.querySelectorAll) return;
    fragment.querySelectorAll(".postit[id]").forEach(function (postit) {
      var copy = document.getElementById(postit.id);
      if (copy && copy !== event.detail.target) copy.remove();
    });
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

  // The console's tables refresh soon after the server says they changed
  // (hx-trigger="paniers:console-stale"): an htmx event filter would need eval.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "console-stale") {
      document.body.dispatchEvent(new CustomEvent("paniers:console-stale"));
    }
  });
})();
