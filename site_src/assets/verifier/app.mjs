// Credential verifier page: main-thread UI. All verification runs in worker.mjs.
//
// - init() is idempotent: it binds one page root once, and runs again on the theme's
//   page-change event (Material's `document$`), reusing one worker per document.
// - Arriving on this page through the theme's instant navigation would keep the previous
//   page's <head> (so not this page's Content-Security-Policy): the page then reloads itself.
// - Every value from a credential, a report or a file name is written with textContent or
//   setAttribute on a fixed attribute name, never as HTML.
// - A credential's picture reaches this page as bytes from the worker; it is shown only when its
//   first bytes are a PNG, JPEG, GIF or WebP image, from a data: URL built here (never SVG).

import { takeWorker } from "./boot.mjs";
import { stringsJson, t, tParts } from "./i18n.mjs";
import { registerServiceWorker, showOfflineNotice } from "./offline.mjs";
import { addShareControls, linkInput } from "./share.mjs";

const ROOT_ID = "credsite-verifier";
const DEFAULT_START_TIMEOUT_MS = 30000;
const DEFAULT_MAX_BYTES = 5000000;

const VERDICTS = {
  valid: {
    label: t("Valid"),
    text: t("The signature is intact, the key belongs to an issuer in this registry and no check failed."),
  },
  valid_with_warnings: {
    label: t("Valid, with warnings"),
    text: t("The signature is intact, but some checks need your attention. Read the warnings below."),
  },
  invalid: { label: t("Not valid"), text: t("At least one check failed. Do not rely on this credential.") },
  unverifiable: {
    label: t("Could not be verified"),
    text: t("The file could not be checked. It may not be a credential, or its format is not supported."),
  },
};
const STATUS_LABELS = { pass: t("Passed"), fail: t("Failed"), warn: t("Warning"), skip: t("Not checked") };
const CHECK_NAMES = {
  format: t("File format"),
  jsonld: t("Data structure (JSON-LD)"),
  signature: t("Signature"),
  issuer_key: t("Issuer key in the registry"),
  validity: t("Validity dates"),
  revocation: t("Revocation"),
  catalogue: t("Course offer in the catalogue"),
  eu_elements: t("EU micro-credential elements"),
};
const FIELD_NAMES = {
  learner: t("Learner"),
  title: t("Title"),
  issuer: t("Issuer"),
  issued: t("Date of issue"),
  valid_until: t("Valid until"),
  ects: t("ECTS credits"),
  eqf: t("EQF level"),
  learning_outcomes: t("Learning outcomes"),
  offer: t("Course offer"),
};

// --------------------------------------------------------------------------- document state

const shared = {
  root: null,
  worker: null,
  state: "idle", // idle | loading | ready | failed
  info: null,
  error: null,
  progress: null,
  timer: null,
  nextId: 1,
  pending: new Map(),
  listeners: new Set(),
};

