// The phone's outbox, its forms: a write taken from its form into the queue (the post-it
// compose form, #postit-form, and any form with data-outbox="<kind>": its fields kept as
// they were sent), and put back into its form when asked. outbox_queue.js keeps the queue,
// outbox.js sends it. Plain ES2017, no build step: adds to Paniers.Outbox.
(function () {
  "use strict";

  var O = window.Paniers.Outbox;
  var list = O.list, load = O.load, save = O.save, update = O.update, newClientId = O.newClientId;
  var LABEL_LIMIT = 80;

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

  // A post-it back into the compose form, after what is typed there: nothing is lost.
  function putBackPostit(box, item) {
    var form = composeForm();
    if (!form) return;
    var textarea = form.querySelector("textarea[name=text]");
    textarea.value = textarea.value.trim() ? textarea.value + "\n" + item.text : item.text;
    var kind = form.querySelector("input[name=kind][value=" + item.kind + "]");
    if (kind) kind.checked = true;
    var theme = form.querySelector("select[name=theme]");
    if (theme && item.theme) theme.value = item.theme;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    update(box, item.client_id, null);
    textarea.focus();
  }

  Object.assign(O, {
    composeForm: composeForm, snapshot: snapshot, enqueue: enqueue, optedIn: optedIn,
    snapshotForm: snapshotForm, enqueueForm: enqueueForm, putBackForm: putBackForm, putBackPostit: putBackPostit,
  });
})();
