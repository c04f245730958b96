// Applied in <head>, before first paint: the reader's remembered theme, if any.
// Without a choice (or without JavaScript) the system setting picks Paper Light or Dark.
(function () {
  "use strict";
  var KEY = "theme-preference";
  var THEMES = ["paper-light", "paper-dark", "steel-light", "steel-dark"];
  var stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { /* storage refused */ }
  if (stored === "light" || stored === "dark") {  // the old site's values
    stored = "paper-" + stored;
    try { window.localStorage.setItem(KEY, stored); } catch (e) { /* session only */ }
  }
  if (THEMES.indexOf(stored) !== -1) document.documentElement.setAttribute("data-theme", stored);
  window.__themes = { KEY: KEY, THEMES: THEMES };
  document.documentElement.classList.add("js");  // styles that need the scripts (the chapter bar) apply
})();
