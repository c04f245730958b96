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
  document.addEventListener("mouseover", function (e) {
    var link = e.target.closest && e.target.closest("a.glossary-term, dfn.glossary-term a");
    if (link) show(link);
    else if (tip && !(e.target.closest && e.target.closest(".glossary-tip"))) hide();
  });
  document.addEventListener("focusin", function (e) {
    var link = e.target.closest && e.target.closest("dfn.glossary-term a");
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
    button.setAttribute("aria-label", labels.next.replace("%s", labels[next(now)]));
    button.title = button.getAttribute("aria-label");
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
// every post file is written in Chinese mode, so ?mode= and the remembered choice are
// applied here. On the live site the page already matches and nothing changes.
(function () {
  "use strict";
  var body = document.querySelector(".post-body");
  if (!body) return;
  var MODES = ["zh", "original", "both"];
  var asked = new URLSearchParams(window.location.search).get("mode");
  var remembered = (document.cookie.match(/(?:^|;\s*)reading_mode=([^;]+)/) || [])[1];
  var mode = MODES.indexOf(asked) !== -1 ? asked : remembered;
  if (MODES.indexOf(mode) === -1) return;
  if (asked === mode) document.cookie = "reading_mode=" + mode + "; path=/; max-age=31536000; samesite=lax";
  if (body.classList.contains("mode-" + mode)) return;
  MODES.forEach(function (m) { body.classList.remove("mode-" + m); });
  body.classList.add("mode-" + mode);
  body.querySelectorAll("details.original").forEach(function (d) { d.open = mode !== "zh"; });
  document.querySelectorAll(".reading-modes a").forEach(function (a) {
    if (a.getAttribute("href") === "?mode=" + mode) a.setAttribute("aria-current", "true");
    else a.removeAttribute("aria-current");
  });
})();
