// Writes made with no network wait on the phone, and leave when it comes back: this file
// sends them. Plain ES2017, no build step. The queue and its list (#outbox, phone.html) are
// outbox_queue.js; taking a write from its form, and putting it back, outbox_forms.js.
// Post-its have their own compose form (#postit-form); any other form opts in with
// data-outbox="<kind>" (a transaction, a basket's conditions, a feedback answer): its
// fields are kept as they were sent and posted again to its action.
//
// Each queued write keeps its own client_id: sent twice (an answer lost on the way
// back, two tabs flushing at once), the server answers it as saved and writes it once.
(function () {
  "use strict";

  var SENT = 200;
  var flushing = false;
  var flushAgain = false;
  var sentSinceSync = false;
  var panelsSinceSync = false;
  var snapshots = new WeakMap();  // xhr -> the write it carries, in case it fails

  var O = window.Paniers.Outbox;
  var list = O.list, load = O.load, update = O.update, waiting = O.waiting, render = O.render;
  var composeForm = O.composeForm, snapshot = O.snapshot, enqueue = O.enqueue;
  var optedIn = O.optedIn, snapshotForm = O.snapshotForm, enqueueForm = O.enqueueForm;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // Offline, or with older writes still waiting (they leave first, in order): queue it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var box = list();
    var generic = optedIn(event.detail.elt);
    if (generic && box) {
      var entry = snapshotForm(generic);
      if (navigator.onLine === false || waiting(box)) {
        event.preventDefault();
        enqueueForm(generic, entry);
        flush();
        return;
      }
      if (event.detail.xhr) snapshots.set(event.detail.xhr, { form: generic, item: entry, generic: true });
      return;
    }
    var form = composeForm();
    if (!form || !box || event.detail.elt !== form) return;
    var item = snapshot(form);
    if (!item.text.trim()) return;
    if (navigator.onLine === false || waiting(box)) {
      event.preventDefault();
      enqueue(form, item);
      flush();
      return;
    }
    if (event.detail.xhr) snapshots.set(event.detail.xhr, { form: form, item: item, generic: false });
  });

  // Sent, but no answer came (the network dropped): it may or may not have arrived, and
  // its client_id makes sending it again safe. Refusals (409, 422, 429) are not queued:
  // the form comes back from the server with its text and the reason.
  document.addEventListener("htmx:sendError", function (event) {
    var sent = event.detail.xhr && snapshots.get(event.detail.xhr);
    if (!sent) return;
    var queued = sent.generic
      ? document.body.contains(sent.form) && enqueueForm(sent.form, sent.item)
      : composeForm() === sent.form && enqueue(sent.form, sent.item);
    if (queued) {
      var banner = document.getElementById("request-problem");
      if (banner) banner.hidden = true;  // the list says it better: it will leave by itself
    }
  });

  function refusalReason(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var said = doc.querySelector("#postit-form .errors, #postit-form .errorlist, #postit-form .gate-message:not([hidden])");
    return said ? said.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // The form comes back with why: someone saved meanwhile (the stale notice's first
  // line), an error under a field, or the phase's gate message.
  function formRefusal(item, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var root = (item.form && doc.getElementById(item.form)) || doc;
    var stale = root.querySelector(".stale-edit p");
    if (stale) return { reason: stale.textContent.replace(/\s+/g, " ").trim(), stale: true };
    var said = Array.prototype.filter.call(
      root.querySelectorAll(".errors, .errorlist, .gate-message:not([hidden])"),
      function (el) { return el.textContent.trim(); }
    )[0];
    return { reason: said ? said.textContent.replace(/\s+/g, " ").trim() : "", stale: false };
  }

  function sendForm(item) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.set("csrfmiddlewaretoken", csrfToken() || item.csrf);
    return window.fetch(item.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() || item.csrf },
    });
  }

  // Sent: the form it left says so no more. A form kept as it was (conditions, in a slot
  // the panels' refresh preserves) takes the server's answer, as if sent online, so
  // its next save starts from the version just written.
  function showSaved(item, html) {
    var form = item.form && document.getElementById(item.form);
    var note = form && form.dataset.outbox === item.kind && form.querySelector(".outbox-note");
    if (!note) return;
    note.remove();
    var target = item.target && document.querySelector(item.target);
    if (form.hasAttribute("data-outbox-keep") && target && window.htmx && window.htmx.swap) {
      window.htmx.swap(target, html, { swapStyle: item.swap });
    }
  }

  function send(box, item) {
    if (item.fields) return sendForm(item);
    var body = new URLSearchParams();
    body.set("csrfmiddlewaretoken", csrfToken() || item.csrf);
    body.set("client_id", item.client_id);
    body.set("kind", item.kind);
    body.set("text", item.text);
    body.set("theme", item.theme);
    return window.fetch(box.dataset.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",  // a redirect (to the join page) is not "saved"
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() || item.csrf },
    });
  }

  // One at a time, in order. Saved: it leaves the list (the live cell or the board
  // fetched on open shows it). Refused: it stays, marked, with the server's reason.
  // No network or a server in trouble: it stays waiting for the next open.
  function flush() {
    var box = list();
    if (!box) return;
    if (flushing) { flushAgain = true; return; }
    var item = load(box).filter(function (queued) { return queued.state === "waiting"; })[0];
    if (!item || navigator.onLine === false) {
      resync();
      return;
    }
    flushing = true;
    send(box, item).then(function (response) {
      if (response.status === SENT && response.type !== "opaqueredirect") {
        update(box, item.client_id, null);
        if (!item.fields) {
          sentSinceSync = true;
          return true;
        }
        panelsSinceSync = true;
        return response.text().then(function (html) { showSaved(item, html); return true; });
      }
      if (response.status >= 500) return false;
      return response.text().then(function (html) {
        var refusal = item.fields ? formRefusal(item, html) : { reason: refusalReason(html), stale: false };
        update(box, item.client_id, { state: "refused", reason: refusal.reason, stale: refusal.stale });
        return true;
      });
    }, function () { return false; }).then(function (goOn) {
      flushing = false;
      var again = flushAgain;
      flushAgain = false;
      if (goOn || again) flush();
      else resync();
    });
  }

  // The board fetched when the socket opened may have been drawn before these writes
  // committed, and land after their live cells: once the list is sent, fetch it again
  // (#board listens for paniers:outbox-sent, phone.html).
  // The same for the panels (#phone-panels, paniers:outbox-sent-panels): the baskets,
  // the conditions and the answers drawn as they are now, the queued forms closed.
  function resync() {
    if (sentSinceSync) {
      sentSinceSync = false;
      document.body.dispatchEvent(new CustomEvent("paniers:outbox-sent"));
    }
    if (panelsSinceSync) {
      panelsSinceSync = false;
      document.body.dispatchEvent(new CustomEvent("paniers:outbox-sent-panels"));
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-outbox-action]");
    var box = list();
    if (!target || !box || event.defaultPrevented) return;
    var clientId = target.closest(".outbox-item").dataset.clientId;
    if (target.dataset.outboxAction === "retry") {
      update(box, clientId, { state: "waiting", reason: "" });
      flush();
      return;
    }
    // Back into the form, to change it or send it as a new write; nothing typed there is lost.
    var item = load(box).filter(function (queued) { return queued.client_id === clientId; })[0];
    if (item && item.fields) O.putBackForm(box, item);
    else if (item) O.putBackPostit(box, item);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = list();
    if (!box) return;
    render(box, load(box));
    flush();
  });
  document.addEventListener("htmx:wsOpen", flush);
  window.addEventListener("online", flush);
  // Another tab of the same phone changed the list.
  window.addEventListener("storage", function (event) {
    var box = list();
    if (box && event.key === O.storageKey(box)) render(box, load(box));
  });
})();
