// The theme's (mkdocs-material 9.x) three inline scripts, as a file, for the verifier page only.
// That page's Content-Security-Policy allows no inline script; overrides/verify.html leaves the
// theme's inline copies out and loads this file at the same three places (data-part):
//   scope   - partials/javascripts/base.html: storage helpers scoped to the site;
//   palette - partials/javascripts/palette.html: re-applies the reader's colour scheme;
//   content - partials/javascripts/content.html: opens the tab a link points at.
(() => {
  const script = document.currentScript;
  const part = script && script.dataset.part;
  if (part === "scope") {
    window.__md_scope = new URL(script.dataset.scope || ".", location);
    window.__md_hash = (value) => [...value].reduce((h, c) => (h << 5) - h + c.charCodeAt(0), 0);
    window.__md_get = (key, storage = localStorage, scope = window.__md_scope) =>
      JSON.parse(storage.getItem(scope.pathname + "." + key));
    window.__md_set = (key, value, storage = localStorage, scope = window.__md_scope) => {
      try {
        storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
      } catch {
        /* storage full or blocked: the theme works without it */
      }
    };
  } else if (part === "palette") {
    let palette = null;
    try {
      palette = window.__md_get("__palette");
    } catch {
      palette = null;
    }
    if (palette && palette.color) {
      if (palette.color.media === "(prefers-color-scheme)") {
        const light = matchMedia("(prefers-color-scheme: light)").matches;
        const input = document.querySelector(
          light
            ? "[data-md-color-media='(prefers-color-scheme: light)']"
            : "[data-md-color-media='(prefers-color-scheme: dark)']",
        );
        if (input) {
          palette.color.media = input.getAttribute("data-md-color-media");
          palette.color.scheme = input.getAttribute("data-md-color-scheme");
          palette.color.primary = input.getAttribute("data-md-color-primary");
          palette.color.accent = input.getAttribute("data-md-color-accent");
        }
      }
      for (const [key, value] of Object.entries(palette.color)) {
        document.body.setAttribute("data-md-color-" + key, value);
      }
    }
  } else if (part === "content") {
    if (script.dataset.tabsLink === "true") {
      let tabs = null;
      try {
        tabs = window.__md_get("__tabs");
      } catch {
        tabs = null;
      }
      if (Array.isArray(tabs)) {
        outer: for (const set of document.querySelectorAll(".tabbed-set")) {
          const labels = set.querySelector(".tabbed-labels");
          if (!labels) continue;
          for (const tab of tabs) {
            for (const label of labels.getElementsByTagName("label")) {
              if (label.innerText.trim() === tab) {
                const input = document.getElementById(label.htmlFor);
                if (input) input.checked = true;
                continue outer;
              }
            }
          }
        }
      }
    }
    const target = document.getElementById(location.hash.slice(1));
    if (target && target.name) target.checked = target.name.startsWith("__tabbed_");
  }
})();
