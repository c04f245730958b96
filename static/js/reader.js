// Reading-site enhancements. Everything here is optional: without JavaScript the
// glossary terms are links with a title, and the glossary filter is a search form.
(function () {
  "use strict";

  // Glossary popovers: a defined term shows its entry's definition on hover, focus or tap.
  var tip = null;
  function hide() {
    if (!tip) return;
    var owner = document.querySelector('[aria-describedby="glossary-tip"]');
    if (owner) owner.removeAttribute("aria-describedby");
    tip.remove();
    tip = null;
  }
  function show(link) {
    hide();
    var text = link.getAttribute("data-definition");
    if (!text) return;
    tip = document.createElement("div");
    tip.id = "glossary-tip";
    tip.className = "glossary-tip";
    tip.setAttribute("role", "tooltip");
    var term = document.createElement("strong");
    term.textContent = link.textContent;
    var body = document.createElement("span");
    body.textContent = "：" + text + " ";
    var more = document.createElement("a");
    more.href = link.href;
    more.textContent = document.documentElement.lang === "en" ? "Glossary →" : "词条 →";
    tip.append(term, body, more);
    document.body.appendChild(tip);
    var r = link.getBoundingClientRect();
    tip.style.top = window.scrollY + r.bottom + 6 + "px";
    tip.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8)) + "px";
    link.setAttribute("aria-describedby", "glossary-tip");
  }
  var TERM = "a.glossary-term, dfn.glossary-term a";
  // Touch and pen: the first tap on a term shows its definition (the entry is a link inside the
  // popover); a mouse click still follows the term's link, as hovering has shown the text.
  var pointer = "mouse";
  document.addEventListener("pointerdown", function (e) { pointer = e.pointerType || "mouse"; }, true);
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(TERM);
    if (link && pointer !== "mouse") {
      e.preventDefault();
      show(link);
      return;
    }
    if (tip && !(e.target.closest && e.target.closest(".glossary-tip"))) hide();
  });
  document.addEventListener("mouseover", function (e) {
    if (pointer !== "mouse") return;
    var link = e.target.closest && e.target.closest(TERM);
    if (link) show(link);
    else if (tip && !(e.target.closest && e.target.closest(".glossary-tip"))) hide();
  });
  document.addEventListener("focusin", function (e) {
    var link = e.target.closest && e.target.closest(TERM);
    if (link) show(link);
    else if (!(e.target.closest && e.target.closest(".glossary-tip"))) hide();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") hide();
  });

  // The glossary filter box filters the visible list as you type.
  document.querySelectorAll("input[data-filter-target]").forEach(function (input) {
    var list = document.querySelector(input.getAttribute("data-filter-target"));
    if (!list) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      list.querySelectorAll("[data-filter-text]").forEach(function (item) {
        item.hidden = q !== "" && item.getAttribute("data-filter-text").toLowerCase().indexOf(q) === -1;
      });
    });
  });
})();

// Theme switcher: cycles Paper Light → Paper Dark → Steel Light → Steel Dark and says what comes next.
(function () {
  "use strict";
  var spec = window.__themes;
  var slot = document.querySelector("[data-theme-switcher]");
  if (!spec || !slot) return;
  var labels = JSON.parse(slot.getAttribute("data-labels"));
  function current() {
    var set = document.documentElement.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "paper-dark" : "paper-light";
  }
  function next(theme) { return spec.THEMES[(spec.THEMES.indexOf(theme) + 1) % spec.THEMES.length]; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "theme-switcher";
  function refresh() {
    var now = current();
    button.textContent = labels[now];
    // The spoken name starts with the visible one (WCAG 2.5.3), then says what a press does.
    button.setAttribute("aria-label", labels[now] + ", " + labels.next.replace("%s", labels[next(now)]));
    button.title = labels.next.replace("%s", labels[next(now)]);
  }
  button.addEventListener("click", function () {
    var theme = next(current());
    document.documentElement.setAttribute("data-theme", theme);
    try { window.localStorage.setItem(spec.KEY, theme); } catch (e) { /* lasts for this page */ }
    refresh();
  });
  refresh();
  slot.appendChild(button);
})();

// The source video loads only when the reader asks (no third-party request before that).
(function () {
  "use strict";
  document.querySelectorAll("[data-video-id]").forEach(function (box) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = box.getAttribute("data-label");
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(box.getAttribute("data-video-id")) + "?autoplay=1";
      frame.title = button.textContent;
      frame.allow = "autoplay; encrypted-media; picture-in-picture";
      frame.allowFullscreen = true;
      frame.loading = "lazy";
      box.replaceChildren(frame);
    });
    box.prepend(button, " ");
  });
})();

