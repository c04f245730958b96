// The reader's own library, kept on this device only (localStorage; no account, nothing sent):
// where they stopped reading each item, their bookmarks and the items they have read.
(function () {
  "use strict";
  var KEYS = { position: "reader-positions", bookmarks: "reader-bookmarks", history: "reader-history" };
  var LIMITS = { position: 300, history: 200 };
  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(KEYS[key]) || (key === "position" ? "{}" : "[]")); }
    catch (e) { return key === "position" ? {} : []; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(KEYS[key], JSON.stringify(value)); } catch (e) { /* storage refused: this visit only */ }
  }
  window.__library = { load: load, save: save };

  var body = document.querySelector(".post-body[data-passage-labels]");
  if (!body) return;
  var path = location.pathname;
  var slot = document.querySelector("[data-bookmark]");
  var title = slot ? slot.getAttribute("data-title") : document.title;
  var labels = JSON.parse(body.getAttribute("data-passage-labels"));

  // History: the newest first, each item once.
  var history = load("history").filter(function (item) { return item.path !== path; });
  history.unshift({ path: path, title: title, at: new Date().toISOString() });
  save("history", history.slice(0, LIMITS.history));

  // Bookmark toggle.
  if (slot) {
    var button = document.createElement("button");
    button.type = "button";
    var marked = function () { return load("bookmarks").some(function (item) { return item.path === path; }); };
    var refresh = function () {
      var on = marked();
      button.textContent = (on ? "★ " : "☆ ") + slot.getAttribute(on ? "data-remove" : "data-add");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    };
    button.addEventListener("click", function () {
      var list = load("bookmarks").filter(function (item) { return item.path !== path; });
      if (!marked()) list.unshift({ path: path, title: title, at: new Date().toISOString() });
      save("bookmarks", list);
      refresh();
    });
    refresh();
    slot.appendChild(button);
  }

  // Reading position: the first passage in view, remembered as the reader scrolls.
  function passages() { return body.querySelectorAll(":scope > [id]"); }
  var timer = null;
  window.addEventListener("scroll", function () {
    if (timer) return;
    timer = window.setTimeout(function () {
      timer = null;
      var all = passages(), at = null;
      for (var i = 0; i < all.length; i++) {
        if (all[i].getBoundingClientRect().bottom > 80) { at = i; break; }
      }
      var positions = load("position");
      if (at === null || at < 2) delete positions[path];
      else positions[path] = { id: all[at].id, at: Date.now() };
      var paths = Object.keys(positions);
      if (paths.length > LIMITS.position) {
        paths.sort(function (a, b) { return positions[a].at - positions[b].at; });
        paths.slice(0, paths.length - LIMITS.position).forEach(function (p) { delete positions[p]; });
      }
      save("position", positions);
    }, 400);
  }, { passive: true });

  // Coming back: offer to continue (never jump without asking).
  var last = load("position")[path];
  var target = last && !location.hash && document.getElementById(last.id);
  if (target) {
    var bar = document.createElement("p");
    bar.className = "resume";
    bar.setAttribute("role", "status");
    var go = document.createElement("button");
    go.type = "button";
    go.textContent = labels.resume;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "resume-dismiss";
    close.textContent = "×";
    close.setAttribute("aria-label", labels.dismiss);
    go.addEventListener("click", function () { bar.remove(); target.scrollIntoView(); });
    close.addEventListener("click", function () { bar.remove(); });
    bar.append(go, " ", close);
    body.before(bar);
  }
})();

// The "bookmarks and history" page: drawn from this device's library.
(function () {
  "use strict";
  var page = document.querySelector("[data-library]");
  if (!page || !window.__library) return;
  var lib = window.__library;
  page.querySelectorAll("[data-list]").forEach(function (section) {
    var key = section.getAttribute("data-list");
    var list = section.querySelector("ol");
    var empty = section.querySelector(".library-empty");
    function draw() {
      var items = lib.load(key);
      list.replaceChildren();
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.path;
        a.textContent = item.title || item.path;
        var when = document.createElement("time");
        when.dateTime = item.at;
        when.textContent = " " + (item.at || "").slice(0, 10);
        li.append(a, when);
        list.appendChild(li);
      });
      empty.hidden = items.length > 0;
      clear.hidden = items.length === 0;
    }
    var clear = section.querySelector("button[data-clear]");
    clear.addEventListener("click", function () { lib.save(key, []); draw(); });
    draw();
  });
})();
