// tierdesk: live updates. One EventSource per workspace page (/live/events, pages/live.py);
// what it hears becomes htmx events on <body> that the page's elements listen for:
//   live-refresh       the queue's rows come again with the same filters (_queue_rows.html)
//   live-notification  the header's bell reloads its count (_bell.html)
// and, on a ticket page, a heartbeat says who else is on the ticket and whether they type.
(function () {
  "use strict";
  // Typing lasts longer than a heartbeat, so every colleague's page sees it at least once.
  var HEARTBEAT_MS = 10000, TYPING_IDLE_MS = 20000, RETRY_CLOSED_MS = 30000;

  function fire(name, detail) { htmx.trigger(document.body, name, detail || {}); }

  // -- the stream -------------------------------------------------------------------------
  function connect(url, onTicket) {
    var source = new EventSource(url), opened = false;
    source.addEventListener("hello", function () {
      // After a reconnect, what happened while away is not replayed: refresh once.
      if (opened) { onTicket({}); fire("live-notification"); }
      opened = true;
      document.body.setAttribute("data-live-state", "open");
    });
    source.addEventListener("ticket", function (e) { onTicket(JSON.parse(e.data)); });
    source.addEventListener("notification", function () { fire("live-notification"); });
    source.addEventListener("reload", function () { onTicket({}); fire("live-notification"); });
    source.addEventListener("signed-out", function () { source.close(); });
    source.onerror = function () {
      document.body.setAttribute("data-live-state", "away");
      // A refused stream (503: the server is full) is not retried by the browser itself.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(function () { connect(url, onTicket); }, RETRY_CLOSED_MS);
      }
    };
  }

  // -- the queue ----------------------------------------------------------------------------
  // Refreshing the rows would drop the boxes an agent has ticked: wait until none is.
  var refreshPending = false, refreshTimer = null;
  function ticked() {
    var rows = document.getElementById("queue-rows");
    return rows && rows.querySelector("input[name=ticket]:checked");
  }
  function refreshQueue() {
    if (!document.getElementById("queue-live")) return;
    if (ticked()) { refreshPending = true; return; }
    refreshPending = false;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { fire("live-refresh"); }, 300);  // one for a burst
  }

  // -- a ticket page --------------------------------------------------------------------------
  function ticketPage(box) {
    var url = box.getAttribute("data-presence"), state = "viewing", idle = null;
    var slot = document.getElementById("presence");
    function beat() {
      htmx.ajax("POST", url, { source: slot, target: slot, swap: "innerHTML", values: { state: state } });
    }
    function setState(next) {
      if (next === state) return;
      state = next;
      beat();
    }
    beat();
    setInterval(function () { if (!document.hidden) beat(); }, HEARTBEAT_MS);
    document.body.addEventListener("input", function (e) {
      if (e.target.id !== "composer-body") return;
      var form = e.target.form, kind = form && form.querySelector("[name=kind]:checked");
      var replying = e.target.value.trim() !== "" && (!kind || kind.value === "public");
      setState(replying ? "typing" : "viewing");
      clearTimeout(idle);
      idle = setTimeout(function () { setState("viewing"); }, TYPING_IDLE_MS);
    });
    window.addEventListener("pagehide", function () {
      var data = new FormData();
      data.append("state", "gone");
      data.append("csrf_token", box.getAttribute("data-csrf"));
      if (navigator.sendBeacon) navigator.sendBeacon(url, data);
    });
    // Changes up to the newest one the page was rendered with are on it already; the stream
    // may still bring them (the server polls for them) and they are not news.
    var seen = Number(box.getAttribute("data-seen-event")) || 0;
    return function (change) {
      if (change.ticket !== box.getAttribute("data-ticket") || change.mine) return;
      if (typeof change.event === "number" && change.event <= seen) return;
      var note = document.getElementById("ticket-changed");
      note.querySelector(".what").textContent = change.action + " by " + change.by;
      note.hidden = false;
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var url = document.body.getAttribute("data-live");
    if (!url || !window.EventSource || !window.htmx) return;
    var box = document.getElementById("live-ticket");
    var onThisTicket = box ? ticketPage(box) : function () {};
    document.body.addEventListener("change", function (e) {
      if (refreshPending && e.target.name === "ticket" && !ticked()) refreshQueue();
    });
    connect(url, function (change) { refreshQueue(); onThisTicket(change); });
  });
})();