// Copy the post's Markdown source, with a read-only text box when the clipboard is refused.
(function () {
  "use strict";
  var tools = document.querySelector(".reader-tools[data-source]");
  if (!tools) return;
  var status = tools.querySelector(".copy-status");
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = tools.getAttribute("data-copy-label");
  button.addEventListener("click", function () {
    fetch(tools.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (text) {
        return navigator.clipboard.writeText(text).then(
          function () { status.textContent = tools.getAttribute("data-copied"); },
          function () {
            var box = document.createElement("textarea");
            box.readOnly = true; box.value = text; box.rows = 8; box.className = "copy-fallback";
            tools.after(box); box.select();
            status.textContent = tools.getAttribute("data-copy-failed");
          });
      })
      .catch(function () { status.textContent = tools.getAttribute("data-copy-failed"); });
  });
  tools.prepend(button, " ");
})();

// Reading modes where no server applies them: on a static copy of the site (build_static)
// every post file is written in its edition's default mode, so ?mode= and the remembered choice are
// applied here. On the live site the page already matches and nothing changes.
(function () {
  "use strict";
  var body = document.querySelector(".post-body");
  if (!body) return;
  var MODES = ["zh", "original", "both"];
  var asked = new URLSearchParams(window.location.search).get("mode");
  var cookie = document.documentElement.lang === "en" ? "reading_mode_en" : "reading_mode";
  var remembered = (document.cookie.match(new RegExp("(?:^|;\\s*)" + cookie + "=([^;]+)")) || [])[1];
  var mode = MODES.indexOf(asked) !== -1 ? asked : remembered;
  if (MODES.indexOf(mode) === -1) return;
  if (asked === mode) document.cookie = cookie + "=" + mode + "; path=/; max-age=31536000; samesite=lax";
  if (body.classList.contains("mode-" + mode)) return;
  MODES.forEach(function (m) { body.classList.remove("mode-" + m); });
  body.classList.add("mode-" + mode);
  body.querySelectorAll("details.original").forEach(function (d) { d.open = mode !== "zh"; });
  document.querySelectorAll(".reading-modes a").forEach(function (a) {
    if (a.getAttribute("href") === "?mode=" + mode) a.setAttribute("aria-current", "true");
    else a.removeAttribute("aria-current");
  });
})();

// The chapter bar (phones and tablets) and sidebar (from 993 px): the current chapter is marked
// as the reader scrolls; on a phone one row shows it with its position and a progress line, and
// opens the list as a panel that closes on Escape, on a tap outside and after a jump.
(function () {
  "use strict";
  var nav = document.querySelector("[data-outline]");
  var body = document.querySelector(".post-body");
  if (!nav || !body) return;
  var list = nav.querySelector("ol");
  var links = Array.prototype.slice.call(list.querySelectorAll('a[href^="#"]'));
  var heads = links.map(function (a) { return document.getElementById(decodeURIComponent(a.hash.slice(1))); });
  var bar = document.createElement("button");
  bar.type = "button";
  bar.className = "outline-bar";
  bar.setAttribute("aria-expanded", "false");
  bar.setAttribute("aria-controls", list.id);
  bar.title = nav.getAttribute("data-open-label");
  var current = document.createElement("span");
  current.className = "outline-current";
  var count = document.createElement("span");
  count.className = "outline-count";
  var progress = document.createElement("span");
  progress.className = "outline-progress";
  progress.setAttribute("aria-hidden", "true");
  bar.append(current, count, progress);
  nav.prepend(bar);
  var title = nav.querySelector(".outline-title").textContent;

  function setOpen(open) {
    nav.classList.toggle("open", open);
    bar.setAttribute("aria-expanded", open ? "true" : "false");
  }
  bar.addEventListener("click", function () { setOpen(!nav.classList.contains("open")); });
  list.addEventListener("click", function (e) { if (e.target.closest("a")) setOpen(false); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && nav.classList.contains("open")) { setOpen(false); bar.focus(); }
  });
  document.addEventListener("click", function (e) {
    if (nav.classList.contains("open") && !nav.contains(e.target)) setOpen(false);
  });

  var shown = -2;
  function update() {
    var line = nav.getBoundingClientRect().height + 24;
    var at = -1;
    heads.forEach(function (h, i) { if (h && h.getBoundingClientRect().top <= line) at = i; });
    var box = body.getBoundingClientRect();
    var span = Math.max(1, box.height - window.innerHeight);
    progress.style.width = Math.max(0, Math.min(100, (-box.top / span) * 100)) + "%";
    if (at === shown) return;
    shown = at;
    links.forEach(function (a, i) {
      if (i === at) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    });
    current.textContent = at >= 0 ? links[at].textContent : title;
    current.lang = at >= 0 ? list.lang : "";
    count.textContent = (at >= 0 ? at + 1 + " / " : "") + links.length;
    if (at >= 0 && nav.scrollHeight > nav.clientHeight) {  // keep the marked chapter in the sidebar's view
      var link = links[at], top = link.offsetTop - nav.clientHeight / 2;
      nav.scrollTop = Math.max(0, top);
    }
  }
  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; update(); });
  }, { passive: true });
  window.addEventListener("resize", update);
  update();
})();

