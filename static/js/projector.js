// Every projector page: what it shows follows the console's choice (or the workshop's
// phase), and its keys choose a view (F, A, 1–9, J and the keys of registered views; ? shows
// them). No build step: plain ES2017. The board's own layout is board.js; paging, with its
// arrows and Space, is pager.js, shared by every view that pages.
(function () {
  "use strict";

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

  // The keyboard asks the server, as the console does: every screen and the console agree.
  function choose(view) {
    var main = live();
    if (!main || !main.dataset.viewUrl) return;
    window.Paniers.post(main.dataset.viewUrl, { view: view }).then(function (response) {
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

  // F, A, 1–9, J and the keys of registered views (B, P) choose what shows; ? shows the keys.
  // (Space, → and ← page the view on show: pager.js.)
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
    } else {
      return;
    }
    event.preventDefault();
  });
})();