// The URL this document was loaded from (instant navigation changes location, not this).
function documentPath() {
  const nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  return nav && nav.name ? new URL(nav.name).pathname : location.pathname;
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function notify() {
  for (const fn of shared.listeners) fn();
}

function withSlash(path) {
  return path.endsWith("/") ? path : `${path}/`;
}

function startWorker(root) {
  if (shared.worker || shared.state === "failed") return;
  shared.root = root;
  shared.state = "loading";
  performance.mark("credsite-verifier-start");
  const siteRoot = new URL(withSlash(root.dataset.siteRoot || ".."), location.href).href;
  const registryUrl = new URL(root.dataset.registry || "../registry.json", location.href).href;
  const timeoutMs = Number(root.dataset.startTimeout) || DEFAULT_START_TIMEOUT_MS;
  // The first one was started by boot.mjs, which the page's <head> loads early.
  let worker;
  let loadError;
  try {
    ({ worker, error: loadError } = takeWorker());
  } catch (err) {
    fail(t("The verifier could not start: this browser does not allow its background worker."), String(err));
    return;
  }
  shared.worker = worker;
  shared.timer = setTimeout(() => {
    fail(
      t("The verifier did not start within 30 seconds. Your browser may block WebAssembly (a security setting or an extension), or the connection is very slow. Reload the page to try again."),
      `no ready message after ${timeoutMs} ms`,
    );
  }, timeoutMs);
  worker.onmessage = (event) => onWorkerMessage(event.data || {});
  worker.onerror = (event) => {
    fail(t("The verifier could not start: its program files did not load."), event && event.message ? event.message : "worker error");
  };
  if (loadError) {
    fail(t("The verifier could not start: its program files did not load."), loadError);
    return;
  }
  worker.postMessage({ type: "start", siteRoot, registryUrl, messages: stringsJson() });
}

function fail(message, detail) {
  if (shared.state === "failed") return;
  clearTimeout(shared.timer);
  shared.state = "failed";
  shared.error = { message, detail: detail || "" };
  if (shared.worker) shared.worker.terminate();
  for (const [, entry] of shared.pending) entry.reject(new Error(message));
  shared.pending.clear();
  notify();
}

function onWorkerMessage(msg) {
  if (msg.type === "progress") {
    // User-timing marks per start-up step (read by bench/browser_verify.py).
    if (!shared.progress || shared.progress.step !== msg.step) performance.mark(`credsite-verifier-step-${msg.step}`);
    shared.progress = msg;
    notify();
  } else if (msg.type === "ready") {
    clearTimeout(shared.timer);
    shared.state = "ready";
    shared.info = msg.info;
    performance.mark("credsite-verifier-ready");
    // How the worker started ("snapshot" or "standard"; read by the tests and the bench).
    if (shared.root) {
      shared.root.dataset.start = msg.info.start || "";
      shared.root.dataset.startFallback = msg.info.fallback || "";
      // The worker's own timings, ms from its start (read by bench/browser_verify.py).
      shared.root.dataset.startMarks = JSON.stringify(msg.info.marks || {});
    }
    notify();
    if (shared.root) {
      showOfflineNotice(shared.root, msg.info.offline);
      registerServiceWorker();
    }
  } else if (msg.type === "error") {
    // The worker's messages are English msgids (worker.mjs marks them with t()): shown here in
    // the page's language.
    fail(msg.message ? t(msg.message) : t("The verifier could not start."), [msg.code, msg.detail].filter(Boolean).join(": "));
  } else if (msg.type === "result" || msg.type === "measured") {
    const entry = shared.pending.get(msg.id);
    if (entry) {
      shared.pending.delete(msg.id);
      entry.resolve(msg);
    }
  }
}

function whenReady() {
  if (shared.state === "ready") return Promise.resolve();
  if (shared.state === "failed") return Promise.reject(new Error(shared.error.message));
  return new Promise((resolve, reject) => {
    const fn = () => {
      if (shared.state === "ready") {
        shared.listeners.delete(fn);
        resolve();
      } else if (shared.state === "failed") {
        shared.listeners.delete(fn);
        reject(new Error(shared.error.message));
      }
    };
    shared.listeners.add(fn);
  });
}

// Every file is answered within a few seconds (bench/hostile_inputs.py); this is the safety net
// for one that is not, or for a runtime that died (e.g. out of memory). The page's
// `data-verify-timeout` (milliseconds) may lower it, which the browser tests do.
const DEFAULT_VERIFY_TIMEOUT_MS = 20000;

function verifyTimeoutMs() {
  return Number(shared.root && shared.root.dataset.verifyTimeout) || DEFAULT_VERIFY_TIMEOUT_MS;
}

// Python in the worker cannot be interrupted: a file that runs past the time-out ends the
// worker. Its request fails with `timedOut`, and a new worker starts for the next files.
function restartWorker(ms) {
  clearTimeout(shared.timer);
  if (shared.worker) shared.worker.terminate();
  shared.worker = null;
  shared.progress = null;
  shared.state = "idle";
  const err = Object.assign(new Error(`no answer after ${ms} ms`), { timedOut: true, ms });
  for (const [, entry] of shared.pending) entry.reject(err);
  shared.pending.clear();
  startWorker(shared.root);
  notify();
}

function ask(message, transfer) {
  if (shared.state === "failed") return Promise.reject(new Error(shared.error.message));
  const id = shared.nextId++;
  const ms = verifyTimeoutMs();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => restartWorker(ms), ms);
    shared.pending.set(id, {
      resolve: (value) => { clearTimeout(timer); resolve(value); },
      reject: (err) => { clearTimeout(timer); reject(err); },
    });
    shared.worker.postMessage({ ...message, id }, transfer || []);
  });
}

// --------------------------------------------------------------------------- rendering helpers

function localized(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map(localized).filter(Boolean).join("; ");
  if (typeof value === "object") {
    if (typeof value.en === "string") return value.en;
    for (const key of ["name", "title", "value", "@value"]) if (key in value) return localized(value[key]);
    const first = Object.values(value).find((v) => typeof v === "string");
    return first || "";
  }
  return String(value);
}

function safePage(siteRoot, page) {
  // Registry pages are site-relative paths such as "issuers/lu/"; anything else is not linked.
  if (typeof page !== "string" || !/^[A-Za-z0-9._~-][A-Za-z0-9._~/-]*$/.test(page) || page.includes("..")) return null;
  return siteRoot + page;
}

