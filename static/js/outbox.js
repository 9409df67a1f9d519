// Writes made with no network wait on the phone, and leave when it comes back.
// Plain ES2017, no build step. The list (#outbox, phone.html) says what is waiting.
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
  var LABEL_LIMIT = 80;

  function list() { return document.getElementById("outbox"); }

  function storageKey(box) {
    return "paniers:outbox:" + box.dataset.workshop + ":" + document.body.dataset.participant;
  }

  function load(box) {
    try {
      var items = JSON.parse(window.localStorage.getItem(storageKey(box)) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }

  function save(box, items) {
    try {
      if (items.length) window.localStorage.setItem(storageKey(box), JSON.stringify(items));
      else window.localStorage.removeItem(storageKey(box));
    } catch (error) {
      // Storage full or refused (private mode): the list on screen still holds the text.
    }
    render(box, items);
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // Drawn with textContent only: what people typed is never parsed as HTML.
  function render(box, items) {
    var ul = box.querySelector(".outbox-items");
    ul.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "outbox-item outbox-" + item.kind;
      li.dataset.state = item.state;
      li.dataset.clientId = item.client_id;
      var kind = document.createElement("span");
      kind.className = "outbox-kind";
      kind.textContent = box.dataset["kind" + item.kind.charAt(0).toUpperCase() + item.kind.slice(1)] || item.kind;
      var text = document.createElement("p");
      text.className = "outbox-text";
      text.dir = "auto";
      text.textContent = item.text;
      var status = document.createElement("p");
      status.className = "outbox-status";
      status.textContent = item.state === "refused"
        ? box.dataset.refused.replace("{reason}", item.reason || box.dataset.refusedReason)
        : box.dataset.waiting;
      li.append(kind, text, status);
      if (item.state === "refused") {
        // A stale save would be refused again as it is: only putting it back makes sense.
        if (!item.stale) li.append(button("retry", box.dataset.retry));
        li.append(button("put-back", box.dataset.putBack));
      }
      ul.append(li);
    });
    box.hidden = items.length === 0;
  }

  function button(action, label) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "link";
    el.dataset.outboxAction = action;
    el.textContent = label;
    return el;
  }

  function composeForm() {
    var form = document.getElementById("postit-form");
    return form && !form.classList.contains("editing") ? form : null;
  }

  function snapshot(form) {
    var data = new FormData(form);
    return {
      client_id: data.get("client_id") || newClientId(),
      kind: data.get("kind") || "offer",
      text: data.get("text") || "",
      theme: data.get("theme") || "",
      csrf: data.get("csrfmiddlewaretoken") || "",
      state: "waiting",
    };
  }

  // The write moves from the form to the list; the form gets an id of its own for the next one.
  function enqueue(form, item) {
    var box = list();
    if (!box || !item.text.trim()) return false;
    var items = load(box);
    if (!items.some(function (queued) { return queued.client_id === item.client_id; })) items.push(item);
    save(box, items);
    var textarea = form.querySelector("textarea[name=text]");
    if (textarea && textarea.value === item.text) {
      textarea.value = "";
      textarea.dispatchEvent(new Event("input", { bubbles: true }));  // the counter follows
    }
    var id = form.querySelector("input[name=client_id]");
    if (id && id.value === item.client_id) id.value = newClientId();
    return true;
  }

  function waiting(box) {
    return load(box).some(function (item) { return item.state === "waiting"; });
  }

  // Forms that opt in (data-outbox) ------------------------------------------------

  function optedIn(elt) {
    return elt && elt.matches && elt.matches("form[data-outbox]") ? elt : null;
  }

  function idField(form) {
    return form.querySelector("input[name$=client_id]");
  }

  // What a field shows: a ticked choice's label, a select's option, a text as typed.
  function shown(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name || el.name.slice(-name.length - 1) === "-" + name;
    }).map(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (!el.checked) return "";
        var label = el.closest("label") || (el.id && form.querySelector("label[for='" + el.id + "']"));
        return label ? label.textContent : el.value;
      }
      if (el.tagName === "SELECT") return el.selectedIndex >= 0 ? el.options[el.selectedIndex].text : "";
      return el.value;
    }).filter(Boolean).join(", ");
  }

  // data-outbox-label="{offer}{new_offer_text}": each {name} replaced by what it shows.
  function summary(form) {
    var text = (form.dataset.outboxLabel || "").replace(/\{([\w-]+)\}/g, function (_match, name) {
      return shown(form, name);
    }).replace(/\s+/g, " ").trim();
    return text.length > LABEL_LIMIT ? text.slice(0, LABEL_LIMIT - 1).trim() + "…" : text;
  }

  function snapshotForm(form) {
    var data = new FormData(form);
    var fields = [];
    data.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    var id = idField(form);
    return {
      client_id: (id && id.value) || newClientId(),
      kind: form.dataset.outbox,
      form: form.id,
      action: form.getAttribute("action"),
      open: form.dataset.outboxOpen || "",
      slot: form.dataset.outboxSlot || "",
      target: form.getAttribute("hx-target") || "",
      swap: form.getAttribute("hx-swap") || "innerHTML",
      fields: fields,
      text: summary(form),
      csrf: data.get("csrfmiddlewaretoken") || "",
      state: "waiting",
    };
  }

  // A short note in the form itself: the list may be a screen away from it.
  function noteQueued(form, box) {
    var note = form.querySelector(".outbox-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "outbox-note";
      note.setAttribute("role", "status");
      var heading = form.querySelector("h3");
      if (heading) heading.after(note);
      else form.prepend(note);
    }
    note.textContent = box.dataset.queued;
  }

  function enqueueForm(form, item) {
    var box = list();
    if (!box) return false;
    var replaces = form.hasAttribute("data-outbox-replace");
    // A later save of the same whole form (conditions) replaces the one still waiting.
    var items = load(box).filter(function (queued) {
      return !(replaces && queued.state === "waiting" && queued.action === item.action && queued.client_id !== item.client_id);
    });
    if (!items.some(function (queued) { return queued.client_id === item.client_id; })) items.push(item);
    save(box, items);
    var id = idField(form);
    if (id && id.value === item.client_id) id.value = newClientId();
    if (!form.hasAttribute("data-outbox-keep")) {
      form.reset();  // hidden fields keep their value, the fresh client_id too
      form.querySelectorAll("textarea, input[type=text]").forEach(function (el) {
        el.dispatchEvent(new Event("input", { bubbles: true }));  // counters follow
      });
    }
    noteQueued(form, box);
    return true;
  }

  // Back into its form: the choices ticked, the texts typed. Hidden fields (version,
  // client_id, giver, question) stay the form's own, so the form sends as drawn now.
  function fill(form, item) {
    var values = {};
    item.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    var first = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") return;
      var sent = values[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = sent.indexOf(el.value) >= 0;
        return;
      }
      if (!sent.length) return;
      el.value = sent[0];
      el.dispatchEvent(new Event("input", { bubbles: true }));
      if (!first && el.tagName === "TEXTAREA") first = el;
    });
    var note = form.querySelector(".outbox-note");
    if (note) note.remove();
    form.scrollIntoView({ block: "start" });
    if (first) first.focus();
  }

  function putBackForm(box, item) {
    var form = item.form && document.getElementById(item.form);
    // Overtaken (stale): into a form drawn again, from the version saved meanwhile.
    if (form && form.dataset.outbox === item.kind && !(item.stale && item.open)) {
      fill(form, item);
      update(box, item.client_id, null);
      return;
    }
    // Its form is not open: open it as the slot would, then fill it.
    if (!item.open || !item.slot || !window.htmx) return;
    window.htmx.ajax("GET", item.open, { target: item.slot, swap: "innerHTML" }).then(function () {
      var opened = document.getElementById(item.form);
      if (!opened || opened.dataset.outbox !== item.kind) return;
      fill(opened, item);
      update(box, item.client_id, null);
    });
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

  function update(box, clientId, change) {
    var items = load(box);
    var next = [];
    items.forEach(function (item) {
      if (item.client_id !== clientId) next.push(item);
      else if (change) next.push(Object.assign(item, change));
    });
    save(box, next);
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
    if (item && item.fields) {
      putBackForm(box, item);
      return;
    }
    var form = composeForm();
    if (!form || !item) return;
    var textarea = form.querySelector("textarea[name=text]");
    textarea.value = textarea.value.trim() ? textarea.value + "\n" + item.text : item.text;
    var kind = form.querySelector("input[name=kind][value=" + item.kind + "]");
    if (kind) kind.checked = true;
    var theme = form.querySelector("select[name=theme]");
    if (theme && item.theme) theme.value = item.theme;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    update(box, clientId, null);
    textarea.focus();
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
    if (box && event.key === storageKey(box)) render(box, load(box));
  });
})();
