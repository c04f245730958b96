// The post form's desk in the admin (editorial/admin_desk.py): work is never lost, and the
// unsaved text is previewed in the reader's own page.
//
// * Autosave: two seconds after the last keystroke the form's fields are kept for this editor
//   (not a revision, not a publish); reopening the form offers them back. Restoring text typed
//   on an older version keeps that version's number, so saving it meets the stale-edit refusal.
// * Leaving the page with unsaved changes asks first; Ctrl+S / Cmd+S saves and stays.
// * Live preview: the form posted (never saved) into a frame beside it, in either language and
//   each reading mode, again after each pause in typing.
(function () {
  "use strict";
  var data = document.getElementById("desk-data");
  var form = document.getElementById("post_form");
  if (!data || !form) return;
  var desk = JSON.parse(data.textContent);
  var labels = desk.labels;
  var SKIP = { csrfmiddlewaretoken: 1, preview_language: 1, preview_mode: 1 };

  function token() {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function snapshot() {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (!SKIP[name] && typeof value === "string") parts.push(name + "=" + value.replace(/\r\n/g, "\n"));
    });
    return parts.join("\u0000");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token() },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  // A page shown again after a refused save holds text that was never saved.
  var refused = Boolean(document.querySelector(".errornote"));
  var saved = refused ? null : snapshot();
  var leaving = false;

  // ---- status line ------------------------------------------------------------------
  var row = form.querySelector(".submit-row");
  var status = document.createElement("span");
  status.className = "desk-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  if (row) row.appendChild(status);

  // ---- leaving, saving ----------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.hasAttribute("data-preview")) return;
    leaving = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || snapshot() === saved) return;
    event.preventDefault();
    event.returnValue = "";
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      var button = form.querySelector('[name="_continue"]') || form.querySelector('[name="_save"]');
      status.textContent = labels.saving;
      form.requestSubmit(button);
    }
  });

  // ---- autosave ------------------------------------------------------------------------
  var timer = null;
  var busy = false;
  var sent = saved;
  function autosave() {
    var now = snapshot();
    if (now === sent || now === saved) return;
    if (busy) { schedule(); return; }
    busy = true;
    var body = new FormData(form);
    Object.keys(SKIP).forEach(function (name) { if (name !== "csrfmiddlewaretoken") body.delete(name); });
    post(desk.autosave, body).then(function (answer) {
      sent = now;
      // Someone else saved the post since this form was opened: say so now, not at the save.
      status.textContent = answer.conflict ? answer.message + " " + answer.conflict : answer.message;
      status.classList.toggle("failed", Boolean(answer.conflict));
    }).catch(function () {
      status.textContent = labels.autosave_failed;
      status.classList.add("failed");
    }).finally(function () { busy = false; });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(autosave, desk.autosave_delay || 2000);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);

  // ---- restoring an autosave -------------------------------------------------------------
  function fill(fields) {
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      var found = form.elements.namedItem(name);
      if (!found) return;
      var elements = found instanceof RadioNodeList ? Array.prototype.slice.call(found) : [found];
      elements.forEach(function (element) {
        if (element.type === "checkbox" || element.type === "radio") element.checked = values.indexOf(element.value) !== -1;
        else if (element.multiple) Array.prototype.forEach.call(element.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
        else if (element.type !== "file" && element.type !== "submit") element.value = values[0] || "";
        var desk = element.closest("[data-body-desk]");
        if (desk) desk.dispatchEvent(new Event("desk:reload"));
      });
    });
  }

  function matches(fields) {
    return Object.keys(fields).every(function (name) {
      var found = form.elements.namedItem(name);
      if (!found || found instanceof RadioNodeList || found.type === "checkbox" || found.multiple) return true;
      return (found.value || "").replace(/\r\n/g, "\n") === (fields[name][0] || "").replace(/\r\n/g, "\n");
    });
  }

  var kept = desk.kept;
  if (kept && !refused) {
    if (matches(kept.fields)) {
      var discard = new FormData();
      discard.append("discard", "1");
      post(desk.autosave, discard).catch(function () {});
    } else {
      offer(kept);
    }
  }

  function offer(kept) {
    var banner = document.createElement("div");
    banner.className = "desk-autosave" + (kept.stale ? " stale" : "");
    banner.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = labels.kept.replace("%(when)s", kept.saved_at) + (kept.stale ? " " + labels.kept_stale : "");
    banner.appendChild(text);
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button";
    restore.textContent = labels.restore;
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "button";
    drop.textContent = labels.discard;
    banner.appendChild(restore);
    banner.appendChild(drop);
    form.insertBefore(banner, form.firstElementChild);
    restore.addEventListener("click", function () {
      fill(kept.fields);
      if (kept.base_version !== null && form.elements.namedItem("loaded_version")) {
        form.elements.namedItem("loaded_version").value = String(kept.base_version);
      }
      text.textContent = labels.restored;
      restore.remove();
      drop.remove();
      schedule();
    });
    drop.addEventListener("click", function () {
      var body = new FormData();
      body.append("discard", "1");
      post(desk.autosave, body).then(function () { banner.remove(); });
    });
  }

  // ---- live preview ------------------------------------------------------------------------
  var panel = null;
  var frame = null;
  var pending = null;
  var loading = false;
  var previewButton = document.createElement("button");
  previewButton.type = "submit";
  previewButton.hidden = true;
  previewButton.setAttribute("data-preview", "");
  previewButton.setAttribute("formaction", desk.preview);
  previewButton.setAttribute("formtarget", "desk-preview");
  previewButton.setAttribute("formmethod", "post");
  previewButton.setAttribute("formnovalidate", "");
  form.appendChild(previewButton);
  var language = hidden("preview_language", desk.language || "zh-hans");
  var mode = hidden("preview_mode", "");

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    input.disabled = true; // sent only with the preview
    form.appendChild(input);
    return input;
  }

  function refresh() {
    if (!panel || panel.hidden) return;
    if (loading) { pending = true; return; }
    loading = true;
    pending = false;
    try { frame.scrollY = frame.contentWindow.scrollY; } catch (e) { frame.scrollY = 0; }
    language.disabled = false;
    mode.disabled = false;
    form.requestSubmit(previewButton);
    language.disabled = true;
    mode.disabled = true;
  }

  var previewTimer = null;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refresh, 700);
  }
  form.addEventListener("input", schedulePreview);
  form.addEventListener("change", schedulePreview);

  function openPreview() {
    if (!panel) buildPanel();
    panel.hidden = false;
    document.body.classList.add("desk-with-preview");
    toggle.setAttribute("aria-expanded", "true");
    refresh();
  }

  function closePreview() {
    panel.hidden = true;
    document.body.classList.remove("desk-with-preview");
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  }

  function buildPanel() {
    panel = document.createElement("aside");
    panel.className = "desk-preview";
    panel.setAttribute("aria-label", labels.preview);
    var bar = document.createElement("div");
    bar.className = "desk-preview-bar";
    var title = document.createElement("strong");
    title.textContent = labels.preview;
    bar.appendChild(title);
    [["zh-hans", labels.chinese], ["en", labels.english]].forEach(function (choice) {
      bar.appendChild(chooser("language", choice[0], choice[1], language));
    });
    [["", labels.mode_default], ["zh", labels.mode_zh], ["both", labels.mode_both], ["original", labels.mode_original]].forEach(function (choice) {
      bar.appendChild(chooser("mode", choice[0], choice[1], mode));
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "desk-preview-close";
    close.textContent = labels.close;
    close.addEventListener("click", closePreview);
    bar.appendChild(close);
    panel.appendChild(bar);
    frame = document.createElement("iframe");
    frame.name = "desk-preview";
    frame.title = labels.preview;
    frame.addEventListener("load", function () {
      loading = false;
      try {
        frame.contentWindow.scrollTo(0, frame.scrollY || 0);
        // The reader's mode links would leave the preview: they switch its mode instead.
        frame.contentDocument.addEventListener("click", function (event) {
          var link = event.target.closest(".reading-modes a");
          if (!link) return;
          event.preventDefault();
          mode.value = new URL(link.href).searchParams.get("mode") || "";
          syncChoosers();
          refresh();
        });
      } catch (e) { /* a page of another origin: nothing to do */ }
      if (pending) refresh();
    });
    panel.appendChild(frame);
    document.body.appendChild(panel);
  }

  var choosers = [];
  function chooser(group, value, label, input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "desk-choice";
    button.textContent = label;
    button.setAttribute("data-group", group);
    button.setAttribute("data-value", value);
    button.addEventListener("click", function () {
      input.value = value;
      syncChoosers();
      refresh();
    });
    choosers.push([button, input, value]);
    syncChoosers();
    return button;
  }
  function syncChoosers() {
    choosers.forEach(function (c) { c[0].setAttribute("aria-pressed", String(c[1].value === c[2])); });
  }

  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "button desk-preview-toggle";
  toggle.textContent = labels.preview;
  toggle.setAttribute("aria-expanded", "false");
  toggle.addEventListener("click", function () { if (panel && !panel.hidden) closePreview(); else openPreview(); });
  if (row) row.insertBefore(toggle, row.firstChild);
})();
