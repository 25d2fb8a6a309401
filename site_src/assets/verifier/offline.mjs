// Offline use of the verifier page: registers the service worker (sw.js beside the page, made by the
// build: build_tools/sitebuild/offline.py) and tells the reader when the registry of trusted
// issuers came from this browser's copy instead of the site. See
// docs/adr/0009-start-up-snapshot-and-offline.md.

import { t } from "./i18n.mjs";

// Once the verifier is ready (so the service worker's first download does not compete with
// the page's own): the browser installs it in the background and keeps it up to date.
// Each language's verify page has its own (beside the page: a service worker serves only the
// pages under its folder).
export function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  const scope = new URL("./", location.href);
  navigator.serviceWorker.register(new URL("sw.js", scope), { scope: scope.href }).catch(() => {
    /* no offline use (private mode, a policy): the page works as before */
  });
}

function dateWords(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const lang = (document.documentElement.lang || "en").trim();
  const options = { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, options).format(when);
  } catch {
    return new Intl.DateTimeFormat("en-GB", options).format(when);
  }
}

// The notice under the verifier's status line: shown while the registry in use is the copy
// this browser kept (`offline` from the worker: {since: ISO date the copy was fetched}).
export function showOfflineNotice(root, offline) {
  let notice = root.querySelector("#cv-offline");
  if (!offline) {
    if (notice) notice.remove();
    return;
  }
  if (!notice) {
    notice = document.createElement("p");
    notice.id = "cv-offline";
    notice.className = "cv-offline";
    const status = root.querySelector("#cv-status");
    if (status && status.parentNode) status.parentNode.insertBefore(notice, status.nextSibling);
    else root.prepend(notice);
  }
  notice.dataset.since = String(offline.since || "");
  const since = dateWords(offline.since) || t("an earlier visit");
  notice.textContent = t(
    "Registry from {date}, you are offline. Revocations and key changes published since then are not known here.",
    { date: since },
  );
}