// The page's language for dates; a bare "en" means British order in Intl ("31 October 2026"),
// as on the rest of this European site, not the US one.
function dateLocale() {
  const lang = (document.documentElement.lang || "en").trim();
  return lang === "en" ? "en-GB" : lang;
}

// A date in words ("31 October 2026"), inside <time datetime="..."> holding what the credential says.
function dateNode(value) {
  const text = typeof value === "string" ? value : "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  const when = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!when || Number.isNaN(when.getTime())) return document.createTextNode(text);
  let words;
  try {
    words = new Intl.DateTimeFormat(dateLocale(), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(when);
  } catch {
    words = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(when);
  }
  return el("time", { datetime: m[0] }, words);
}

// --------------------------------------------------------------------------- pictures

const IMAGES = new WeakMap(); // credential summary object -> Uint8Array from the worker
const MAX_IMAGE_BYTES = 2000000;

function rasterType(bytes) {
  const starts = (sig, at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (!(bytes instanceof Uint8Array) || bytes.length < 12 || bytes.length > MAX_IMAGE_BYTES) return null;
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return "image/gif";
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}

function imageUrl(bytes) {
  const type = rasterType(bytes);
  if (!type) return null;
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${type};base64,${btoa(binary)}`;
}

// The worker sends the pictures of a report in this walk's order (worker.mjs: takeImages).
function attachImages(report, images) {
  const list = Array.isArray(images) ? images.slice() : [];
  const walk = (r) => {
    if (!r || typeof r !== "object") return;
    const cred = r.credential;
    if (cred && typeof cred === "object" && cred.image) {
      const bytes = list.shift();
      if (bytes instanceof Uint8Array) IMAGES.set(cred, bytes);
    }
    if (Array.isArray(r.credentials)) r.credentials.forEach(walk);
  };
  walk(report);
}

function registryOffer(registry, cred) {
  if (!registry || !registry.offers || !cred || !cred.offer || typeof cred.offer !== "object") return null;
  const id = cred.offer.id;
  return typeof id === "string" && Object.prototype.hasOwnProperty.call(registry.offers, id) ? registry.offers[id] : null;
}

function registryIssuer(registry, cred) {
  const issuer = cred && cred.issuer;
  if (!issuer || typeof issuer !== "object" || issuer.from_registry !== true) return null;
  const slug = issuer.slug;
  if (registry && registry.issuers && typeof slug === "string" && Object.prototype.hasOwnProperty.call(registry.issuers, slug)) {
    return registry.issuers[slug];
  }
  return { name: issuer.name, country: issuer.country, page: issuer.page };
}

// An issuer this registry does not list (the report's `issuer` object): with an intact
// signature, what the file claims, each part labelled as its claim; never a name as the issuer.
function unregisteredIssuer(issuer, ctx) {
  const wrap = el("span", { class: "cv-unknown" });
  const said = (v) => typeof v === "string" && v !== "";
  const cert = issuer.certificate && typeof issuer.certificate === "object" ? issuer.certificate : null;
  if (!said(issuer.names_itself) && !cert && !said(issuer.did)) {
    wrap.textContent = t("Issuer not in this registry (the name written in the credential is not shown)");
    return wrap;
  }
  const registryName = ctx.registry && ctx.registry.alliance ? ctx.registry.alliance.name : null;
  const alliance = said(issuer.alliance) ? issuer.alliance : said(registryName) ? registryName : "";
  wrap.append(
    alliance
      ? t("Not one of {alliance}'s universities.", { alliance })
      : t("Not one of the universities in this registry."),
  );
  const claim = (kind, text, tag) => {
    const part = el("span", { class: "cv-claim", "data-claim": kind }, text);
    if (tag) part.append(" ", el("span", { class: "cv-tag cv-tag--claim" }, tag));
    wrap.append(" ", part);
  };
  if (said(issuer.names_itself)) {
    claim("names-itself", t("It names itself “{name}”.", { name: issuer.names_itself }), t("its own claim, not verified"));
  }
  if (cert && said(cert.subject)) {
    const text = cert.self_signed === true
      ? t("Its seal certificate was issued to “{subject}” and is self-signed.", { subject: cert.subject })
      : t("Its seal certificate was issued to “{subject}” by “{authority}”, a certificate authority.", {
          subject: cert.subject,
          authority: said(cert.issuer) ? cert.issuer : "?",
        });
    claim("certificate", text, t("not checked against any trust list"));
  } else if (said(issuer.did)) {
    claim("did", t("It was signed with a key of {did}.", { did: issuer.did }));
  }
  return wrap;
}

function renderSummary(cred, report, ctx) {
  const card = el("div", { class: "cv-card", "data-verified": cred.verified === true ? "true" : "false" });
  const dl = el("dl", { class: "cv-summary" });
  // One rule for every format: everything shown is marked "not verified" unless a valid
  // signature by a key of this registry covers the credential (`verified`), and any field the
  // report lists in `unsigned` is marked too.
  const unsigned = new Set(Array.isArray(report.unsigned) ? report.unsigned.map(String) : []);
  const unverified = (key) => cred.verified !== true || unsigned.has(key);
  const mark = (node) => node.append(" ", el("span", { class: "cv-tag cv-tag--unsigned" }, t("not verified")));
  const row = (key, valueNode) => {
    const dt = el("dt", {}, FIELD_NAMES[key] || key);
    const dd = el("dd", { "data-field": key });
    dd.append(valueNode);
    if (unverified(key)) {
      dd.classList.add("cv-unsigned-value");
      mark(dd);
    }
    dl.append(dt, dd);
  };
  const text = (value) => document.createTextNode(value);
  const present = (v) => v !== null && v !== undefined && v !== "";

  const title = localized(cred.title);
  const url = imageUrl(IMAGES.get(cred));
  if (url) {
    const figure = el("figure", { class: "cv-card__picture", "data-field": "image" });
    figure.append(el("img", {
      class: "cv-card__image",
      src: url,
      alt: title ? t("The picture carried by the credential “{title}”", { title }) : t("The picture carried by the credential"),
    }));
    if (unverified("image")) {
      const caption = el("figcaption");
      mark(caption);
      figure.append(caption);
    }
    card.append(figure);
  }

  if (cred.learner) row("learner", text(localized(cred.learner)));
  if (title) row("title", text(title));

  // The issuer is shown from the registry only, never from the credential.
  const issuerEntry = registryIssuer(ctx.registry, cred);
  if (issuerEntry && issuerEntry.name) {
    const href = safePage(ctx.siteRoot, issuerEntry.page);
    const wrap = el("span");
    wrap.append(href ? el("a", { href }, issuerEntry.name) : el("span", {}, issuerEntry.name));
    if (issuerEntry.country) wrap.append(text(` (${issuerEntry.country})`));
    wrap.append(" ", el("span", { class: "cv-tag cv-tag--registry" }, t("from the registry")));
    row("issuer", wrap);
  } else if (cred.issuer) {
    row("issuer", unregisteredIssuer(cred.issuer, ctx));
  }
  if (cred.issued) row("issued", dateNode(cred.issued));
  if (cred.valid_until) row("valid_until", dateNode(cred.valid_until));
  if (present(cred.ects)) row("ects", text(String(cred.ects)));
  if (present(cred.eqf)) row("eqf", text(String(cred.eqf)));

  // Offer, and its learning outcomes, from the catalogue (registry.json).
  const offer = registryOffer(ctx.registry, cred);
  if (offer) {
    const outcomes = Array.isArray(offer.learning_outcomes) ? offer.learning_outcomes : [];
    if (outcomes.length) {
      const ul = el("ul", { class: "cv-outcomes" });
      for (const o of outcomes) ul.append(el("li", {}, localized(o)));
      row("learning_outcomes", ul);
    }
    const href = safePage(ctx.siteRoot, offer.page);
    const offerTitle = localized(offer.title) || offer.id;
    const wrap = el("span");
    wrap.append(href ? el("a", { href }, offerTitle) : el("span", {}, offerTitle));
    if (cred.offer.version) wrap.append(text(` ${t("(version {version})", { version: cred.offer.version })}`));
    wrap.append(" ", el("span", { class: "cv-tag cv-tag--registry" }, t("from the catalogue")));
    row("offer", wrap);
  }
  card.append(dl);
  return card;
}

function renderChecks(checks) {
  const ul = el("ul", { class: "cv-checks" });
  for (const check of Array.isArray(checks) ? checks : []) {
    const status = ["pass", "fail", "warn", "skip"].includes(check.status) ? check.status : "skip";
    const li = el("li", { class: `cv-check cv-check--${status}`, "data-check": String(check.id), "data-status": status });
    const head = el("div", { class: "cv-check__head" });
    head.append(
      el("span", { class: "cv-check__status" }, STATUS_LABELS[status]),
      el("span", { class: "cv-check__name" }, CHECK_NAMES[check.id] || String(check.id)),
    );
    li.append(head, el("p", { class: "cv-check__message" }, String(check.message || "")));
    const details = el("details", { class: "cv-check__detail" });
    details.append(el("summary", {}, t("Technical detail")));
    const p = el("p");
    p.append(...tParts("Code: {code}", { code: el("code", {}, String(check.code || "")) }));
    details.append(p);
    if (check.detail) details.append(el("pre", {}, String(check.detail)));
    li.append(details);
    ul.append(li);
  }
  return ul;
}

function renderReport(report, ctx, title, level, note) {
  const verdict = VERDICTS[report.verdict] ? report.verdict : "unverifiable";
  const article = el("article", {
    class: `cv-result cv-result--${verdict}`,
    "data-verdict": verdict,
    "data-format": String(report.format || "unknown"),
  });
  if (title) article.append(el(level === 1 ? "h3" : "h4", { class: "cv-result__title" }, title));
  if (note) article.append(el("p", { class: "cv-result__note" }, note));
  const banner = el("div", { class: `cv-banner cv-banner--${verdict}` });
  banner.append(el("strong", { class: "cv-banner__label" }, VERDICTS[verdict].label), el("span", {}, ` ${VERDICTS[verdict].text}`));
  article.append(banner);
  const cred = report.credential;
  if (cred && typeof cred === "object") article.append(renderSummary(cred, report, ctx));
  if (Array.isArray(report.unsigned) && report.unsigned.length) {
    const names = report.unsigned.map((k) => FIELD_NAMES[k] || String(k)).join("; ");
    article.append(el("p", { class: "cv-unsigned" }, t("Not covered by a valid signature, so not verified: {fields}.", { fields: names })));
  }
  article.append(el(level === 1 ? "h4" : "h5", { class: "cv-checks__title" }, t("Checks")), renderChecks(report.checks));
  if (Array.isArray(report.credentials)) {
    report.credentials.forEach((inner, i) => {
      article.append(renderReport(inner, ctx, t("Credential {n} of {count} in this presentation", { n: i + 1, count: report.credentials.length }), 2));
    });
  }
  return article;
}

// --------------------------------------------------------------------------- pathways

// The offers a report's valid credentials match, each with the learner it names (lower case,
// spacing collapsed; "" when it names none).
function offersOf(report, registry) {
  const out = [];
  const collect = (r) => {
    if (!r) return;
    if (Array.isArray(r.credentials)) r.credentials.forEach(collect);
    if ((r.verdict === "valid" || r.verdict === "valid_with_warnings") && r.credential) {
      const offer = registryOffer(registry, r.credential);
      const learner = (localized(r.credential.learner) || "").trim().replace(/\s+/g, " ").toLowerCase();
      if (offer) out.push({ id: offer.id, learner });
    }
  };
  collect(report);
  return out;
}

// What the credentials of one learner show of each pathway. Credentials that name different
// learners (or one that names none, beside others) complete nobody's pathway together: then
// nothing is said of pathways.
function pathwayFindings(results, registry) {
  if (!registry || !registry.pathways) return [];
  const have = new Set();
  const learners = new Set();
  let count = 0;
  for (const r of results) {
    const found = offersOf(r.report, registry);
    if (found.length) count += 1;
    found.forEach(({ id, learner }) => {
      have.add(id);
      learners.add(learner);
    });
  }
  if (learners.size > 1 || (have.size > 1 && learners.has(""))) return [];
  const findings = [];
  for (const pathway of Object.values(registry.pathways)) {
    const offers = Array.isArray(pathway.offers) ? pathway.offers : [];
    const inSet = offers.filter((id) => have.has(id));
    if (!inSet.length) continue;
    // Completion: every required member present and enough ECTS from the members (a rigid
    // pathway requires all its members even when `required` is left empty).
    let required = Array.isArray(pathway.required) ? pathway.required : [];
    if (!required.length && pathway.type === "rigid") required = offers;
    const missing = required.filter((id) => !have.has(id));
    const ects = inSet.reduce((sum, id) => sum + (Number(registry.offers[id] && registry.offers[id].ects) || 0), 0);
    const minEcts = Number(pathway.min_ects) || 0;
    findings.push({ pathway, inSet, missing, ects, minEcts, complete: !missing.length && ects >= minEcts, count });
  }
  return findings;
}

function renderPathways(findings, ctx) {
  const section = el("section", { class: "cv-pathways", "aria-labelledby": "cv-pathways-title" });
  section.append(el("h3", { id: "cv-pathways-title" }, t("Pathways")));
  const offerTitle = (id) => localized(ctx.registry.offers[id] && ctx.registry.offers[id].title) || id;
  for (const f of findings) {
    const p = el("p", {
      class: `cv-pathway cv-pathway--${f.complete ? "complete" : "partial"}`,
      "data-pathway": String(f.pathway.id || ""),
      "data-complete": f.complete ? "true" : "false",
    });
    const name = localized(f.pathway.title) || f.pathway.id;
    const href = safePage(ctx.siteRoot, f.pathway.page);
    const link = href ? el("a", { href }, name) : el("span", {}, name);
    const n = f.inSet.length;
    if (f.complete) {
      p.append(...(n === 1
        ? tParts("This credential completes the pathway {pathway}.", { pathway: link })
        : tParts("These {count} credentials complete the pathway {pathway}.", { count: n, pathway: link })));
    } else {
      p.append(...(n === 1
        ? tParts("This credential counts towards the pathway {pathway}.", { pathway: link })
        : tParts("These {count} credentials count towards the pathway {pathway}.", { count: n, pathway: link })));
      if (f.missing.length) p.append(" ", t("Missing: {offers}.", { offers: f.missing.map(offerTitle).join(", ") }));
      if (f.ects < f.minEcts) p.append(" ", t("{ects} of the at least {min} ECTS credits needed.", { ects: f.ects, min: f.minEcts }));
    }
    section.append(p);
  }
  return section;
}

// --------------------------------------------------------------------------- page binding

function tooLargeReport(size, max) {
  return {
    // Same check, code and verdict as the verifier core gives for an oversized input
    // (_envelope.read_envelope), but decided here, before the file is read at all.
    verdict: "invalid",
    format: "unknown",
    credential: null,
    checks: [
      {
        id: "format",
        status: "fail",
        code: "FORMAT_TOO_LARGE",
        message: t("The file is much larger than any credential, so it was not read."),
        detail: `${size} bytes; limit ${max} bytes (checked in the browser before reading)`,
      },
    ],
    unsigned: [],
  };
}

function errorReport(message, detail, code = "VERIFIER_ERROR") {
  return {
    verdict: "unverifiable",
    format: "unknown",
    credential: null,
    checks: [{ id: "format", status: "fail", code, message, detail: detail || "" }],
    unsigned: [],
  };
}

function timeoutReport(ms) {
  const seconds = Math.round(ms / 100) / 10;
  return errorReport(
    t("Checking this file took longer than {seconds} seconds, so it was stopped. No real credential takes that long: the file may be built to slow verifiers down. The verifier has been restarted for your next files.", { seconds }),
    `no answer after ${ms} ms; the verifier's worker was restarted`,
    "VERIFIER_TIMEOUT",
  );
}

function bind(root) {
  if (root.dataset.bound === "true") return;
  root.dataset.bound = "true";
  const $ = (sel) => root.querySelector(sel);
  const status = $("#cv-status");
  const bar = $("#cv-progress");
  const errorBox = $("#cv-error");
  const announce = $("#cv-announce");
  const results = $("#cv-results");
  const input = $("#cv-file");
  const drop = $("#cv-drop");
  const paste = $("#cv-paste");
  const pasteGo = $("#cv-paste-go");
  const samples = $("#cv-samples");
  const download = $("#cv-download");
  const maxBytes = Number(root.dataset.maxBytes) || DEFAULT_MAX_BYTES;
  // Links to the issuer and offer pages stay in the page's language (data-page-root);
  // data files are at the site root (data-site-root).
  const pageRoot = withSlash(root.dataset.pageRoot || root.dataset.siteRoot || "..");
  let lastBatch = null;
  let batchNo = 0;

  const render = () => {
    root.dataset.state = shared.state === "idle" ? "loading" : shared.state;
    if (shared.state === "ready") {
      status.textContent = t("The verifier is ready. Your files stay in this browser.");
      bar.hidden = true;
      if (root.dataset.announcedReady !== "true") {
        root.dataset.announcedReady = "true";
        announce.textContent = t("The verifier is ready.");
      }
    } else if (shared.state === "failed") {
      status.textContent = t("The verifier could not start.");
      bar.hidden = true;
      errorBox.hidden = false;
      errorBox.replaceChildren(el("p", { class: "cv-error__message" }, shared.error.message));
      if (shared.error.detail) {
        const d = el("details");
        d.append(el("summary", {}, t("Technical detail")), el("pre", {}, shared.error.detail));
        errorBox.append(d);
      }
      announce.textContent = shared.error.message;
    } else {
      const p = shared.progress;
      if (p) {
        const overall = Math.round(((p.step - 1) * 100 + p.percent) / p.steps);
        status.textContent = t("Loading the verifier… step {step}/{steps} ({percent} %)", { step: p.step, steps: p.steps, percent: overall });
        bar.value = overall;
      } else {
        status.textContent = t("Loading the verifier…");
      }
    }
  };
  shared.listeners.add(() => {
    if (root.isConnected) render();
  });
  render();

  async function verifyInputs(inputs) {
    const batch = ++batchNo;
    results.replaceChildren();
    download.hidden = true;
    results.setAttribute("aria-busy", "true");
    const waiting = shared.state !== "ready";
    if (waiting) announce.textContent = t("Your files will be checked as soon as the verifier has loaded.");
    const collected = [];
    try {
      await whenReady();
    } catch {
      results.removeAttribute("aria-busy");
      return;
    }
    const ctx = { registry: shared.info.registry, siteRoot: pageRoot };
    for (const item of inputs) {
      if (batch !== batchNo) return;
      let report;
      let kept = null; // the bytes as verified, for the share link
      if (item.report) {
        report = item.report;
      } else if (item.size > maxBytes) {
        report = tooLargeReport(item.size, maxBytes);
      } else {
        try {
          const bytes = await item.read();
          kept = bytes.slice();
          await whenReady(); // after a time-out, the new worker
          const msg = await ask({ type: "verify", bytes: bytes.buffer }, [bytes.buffer]);
          report = msg.report || errorReport(msg.error ? t(msg.error) : t("The verifier failed on this file."), msg.detail);
          if (msg.report) attachImages(report, msg.images);
        } catch (err) {
          report = err && err.timedOut
            ? timeoutReport(err.ms)
            : errorReport(t("This file could not be read."), String(err));
        }
      }
      if (batch !== batchNo) return;
      collected.push({ name: item.name, size: item.size, report });
      const article = renderReport(report, ctx, item.name, 1, item.note);
      results.append(article);
      if (kept) await addShareControls(article, { bytes: kept, report, registry: ctx.registry });
    }
    const now = new Date();
    const meta = el("p", { class: "cv-meta" });
    meta.append(...tParts("Checked in this browser on {date} at {time} UTC.", { date: dateNode(now.toISOString()), time: now.toISOString().slice(11, 16) }));
    results.prepend(meta);
    const findings = pathwayFindings(collected, ctx.registry);
    if (findings.length) results.append(renderPathways(findings, ctx));
    results.removeAttribute("aria-busy");
    lastBatch = collected;
    download.hidden = false;
    const counts = {};
    for (const r of collected) counts[r.report.verdict] = (counts[r.report.verdict] || 0) + 1;
    const tally = {
      valid: (n) => t("{count} valid", { count: n }),
      valid_with_warnings: (n) => t("{count} valid, with warnings", { count: n }),
      invalid: (n) => t("{count} not valid", { count: n }),
      unverifiable: (n) => t("{count} could not be verified", { count: n }),
    };
    const parts = Object.entries(counts).map(([v, n]) => (tally[v] || tally.unverifiable)(n));
    const head = collected.length === 1 ? t("Result") : t("{count} results", { count: collected.length });
    const done = findings.filter((f) => f.complete).map((f) => localized(f.pathway.title));
    announce.textContent = `${head}: ${parts.join(", ")}.${done.length ? ` ${t("Completes the pathway {pathway}.", { pathway: done.join(", ") })}` : ""}`;
    showResult();
  }

  // The result starts below the fold (after the file picker, the paste box and the samples):
  // bring its first heading to the top of the window and move the focus there, so that sighted
  // and keyboard users alike land on it; the live region above has already announced it.
  function showResult() {
    const heading = results.querySelector(".cv-result__title");
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.scrollIntoView({ block: "start", behavior: "auto" });
    heading.focus({ preventScroll: true });
  }

  const fromFiles = (fileList) =>
    Array.from(fileList || []).map((file) => ({
      name: file.name,
      size: file.size,
      read: async () => new Uint8Array(await file.arrayBuffer()),
    }));

  input.addEventListener("change", () => {
    const items = fromFiles(input.files);
    if (items.length) verifyInputs(items);
    input.value = "";
  });
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("cv-drop--over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("cv-drop--over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("cv-drop--over");
    const items = fromFiles(e.dataTransfer && e.dataTransfer.files);
    if (items.length) verifyInputs(items);
  });
  pasteGo.addEventListener("click", () => {
    const text = paste.value.trim();
    if (!text) {
      announce.textContent = t("Paste the credential's JSON or JWT text first.");
      paste.focus();
      return;
    }
    const bytes = new TextEncoder().encode(text);
    verifyInputs([{ name: t("Pasted text"), size: bytes.length, read: async () => bytes }]);
  });
  download.addEventListener("click", () => {
    if (!lastBatch) return;
    const doc = {
      format: "credsite-verification-report/1",
      verified_at: new Date().toISOString(),
      verifier: { page: location.origin + location.pathname, pyodide: shared.info && shared.info.pyodide },
      results: lastBatch.map((r) => ({ file: r.name, size: r.size, report: r.report })),
    };
    const blob = new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: "verification-report.json", hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });

  // "Try a sample" buttons from samples/index.json (same origin).
  const samplesUrl = root.dataset.samples;
  if (samplesUrl && samples) {
    const indexUrl = new URL(samplesUrl, location.href);
    fetch(indexUrl, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((index) => {
        const list = Array.isArray(index) ? index : Array.isArray(index && index.samples) ? index.samples : [];
        // One group of buttons per kind of credential, each button named by kind and case
        // ("Open Badge: revoked"), which is what a person recognises, not the signature suite.
        const groups = new Map();
        const groupFor = (kind) => {
          if (!groups.has(kind)) {
            const group = el("div", { class: "cv-samples__buttons", role: "group" });
            if (kind) {
              const id = `cv-samples-kind-${groups.size + 1}`;
              group.setAttribute("aria-labelledby", id);
              group.append(el("p", { class: "cv-samples__kind", id }, kind));
            }
            groups.set(kind, group);
          }
          return groups.get(kind);
        };
        for (const s of list) {
          if (!s || typeof s.file !== "string" || !/^[A-Za-z0-9._-]+$/.test(s.file)) continue;
          // The samples' words are translated like the page (samples/index.json is extracted).
          const kind = typeof s.kind === "string" ? t(s.kind) : "";
          const sampleCase = typeof s.case === "string" ? t(s.case) : "";
          const description = typeof s.description === "string" ? t(s.description) : "";
          const label = kind && sampleCase ? `${kind}: ${sampleCase}` : description || s.file;
          const button = el("button", {
            type: "button",
            class: "md-button cv-sample",
            "data-sample": s.file,
            "data-expected": s.expected_verdict || s.expected || s.verdict || "",
            title: description || null,
          });
          if (kind && sampleCase) {
            button.append(el("span", { class: "cv-sample__kind" }, `${kind}: `), el("span", { class: "cv-sample__case" }, sampleCase));
          } else {
            button.append(label);
          }
          button.addEventListener("click", async () => {
            const url = new URL(s.file, indexUrl);
            verifyInputs([
              {
                name: t("Sample: {label}", { label }),
                note: kind && sampleCase && description ? description : null,
                size: 0,
                read: async () => {
                  const r = await fetch(url, { credentials: "same-origin" });
                  if (!r.ok) throw new Error(`HTTP ${r.status}`);
                  return new Uint8Array(await r.arrayBuffer());
                },
              },
            ]);
          });
          groupFor(kind).append(button);
        }
        if (groups.size) {
          samples.hidden = false;
          for (const group of groups.values()) samples.append(group);
        }
      })
      .catch(() => {
        /* no samples on this site: the section stays hidden */
      });
  }

  // Automation hook for the benchmark script: warm timings measured inside the worker.
  root.addEventListener("credsite-verifier:measure", async (event) => {
    const d = event.detail || {};
    await whenReady();
    const bytes = new Uint8Array(d.bytes);
    const msg = await ask({ type: "measure", bytes: bytes.buffer, iterations: d.iterations, warmup: d.warmup }, [bytes.buffer]);
    root.dispatchEvent(new CustomEvent("credsite-verifier:measured", { detail: { key: d.key, ...msg } }));
  });

  // A share link (verify/#c1.…) is checked on arrival, as a dropped file would be; so is one
  // pasted into the address bar of this page later.
  const openLink = async () => {
    const item = await linkInput(root, location.hash, maxBytes);
    if (item) verifyInputs([item]);
  };
  window.addEventListener("hashchange", openLink);
  openLink();

  startWorker(root);
}

function keepFullLoads() {
  // Leave this page with a full navigation, so the next page gets its own <head> and scripts.
  document.addEventListener(
    "click",
    (e) => {
      const a = e.target instanceof Element ? e.target.closest("a[href]") : null;
      if (a && document.getElementById(ROOT_ID)) e.stopPropagation();
    },
    true,
  );
}

function init() {
  const root = document.getElementById(ROOT_ID);
  if (!root) return;
  if (documentPath() !== location.pathname && !shared.worker) {
    // Reached through instant navigation: load the page for real (its own security policy).
    location.reload();
    return;
  }
  bind(root);
}

if (!window.__credsiteVerifierLoaded) {
  window.__credsiteVerifierLoaded = true;
  keepFullLoads();
  // Start the verifier now (this module runs once the page is parsed) rather than when the
  // theme has set the page up: its download and start-up overlap the theme's scripts.
  const early = document.getElementById(ROOT_ID);
  if (early && documentPath() === location.pathname) startWorker(early);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => init());
  }
  init();
}
