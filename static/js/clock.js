// The room's clock on every screen. No build step: plain ES2017.
//
// The server sends its state as data on #phase-state (see _phase_state.html): the
// deadline, or the time left when paused, and the server's own time when it rendered
// it. The gap between that and this device's clock when the state arrived is the
// offset; every countdown is computed from the deadline and that offset, so a phone
// whose clock is minutes off shows the same time as the projector.
(function () {
  "use strict";

  var received = new WeakMap(); // #phase-state element -> Date.now() when it arrived
  var arrival = null; // when a state last came off the wire, before htmx swapped it in
  var lastMode = null;

  var firstStamp = true;

  // The state rendered with the page arrived with the page's first byte, possibly long
  // before the scripts run on a heavy page. Measured on the monotonic clock and brought
  // back to Date's, so that a device whose Date is off stays consistent.
  function pageArrival() {
    var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (!nav || !nav.responseStart) return null;
    return Date.now() - (performance.now() - nav.responseStart);
  }

  function stamp() {
    var el = document.getElementById("phase-state");
    if (el && !received.has(el)) {
      received.set(el, arrival || (firstStamp && pageArrival()) || Date.now());
      arrival = null;
      firstStamp = false;
    }
    return el;
  }

  function number(value) {
    return value === undefined || value === "" ? null : Number(value);
  }

  function readState() {
    var el = stamp();
    if (!el) return null;
    var data = el.dataset;
    var serverNow = Date.now() + (Number(data.serverNow) - received.get(el));
    var paused = number(data.pausedRemaining);
    var deadline = number(data.deadline);
    return {
      status: data.status,
      hasPhase: data.phase !== "",
      actions: (data.actions || "").split(" ").filter(Boolean),
      paused: paused !== null,
      remaining: paused !== null ? paused : deadline !== null ? deadline - serverNow : null,
      grace: Number(data.grace) || 0,
    };
  }

  // Same rule as the server's gate (workshops/gate.py): open in this phase, until the
  // grace period after the deadline has run out.
  function isOpen(state, action) {
    return Boolean(state) && state.status === "open" && state.actions.indexOf(action) >= 0 &&
      state.remaining !== null && state.remaining >= -state.grace;
  }

  function modeOf(state) {
    if (!state) return "waiting";
    if (state.status === "closed") return "closed";
    if (state.status !== "open") return "preparing";
    if (!state.hasPhase || state.remaining === null) return "waiting";
    if (state.paused) return "paused";
    if (state.remaining > 0) return "running";
    if (state.actions.length && state.remaining >= -state.grace) return "grace";
    return "over";
  }

  // The clock ticks four times a second on every screen: it writes only what changed, so
  // that a tick that changes nothing costs the page no style, layout or paint.
  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function format(ms, signed) {
    var negative = ms < 0;
    var seconds = Math.ceil(Math.abs(ms) / 1000);
    if (negative && !signed) seconds = 0;
    var text = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    return negative && signed && seconds ? "−" + text : text;
  }

  function closedReason(state, action) {
    if (!state || state.status === "closed") return "closed";
    if (state.status !== "open" || !state.hasPhase) return "waiting";
    if (state.actions.indexOf(action) < 0) return "phase";
    return "time";
  }

  // Forms marked data-needs="<action>" go read-only when their action closes: the text
  // stays where it is, and a message says why.
  function applyGates(state) {
    document.querySelectorAll("[data-needs]").forEach(function (form) {
      var action = form.dataset.needs;
      var open = isOpen(state, action);
      form.classList.toggle("gated", !open);
      form.querySelectorAll("textarea").forEach(function (el) { if (el.readOnly === open) el.readOnly = !open; });
      form.querySelectorAll("button[type=submit]").forEach(function (el) { if (el.disabled === open) el.disabled = !open; });
      var message = form.querySelector(".gate-message");
      if (message) {
        if (message.hidden !== open) message.hidden = open;
        if (!open) setText(message, message.dataset[closedReason(state, action)] || "");
      }
    });
    document.body.classList.toggle("postits-closed", !isOpen(state, "postits"));
  }

  // The time-up signal (a flash, and a beep where audio is allowed): on by default on
  // the projector and the console, off on phones; each kind of page remembers its own.
  function signalKey() {
    return "paniers-signal-" + document.body.className.split(" ")[0];
  }
  function signalOn() {
    var toggle = document.querySelector("[data-sound-toggle]");
    if (!toggle) return false;
    var stored = localStorage.getItem(signalKey());
    return (stored || toggle.dataset.soundDefault) === "on";
  }

  var audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35, 0.7].forEach(function (at) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.setValueAtTime(0.25, audio.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.3);
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + at);
        tone.stop(audio.currentTime + at + 0.3);
      });
    } catch (error) { /* no audio on this device: the visual cue is enough */ }
  }

  function cue() {
    if (!signalOn()) return;
    document.body.classList.add("time-up-cue");
    setTimeout(function () { document.body.classList.remove("time-up-cue"); }, 10000);
    beep();
  }

  function update() {
    var state = readState();
    var mode = modeOf(state);
    document.querySelectorAll(".phase-bar").forEach(function (bar) {
      if (bar.dataset.clock !== mode) bar.dataset.clock = mode;
    });
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      setText(el, state && state.remaining !== null
        ? format(state.remaining, el.dataset.countdown === "signed") : "--:--");
    });
    document.querySelectorAll("[data-grace-countdown]").forEach(function (el) {
      setText(el, state && state.remaining !== null ? format(state.remaining + state.grace) : "");
    });
    var phase = document.getElementById("phase-state");
    document.querySelectorAll("[data-phase-id]").forEach(function (el) {
      el.classList.toggle("current", Boolean(phase) && el.dataset.phaseId === phase.dataset.phase);
    });
    document.querySelectorAll("[data-current-phase]").forEach(function (input) {
      var current = phase ? phase.dataset.phase : "";
      if (input.value !== current) input.value = current;
    });
    applyGates(state);
    if (lastMode === "running" && (mode === "grace" || mode === "over")) cue();
    lastMode = mode;
  }

  // The offset is measured against the moment a state arrives, not when it is swapped
  // in: on a busy page the swap and its settling can take a few hundred milliseconds. A
  // state older than the one on show was dropped by paniers.js, whose listeners run
  // first (it is loaded before this file), and changes nothing here.
  function carriesState(html) {
    return typeof html === "string" && html.indexOf('id="phase-state"') >= 0;
  }
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    if (!event.defaultPrevented && carriesState(event.detail.message)) arrival = Date.now();
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.shouldSwap && xhr && carriesState(xhr.responseText)) arrival = Date.now();
  });
  ["htmx:wsAfterMessage", "htmx:afterSwap", "htmx:oobAfterSwap", "htmx:load"].forEach(function (name) {
    document.addEventListener(name, update);
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-sound-toggle]");
    if (!toggle) return;
    localStorage.setItem(signalKey(), signalOn() ? "off" : "on");
    toggle.setAttribute("aria-pressed", String(signalOn()));
    if (signalOn()) beep(); // a click unlocks audio, and lets people hear what it sounds like
  });

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-sound-toggle]");
    if (toggle) toggle.setAttribute("aria-pressed", String(signalOn()));
    update();
    setInterval(update, 250);
  });

  window.paniersClock = { read: readState, mode: function () { return modeOf(readState()); } };
})();