// "Expand all originals" in the reader's tools (Chinese mode, where originals start folded).
(function () {
  "use strict";
  var slot = document.querySelector("[data-expand-originals]");
  var body = document.querySelector(".post-body");
  if (!slot || !body) return;
  var all = body.querySelectorAll("details.original");
  if (!all.length) return;
  var button = document.createElement("button");
  button.type = "button";
  function allOpen() { return Array.prototype.every.call(all, function (d) { return d.open; }); }
  function refresh() {
    var open = allOpen();
    button.textContent = slot.getAttribute(open ? "data-fold" : "data-expand");
    button.setAttribute("aria-pressed", open ? "true" : "false");
  }
  button.addEventListener("click", function () {
    var open = !allOpen();
    all.forEach(function (d) { d.open = open; });
    refresh();
  });
  body.addEventListener("toggle", refresh, true);
  refresh();
  slot.appendChild(button);
})();

// Each passage has a permanent anchor (from its own text, so it survives edits elsewhere in the
// item) and a button that copies a link to it; the link carries a text fragment where browsers
// support them, and this script finds the passage where they do not.
(function () {
  "use strict";
  var body = document.querySelector(".post-body[data-passage-labels]");
  if (!body) return;
  var labels = JSON.parse(body.getAttribute("data-passage-labels"));
  // Wide tables and code blocks scroll in their own box, reachable from the keyboard.
  body.querySelectorAll("table").forEach(function (table) {
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", labels.table);
    table.replaceWith(box);
    box.append(table);
  });
  body.querySelectorAll("pre").forEach(function (pre) { pre.tabIndex = 0; });
  function hash(text) {  // FNV-1a, 32 bits, in base 36
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h.toString(36);
  }
  var status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  body.after(status);
  var used = {};
  // Headings keep their own ids, linked from the chapters.
  body.querySelectorAll(":scope > p, :scope > blockquote, :scope > ul, :scope > ol").forEach(function (el) {
    var text = el.textContent.replace(/\s+/g, " ").trim();
    if (!text || el.id) return;
    var id = "p-" + hash(text.slice(0, 300));
    used[id] = (used[id] || 0) + 1;
    el.id = used[id] > 1 ? id + "-" + used[id] : id;
    el.classList.add("passage-anchor");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "passage-link";
    button.textContent = "¶";
    button.setAttribute("aria-label", labels.copy);
    button.title = labels.copy;
    button.addEventListener("click", function () {
      var start = encodeURIComponent(text.slice(0, 16)).replace(/-/g, "%2D");  // "-" is the directive's own
      var url = location.origin + location.pathname + "#" + el.id + ":~:text=" + start;
      history.replaceState(null, "", "#" + el.id);
      var done = function () { status.textContent = labels.copied; button.classList.add("copied"); };
      if (navigator.clipboard) navigator.clipboard.writeText(url).then(done, function () { status.textContent = url; });
      else status.textContent = url;
    });
    // A list holds only items: its button goes at the end of its last one.
    var host = el.tagName === "UL" || el.tagName === "OL" ? el.lastElementChild || el : el;
    host.append(" ", button);
  });
  // A link whose text fragment this browser ignored (or an anchor made by this script): go to it.
  var wanted = decodeURIComponent(location.hash.slice(1)).split(":~:")[0];
  var target = wanted && document.getElementById(wanted);
  if (target && body.contains(target)) target.scrollIntoView();
})();
