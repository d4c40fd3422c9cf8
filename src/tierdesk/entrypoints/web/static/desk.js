// tierdesk: live SLA countdowns, HTMX error messages and the macro picker. No build step.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function describe(ms) {
    var late = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var text = d ? d + "d " + h + "h" : h + "h " + pad(m) + "m" + (h ? "" : " " + pad(s % 60) + "s");
    return late ? text + " late" : "in " + text;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = due - now;
      el.textContent = describe(left);
      el.classList.toggle("late", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 3600 * 1000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", tick);
    document.body.addEventListener("htmx:responseError", function (e) {
      var flash = document.getElementById("flash");
      if (flash) { flash.textContent = e.detail.xhr.responseText || "Something went wrong."; flash.focus(); }
    });
    document.body.addEventListener("change", function (e) {
      var picker = e.target.closest("[data-macro-target]");
      if (!picker || !picker.value) return;
      var target = document.getElementById(picker.getAttribute("data-macro-target"));
      var option = picker.selectedOptions[0];
      target.value = (target.value ? target.value + "\n\n" : "") + option.getAttribute("data-body");
      var kind = document.querySelector("[name=kind][value=" + option.getAttribute("data-kind") + "]");
      if (kind) kind.checked = true;
      picker.value = "";
      target.focus();
    });
    document.body.addEventListener("click", function (e) {
      var opener = e.target.closest("[data-open-dialog]");
      if (opener) { document.getElementById(opener.getAttribute("data-open-dialog")).showModal(); }
      var closer = e.target.closest("[data-close-dialog]");
      if (closer) { closer.closest("dialog").close(); }
    });
  });
})();
