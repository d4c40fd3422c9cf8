// tierdesk: live SLA countdowns, form errors next to their fields, the macro picker, dialogs,
// the escalate form's required fields, the phone-size menu and panels, and one key for a form
// sent twice. No build step.
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
  // A form sent by HTMX that the desk refused: the message goes next to the field it is about
  // (the server names the fields in X-Desk-Fields), or at the top of the form when it is about
  // none of them. Nothing is swapped, so what was typed stays where it was.
  var errorCount = 0;
  function clearErrors(form) {
    // The message may sit outside the form, next to a field tied to it by form="…".
    if (form.deskError) { form.deskError.remove(); form.deskError = null; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.hasAttribute("data-described")) return;
      var before = el.getAttribute("data-described");
      if (before) { el.setAttribute("aria-describedby", before); } else { el.removeAttribute("aria-describedby"); }
      el.removeAttribute("data-described");
      el.removeAttribute("aria-invalid");
    });
  }
  function fieldsNamed(form, names) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (el.type === "hidden" || el.tagName === "BUTTON" || el.tagName === "FIELDSET") return false;
      var aliases = (el.getAttribute("data-error-field") || "").split(" ");
      return names.some(function (n) { return n && (el.name === n || aliases.indexOf(n) >= 0); });
    });
  }
  function showError(source, text, names) {
    var form = source && (source.tagName === "FORM" ? source : source.closest("form"));
    if (!form) {
      var flash = document.getElementById("flash");
      if (flash) { flash.textContent = text; flash.focus(); }
      return;
    }
    clearErrors(form);
    var message = document.createElement("p");
    message.className = "error form-error";
    message.id = "form-error-" + (++errorCount);
    message.setAttribute("role", "alert");
    message.textContent = text;
    form.deskError = message;
    var fields = fieldsNamed(form, names);
    if (!fields.length) {
      message.tabIndex = -1;
      form.insertBefore(message, form.firstChild);
      message.focus();
      return;
    }
    fields.forEach(function (el) {
      var described = el.getAttribute("aria-describedby") || "";
      el.setAttribute("data-described", described);
      el.setAttribute("aria-describedby", (described + " " + message.id).trim());
      el.setAttribute("aria-invalid", "true");
    });
    var first = fields[0];
    var box = first.type === "radio" || first.type === "checkbox" ? first.closest("fieldset") : null;
    if (box) { box.appendChild(message); } else { first.insertAdjacentElement("afterend", message); }
    first.focus();
  }
  // The escalate form: the packet parts the chosen level requires are required fields.
  function markRequired(select) {
    var wanted = (select.selectedOptions[0].getAttribute("data-requires") || "").split(" ");
    select.form.querySelectorAll("[data-packet-field]").forEach(function (el) {
      var on = wanted.indexOf(el.getAttribute("data-packet-field")) >= 0;
      el.required = on;
      var mark = select.form.querySelector('label[for="' + el.id + '"] .required-mark');
      if (mark) mark.hidden = !on;
    });
  }
  // Phone: the header menu starts closed behind its button, and the ticket page's side panels
  // start folded so the clocks and the thread are in the first screen.
  function fitPhone() {
    var phone = window.matchMedia("(max-width: 700px)").matches;
    document.querySelectorAll(".menu-toggle").forEach(function (button) {
      button.hidden = false;
      button.setAttribute("aria-expanded", phone ? "false" : "true");
    });
    if (window.matchMedia("(max-width: 900px)").matches) {
      // Folded on a narrow screen, but for the one the address points into (#time after time
      // was logged): what was just changed stays in view.
      var target = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
      document.querySelectorAll("details[data-fold]").forEach(function (d) {
        d.open = !!target && d.contains(target);
      });
    }
  }
  // Back after sending, then Send again: the page comes again from the server (no-store) with
  // a fresh one-time key while the browser puts the typed text back. The same text sent again
  // from the same form within a few minutes is the same request, so it keeps the first key and
  // the desk answers with what the first one did (one ticket, one reply). Not for a form
  // marked data-key-per-form, whose same values sent twice may well be meant (time logged).
  var SAME_SEND_MS = 10 * 60 * 1000;
  function keepFormKey(e) {
    var form = e.target, key = form.querySelector && form.querySelector("input[name=form_key]");
    if (!key || !window.sessionStorage || form.hasAttribute("data-key-per-form")) return;
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "form_key" && name !== "csrf_token") parts.push(name + "=" + value);
    });
    var slot = "tierdesk.sent " + form.getAttribute("action"), sent = null, now = Date.now();
    try { sent = JSON.parse(sessionStorage.getItem(slot) || "null"); } catch (err) { sent = null; }
    if (sent && sent.what === parts.join("&") && now - sent.at < SAME_SEND_MS) {
      key.value = sent.key;
    } else {
      try { sessionStorage.setItem(slot, JSON.stringify({ what: parts.join("&"), key: key.value, at: now })); } catch (err) { /* full or off: no memory */ }
    }
  }
  document.addEventListener("submit", keepFormKey, true);
  document.addEventListener("DOMContentLoaded", function () {
    fitPhone();
    tick();
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", tick);
    document.body.addEventListener("htmx:beforeRequest", function (e) {
      if (e.detail.elt.tagName === "FORM") clearErrors(e.detail.elt);
    });
    // The portal gives its own words for what breaks (data-said-*, in the customer's language).
    var said = document.body.dataset;
    document.body.addEventListener("htmx:responseError", function (e) {
      var xhr = e.detail.xhr, fields = (xhr.getResponseHeader("X-Desk-Fields") || "").split(",");
      var text = xhr.responseText || "Something went wrong.";
      if (xhr.status >= 500 && said.saidServer) {
        var id = xhr.getResponseHeader("X-Request-ID");
        text = said.saidServer + (id ? " (" + id + ")" : "");
      }
      showError(e.detail.elt, text, fields);
    });
    document.body.addEventListener("htmx:sendError", function (e) {
      showError(e.detail.elt, said.saidUnreachable || "The desk could not be reached. Nothing was sent; try again.", []);
    });
    document.body.addEventListener("change", function (e) {
      if (e.target.matches("select[data-required-by]")) markRequired(e.target);
    });
    // The rule builder: a row's value box suggests the chosen field's (or action's) values,
    // and the operator list offers what that field takes.
    document.body.addEventListener("change", function (e) {
      var chosen = e.target.matches("select[data-rule-field]") ? "rv-" :
        e.target.matches("select[data-rule-action]") ? "av-" : null;
      if (!chosen) return;
      var row = e.target.closest("[data-rule-row]");
      var value = row.querySelector("input[name=c_value], input[name=a_value]");
      var list = document.getElementById(chosen + e.target.value);
      if (list) { value.setAttribute("list", list.id); } else { value.removeAttribute("list"); }
      var op = row.querySelector("select[name=c_op]");
      if (!op) return;
      var ops = (e.target.selectedOptions[0].getAttribute("data-ops") || "").split(" ");
      Array.prototype.forEach.call(op.options, function (o) { o.hidden = ops[0] !== "" && ops.indexOf(o.value) < 0; });
      if (op.selectedOptions[0].hidden) op.value = ops[0];
    });
    document.body.addEventListener("change", function (e) {
      var picker = e.target.closest("[data-macro-target]");
      if (!picker || !picker.value) return;
      var target = document.getElementById(picker.getAttribute("data-macro-target"));
      var option = picker.selectedOptions[0];
      target.value = (target.value ? target.value + "\n\n" : "") + option.getAttribute("data-body");
      var kind = document.querySelector("[name=kind][value=" + option.getAttribute("data-kind") + "]");
      if (kind) kind.checked = true;
      // A macro that changes fields: sent with the reply (the last one chosen), and said.
      var actions = option.getAttribute("data-actions");
      var chosen = document.getElementById("composer-macro");
      var note = document.getElementById("composer-macro-note");
      if (chosen && actions) {
        chosen.value = picker.value;
        if (note) { note.textContent = "On sending: " + actions; note.hidden = false; }
      }
      picker.value = "";
      target.focus();
    });
    // The header's menus (<details>): one open at a time, closed by a click elsewhere or by
    // Escape, which hands the focus back to the menu's own summary.
    document.addEventListener("click", function (e) {
      document.querySelectorAll("details.top-menu[open]").forEach(function (menu) {
        if (!menu.contains(e.target)) menu.open = false;
      });
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      document.querySelectorAll("details.top-menu[open]").forEach(function (menu) {
        menu.open = false;
        if (menu.contains(document.activeElement)) menu.querySelector("summary").focus();
      });
    });
    document.body.addEventListener("click", function (e) {
      var toggle = e.target.closest(".menu-toggle");
      if (toggle) {
        toggle.setAttribute("aria-expanded", toggle.getAttribute("aria-expanded") === "true" ? "false" : "true");
      }
      var opener = e.target.closest("[data-open-dialog]");
      if (opener) { document.getElementById(opener.getAttribute("data-open-dialog")).showModal(); }
      var closer = e.target.closest("[data-close-dialog]");
      if (closer) { closer.closest("dialog").close(); }
    });
  });
})();
