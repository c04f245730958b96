// The body's passage editor (editorial/widgets.py, editorial/passages.py).
//
// The server cuts the body into passages: each one's Markdown is
//   label + text + end + original.head + original.text + original.tail + after
// and the body is lead + every passage's Markdown. This file edits those pieces and writes
// the body back into the form's own textarea by the same concatenation, so a passage nobody
// touched keeps every byte. The Markdown tab shows that textarea; text typed there is cut
// into passages again by the server when the editor comes back.
(function () {
  "use strict";

  var SPEAKER = /^(\*\*)(.+?)([:：]\*\*[ \t]*|\*\*[:：][ \t]*)$/;
  var CJK = /[\u3000-\u9fff\uff00-\uffef]/;

  function markdownOf(p) {
    var o = p.original;
    return p.label + p.text + p.end + (o ? o.head + o.text + o.tail : "") + p.after;
  }

  function endsWithBreak(p) {
    return /\n[ \t]*\n$/.test(markdownOf(p));
  }

  // A passage that is followed by another one ends with a blank line.
  function ensureBreak(p) {
    if (endsWithBreak(p)) return;
    if (p.original) {
      if (!/\n$/.test(p.original.tail)) p.original.tail += "\n";
      if (!/\n/.test(p.after)) p.after = "\n";
    } else if (p.text || p.label) {
      p.end = "\n\n";
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function Editor(root) {
    this.root = root;
    this.textarea = root.querySelector("[data-markdown] textarea");
    this.list = root.querySelector("[data-passages]");
    this.labels = JSON.parse(this.list.getAttribute("data-labels"));
    this.splitUrl = root.getAttribute("data-split-url");
    this.state = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
    this.written = this.textarea.value.replace(/\r\n/g, "\n");
    this.touched = false;
    this.tools = this.makeTools();
    this.bind();
    this.render();
    this.show("passages");
  }

  Editor.prototype.t = function (key) { return this.labels[key] || key; };

  Editor.prototype.bind = function () {
    var self = this;
    this.tabs = this.root.querySelectorAll("[data-tab]");
    this.root.querySelector(".desk-tabs").hidden = false;
    var note = this.root.querySelector("[data-repairs]");
    if (note) note.hidden = false;
    Array.prototype.forEach.call(this.tabs, function (tab) {
      tab.addEventListener("click", function () { self.show(tab.getAttribute("data-tab")); });
    });
    this.list.addEventListener("input", function (event) { self.edited(event.target); });
    this.list.addEventListener("keydown", function (event) { self.key(event); });
    this.list.addEventListener("focusin", function (event) { self.focused(event.target); });
    this.root.addEventListener("desk:reload", function () { self.reload(); });
  };

  // ---- tabs --------------------------------------------------------------------------

  Editor.prototype.show = function (which) {
    var self = this;
    if (which === "passages" && this.mode === "markdown" && this.normalized() !== this.written) {
      this.reload();
    }
    this.mode = which;
    Array.prototype.forEach.call(this.tabs, function (tab) {
      tab.setAttribute("aria-selected", String(tab.getAttribute("data-tab") === which));
    });
    this.list.hidden = which !== "passages";
    this.root.querySelector("[data-markdown]").hidden = which !== "markdown";
    this.root.classList.toggle("desk-markdown-mode", which === "markdown");
    if (which === "markdown") self.textarea.focus();
  };

  Editor.prototype.normalized = function () { return this.textarea.value.replace(/\r\n/g, "\n"); };

  // The Markdown changed under the passages (typed in its tab, or restored): cut it again.
  Editor.prototype.reload = function () {
    var self = this;
    var form = this.textarea.form;
    var data = new FormData();
    data.append("body", this.normalized());
    var token = form && form.querySelector("[name=csrfmiddlewaretoken]");
    this.list.setAttribute("aria-busy", "true");
    return fetch(this.splitUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (state) {
      self.state = state;
      self.written = self.normalized();
      self.touched = false;
      self.render();
    }).finally(function () { self.list.removeAttribute("aria-busy"); });
  };

  // ---- writing the body ---------------------------------------------------------------

  Editor.prototype.write = function () {
    this.touched = true;
    var body = this.state.lead + this.state.passages.map(markdownOf).join("");
    this.textarea.value = body;
    this.written = body;
    this.textarea.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Editor.prototype.edited = function (field) {
    var row = field.closest(".passage");
    if (!row) return;
    var p = this.state.passages[Number(row.getAttribute("data-index"))];
    if (field.classList.contains("passage-text")) {
      p.text = field.value;
      if (p.stale) { p.stale = false; row.classList.remove("stale"); }
      row.classList.toggle("missing", Boolean(p.original) && !p.text.trim());
    } else if (field.classList.contains("passage-original")) {
      p.original.text = field.value;
    } else if (field.classList.contains("passage-speaker")) {
      var parts = SPEAKER.exec(p.label) || [null, "**", "", ":** "];
      p.label = field.value.trim() ? parts[1] + field.value.trim() + parts[3] : "";
    }
    this.write();
  };

  // ---- drawing ------------------------------------------------------------------------

  Editor.prototype.render = function () {
    var self = this;
    var list = this.list;
    list.textContent = "";
    if (!this.state.passages.length) {
      list.appendChild(el("p", { class: "passages-empty" }, this.t("empty")));
      var first = el("button", { type: "button", class: "button" }, this.t("first"));
      first.addEventListener("click", function () { self.insert(-1); });
      list.appendChild(first);
      return;
    }
    var fragment = document.createDocumentFragment();
    this.state.passages.forEach(function (p, index) { fragment.appendChild(self.row(p, index)); });
    list.appendChild(fragment);
  };

  Editor.prototype.row = function (p, index) {
    var number = index + 1;
    var row = el("div", { class: "passage", role: "listitem", "data-index": String(index) });
    if (p.heading) row.classList.add("heading");
    if (p.original && !p.text.trim()) row.classList.add("missing");
    if (p.stale) {
      row.classList.add("stale");
      row.appendChild(el("p", { class: "passage-stale" }, this.t("stale")));
    }
    var main = el("div", { class: "passage-main" });
    main.appendChild(el("span", { class: "passage-number", "aria-hidden": "true" }, String(number)));
    var speaker = SPEAKER.exec(p.label);
    if (speaker) {
      var input = el("input", {
        type: "text", class: "passage-speaker", value: speaker[2],
        "aria-label": this.t("passage") + " " + number + ": " + this.t("speaker"),
      });
      main.appendChild(input);
    } else if (p.label) {
      main.appendChild(el("span", { class: "passage-label" }, p.label));
    }
    var text = el("textarea", {
      class: "passage-text", rows: p.heading ? "1" : "2",
      "aria-label": this.t("passage") + " " + number + ": " + (p.heading ? this.t("heading") : this.t("text")),
      placeholder: p.original ? this.t("missing") : "",
    });
    text.value = p.text;
    main.appendChild(text);
    row.appendChild(main);
    var side = el("div", { class: "passage-side" });
    if (p.original) {
      var lang = p.original.lang;
      var original = el("textarea", {
        class: "passage-original", rows: "2",
        lang: lang === "zh" ? "zh-Hans" : lang === "en" ? "en" : "",
        "aria-label": this.t("passage") + " " + number + ": " + this.t("original_" + lang),
      });
      original.value = p.original.text;
      side.appendChild(original);
    } else {
      side.classList.add("no-original");
    }
    row.appendChild(side);
    return row;
  };

  // One toolbar, moved into the passage being edited (a thousand passages, one set of buttons).
  Editor.prototype.makeTools = function () {
    var self = this;
    var bar = el("div", { class: "passage-tools", role: "toolbar", "aria-label": this.t("passage") });
    [
      ["split", "⤓"], ["merge", "⤒"], ["add", "+"], ["add_original", "⇄"], ["up", "↑"], ["down", "↓"], ["delete", "×"],
    ].forEach(function (tool) {
      var button = el("button", { type: "button", "data-tool": tool[0], title: self.t(tool[0]), "aria-label": self.t(tool[0]) }, tool[1]);
      button.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the cursor where it is
      button.addEventListener("click", function () { self.tool(tool[0]); });
      bar.appendChild(button);
    });
    return bar;
  };

  Editor.prototype.focused = function (field) {
    var row = field.closest(".passage");
    if (!row) return;
    if (field.tagName === "TEXTAREA" || field.tagName === "INPUT") this.field = field;
    this.current = Number(row.getAttribute("data-index"));
    var p = this.state.passages[this.current];
    this.tools.querySelector('[data-tool="add_original"]').hidden = Boolean(p.original);
    if (this.tools.parentNode !== row) row.appendChild(this.tools);
  };

  Editor.prototype.focus = function (index, which) {
    var rows = this.list.querySelectorAll(".passage");
    var row = rows[Math.max(0, Math.min(index, rows.length - 1))];
    if (!row) return;
    var field = row.querySelector(which === "original" ? ".passage-original" : ".passage-text") ||
      row.querySelector(".passage-text");
    field.focus();
    row.scrollIntoView({ block: "nearest" });
  };

  // ---- structure ----------------------------------------------------------------------

  Editor.prototype.tool = function (name) {
    var index = this.current;
    if (index === undefined) return;
    var which = this.field && this.field.classList.contains("passage-original") ? "original" : "text";
    if (name === "split") this.split(index, which);
    else if (name === "merge") this.merge(index);
    else if (name === "add") this.insert(index);
    else if (name === "add_original") this.addOriginal(index);
    else if (name === "up") this.move(index, -1);
    else if (name === "down") this.move(index, 1);
    else if (name === "delete") this.remove(index);
  };

  Editor.prototype.changed = function (focusIndex, which) {
    this.write();
    this.render();
    this.focus(focusIndex, which);
  };

  Editor.prototype.blank = function () {
    return { label: "", text: "", end: "\n\n", original: null, after: "", heading: false };
  };

  Editor.prototype.insert = function (index) {
    var passages = this.state.passages;
    if (index >= 0) ensureBreak(passages[index]);
    var p = this.blank();
    if (index + 1 >= passages.length) p.end = "\n";
    passages.splice(index + 1, 0, p);
    this.changed(index + 1, "text");
  };

  Editor.prototype.addOriginal = function (index) {
    var p = this.state.passages[index];
    if (p.original) return;
    var shape = this.state.shape;
    var last = index === this.state.passages.length - 1;
    p.end = p.text || p.label ? "\n" : "";
    p.original = { head: shape.head, text: "", tail: shape.tail, lang: shape.lang };
    p.after = last ? "" : "\n";
    this.changed(index, "original");
  };

  Editor.prototype.split = function (index, which) {
    var passages = this.state.passages;
    var p = passages[index];
    var field = this.field;
    var at = field ? field.selectionStart : 0;
    var q;
    if (which === "original" && p.original) {
      var o = p.original;
      q = this.blank();
      q.end = "";
      q.original = { head: o.head, text: o.text.slice(at).replace(/^\s+/, ""), tail: o.tail, lang: o.lang };
      q.after = p.after;
      o.text = o.text.slice(0, at).replace(/\s+$/, "");
      if (!/\n$/.test(o.tail)) o.tail += "\n";
      p.after = "\n";
    } else {
      q = this.blank();
      q.text = p.text.slice(at).replace(/^\s+/, "");
      q.end = p.end;
      q.original = p.original;
      q.after = p.after;
      p.text = p.text.slice(0, at).replace(/\s+$/, "");
      p.end = "\n\n";
      p.original = null;
      p.after = "";
    }
    passages.splice(index + 1, 0, q);
    this.changed(index + 1, which);
  };

  Editor.prototype.merge = function (index) {
    var passages = this.state.passages;
    if (index + 1 >= passages.length) return;
    var p = passages[index];
    var q = passages[index + 1];
    var joint = function (a, b, blockStyle) {
      if (!a) return b;
      if (!b) return a;
      if (blockStyle) return a + "\n\n" + b;
      return a + (CJK.test(a.slice(-1)) && CJK.test(b.charAt(0)) ? "" : " ") + b;
    };
    p.text = joint(p.text, q.label + q.text, false);
    if (p.original && q.original) {
      p.original.text = joint(p.original.text, q.original.text, /\n\n$/.test(p.original.head));
      p.original.tail = q.original.tail;
    } else if (q.original) {
      p.original = q.original;
    }
    p.end = p.original ? (p.text || p.label ? "\n" : "") : q.end;
    p.after = q.after;
    passages.splice(index + 1, 1);
    this.changed(index, "text");
  };

  Editor.prototype.move = function (index, step) {
    var passages = this.state.passages;
    var to = index + step;
    if (to < 0 || to >= passages.length) return;
    var moved = passages.splice(index, 1)[0];
    passages.splice(to, 0, moved);
    for (var i = Math.max(0, Math.min(index, to) - 1); i <= Math.max(index, to); i++) {
      if (i < passages.length - 1) ensureBreak(passages[i]);
    }
    this.changed(to, "text");
  };

  Editor.prototype.remove = function (index) {
    var passages = this.state.passages;
    passages.splice(index, 1);
    if (index > 0 && index === passages.length) {
      // The new last passage: what followed the removed one ends the body.
      var last = passages[index - 1];
      if (last.original) last.after = last.after.replace(/\n+$/, "");
      else last.end = last.end.replace(/\n+$/, "\n");
    }
    this.changed(Math.min(index, passages.length - 1), "text");
  };

  // ---- keys ---------------------------------------------------------------------------

  Editor.prototype.key = function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var row = event.target.closest(".passage");
    if (!row) return;
    var index = Number(row.getAttribute("data-index"));
    var which = event.target.classList.contains("passage-original") ? "original" : "text";
    var handled = true;
    if (event.key === "ArrowDown" && event.shiftKey) this.move(index, 1);
    else if (event.key === "ArrowUp" && event.shiftKey) this.move(index, -1);
    else if (event.key === "ArrowDown") this.focus(index + 1, which);
    else if (event.key === "ArrowUp") this.focus(index - 1, which);
    else if (event.key === "Enter") { this.field = event.target; this.split(index, which); }
    else handled = false;
    if (handled) event.preventDefault();
  };

  function start() {
    document.querySelectorAll("[data-body-desk]").forEach(function (root) {
      if (!root.editor) root.editor = new Editor(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
