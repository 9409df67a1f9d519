// The presenter's keys: → / PageDown / Space next slide, ← / PageUp previous, Home the
// first. The slide is the server's: a POST moves it for every screen, and the new slide
// comes back through the screens' socket like any live fragment.
(function () {
  "use strict";

  var KEYS = { ArrowRight: "next", PageDown: "next", " ": "next", ArrowLeft: "prev", PageUp: "prev", Home: "first" };

  function csrf() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (error) { return ""; }
  }

  document.addEventListener("keydown", function (event) {
    var presenter = document.getElementById("presenter");
    var to = KEYS[event.key];
    if (!presenter || !to || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) return;
    event.preventDefault();
    var body = new URLSearchParams();
    body.append("to", to);
    fetch(presenter.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "HX-Request": "true" }
    });
  });
})();
