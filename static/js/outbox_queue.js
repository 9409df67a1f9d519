// The phone's outbox, its queue: the writes waiting, kept in localStorage (one list per
// workshop and participant, so a closed page loses nothing), and the list (#outbox,
// phone.html) that shows them. outbox_forms.js puts writes in, outbox.js sends them.
// Plain ES2017, no build step: Paniers.Outbox.
(function () {
  "use strict";

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


  function update(box, clientId, change) {
    var items = load(box);
    var next = [];
    items.forEach(function (item) {
      if (item.client_id !== clientId) next.push(item);
      else if (change) next.push(Object.assign(item, change));
    });
    save(box, next);
  }

  function waiting(box) {
    return load(box).some(function (item) { return item.state === "waiting"; });
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
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

  window.Paniers = window.Paniers || {};
  window.Paniers.Outbox = {
    list: list, storageKey: storageKey, load: load, save: save, update: update, waiting: waiting,
    newClientId: newClientId, render: render,
  };
})();
