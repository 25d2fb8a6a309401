// Credential verifier page: main-thread UI. All verification runs in worker.mjs.
//
// - init() is idempotent: it binds one page root once, and runs again on the theme's
//   page-change event (Material's `document$`), reusing one worker per document.
// - Arriving on this page through the theme's instant navigation would keep the previous
//   page's <head> (so not this page's Content-Security-Policy): the page then reloads itself.
// - Every value from a credential, a report or a file name is written with textContent or
//   setAttribute on a fixed attribute name, never as HTML.

const ROOT_ID = "credsite-verifier";
const DEFAULT_START_TIMEOUT_MS = 30000;
const DEFAULT_MAX_BYTES = 5000000;

const VERDICTS = {
  valid: {
    label: "Valid",
    text: "The signature is intact, the key belongs to an issuer in this registry and no check failed.",
  },
  valid_with_warnings: {
    label: "Valid, with warnings",
    text: "The signature is intact, but some checks need your attention. Read the warnings below.",
  },
  invalid: { label: "Not valid", text: "At least one check failed. Do not rely on this credential." },
  unverifiable: {
    label: "Could not be verified",
    text: "The file could not be checked. It may not be a credential, or its format is not supported.",
  },
};
const STATUS_LABELS = { pass: "Passed", fail: "Failed", warn: "Warning", skip: "Not checked" };
const CHECK_NAMES = {
  format: "File format",
  jsonld: "Data structure (JSON-LD)",
  signature: "Signature",
  issuer_key: "Issuer key in the registry",
  validity: "Validity dates",
  revocation: "Revocation",
  catalogue: "Course offer in the catalogue",
  eu_elements: "EU micro-credential elements",
};
const FIELD_NAMES = {
  learner: "Learner",
  title: "Title",
  issuer: "Issuer",
  issued: "Date of issue",
  valid_until: "Valid until",
  ects: "ECTS credits",
  eqf: "EQF level",
  learning_outcomes: "Learning outcomes",
  offer: "Course offer",
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
  let worker;
  try {
    worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module", name: "credsite-verifier" });
  } catch (err) {
    fail("The verifier could not start: this browser does not allow its background worker.", String(err));
    return;
  }
  shared.worker = worker;
  shared.timer = setTimeout(() => {
    fail(
      "The verifier did not start within 30 seconds. Your browser may block WebAssembly (a security setting or an extension), or the connection is very slow. Reload the page to try again.",
      `no ready message after ${timeoutMs} ms`,
    );
  }, timeoutMs);
  worker.onmessage = (event) => onWorkerMessage(event.data || {});
  worker.onerror = (event) => {
    fail("The verifier could not start: its program files did not load.", event && event.message ? event.message : "worker error");
  };
  worker.postMessage({ type: "start", siteRoot, registryUrl });
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
    notify();
  } else if (msg.type === "error") {
    fail(msg.message || "The verifier could not start.", [msg.code, msg.detail].filter(Boolean).join(": "));
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

function formatDate(value) {
  if (typeof value !== "string" || !value) return "";
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(value);
  return m ? m[1] : value;
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

function renderSummary(cred, report, ctx) {
  const dl = el("dl", { class: "cv-summary" });
  // Values read from the credential are marked when no valid signature covers them.
  const signed = cred.verified === true;
  const row = (key, valueNode, fromCredential) => {
    const dt = el("dt", {}, FIELD_NAMES[key] || key);
    const dd = el("dd", { "data-field": key });
    dd.append(valueNode);
    if (fromCredential && !signed) {
      dd.classList.add("cv-unsigned-value");
      dd.append(" ", el("span", { class: "cv-tag cv-tag--unsigned" }, "not verified"));
    }
    dl.append(dt, dd);
  };
  const text = (value) => document.createTextNode(value);

  if (cred.learner) row("learner", text(localized(cred.learner)), true);
  if (cred.title) row("title", text(localized(cred.title)), true);

  // The issuer is shown from the registry only, never from the credential.
  const issuerEntry = registryIssuer(ctx.registry, cred);
  if (issuerEntry && issuerEntry.name) {
    const href = safePage(ctx.siteRoot, issuerEntry.page);
    const wrap = el("span");
    wrap.append(href ? el("a", { href }, issuerEntry.name) : el("span", {}, issuerEntry.name));
    if (issuerEntry.country) wrap.append(text(` (${issuerEntry.country})`));
    wrap.append(" ", el("span", { class: "cv-tag cv-tag--registry" }, "from the registry"));
    row("issuer", wrap, false);
  } else if (cred.issuer) {
    row("issuer", el("span", { class: "cv-unknown" }, "Not in this registry (the name written in the credential is not shown)"), false);
  }
  if (cred.issued) row("issued", text(formatDate(cred.issued)), true);
  if (cred.valid_until) row("valid_until", text(formatDate(cred.valid_until)), true);
  if (cred.ects !== null && cred.ects !== undefined && cred.ects !== "") row("ects", text(String(cred.ects)), true);
  if (cred.eqf !== null && cred.eqf !== undefined && cred.eqf !== "") row("eqf", text(String(cred.eqf)), true);

  // Offer, and its learning outcomes, from the catalogue (registry.json).
  const offer = registryOffer(ctx.registry, cred);
  if (offer) {
    const outcomes = Array.isArray(offer.learning_outcomes) ? offer.learning_outcomes : [];
    if (outcomes.length) {
      const ul = el("ul", { class: "cv-outcomes" });
      for (const o of outcomes) ul.append(el("li", {}, localized(o)));
      row("learning_outcomes", ul, false);
    }
    const href = safePage(ctx.siteRoot, offer.page);
    const title = localized(offer.title) || offer.id;
    const wrap = el("span");
    wrap.append(href ? el("a", { href }, title) : el("span", {}, title));
    if (cred.offer.version) wrap.append(text(` (version ${cred.offer.version})`));
    wrap.append(" ", el("span", { class: "cv-tag cv-tag--registry" }, "from the catalogue"));
    row("offer", wrap, false);
  }
  return dl;
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
    details.append(el("summary", {}, "Technical detail"));
    const p = el("p");
    p.append("Code: ", el("code", {}, String(check.code || "")));
    details.append(p);
    if (check.detail) details.append(el("pre", {}, String(check.detail)));
    li.append(details);
    ul.append(li);
  }
  return ul;
}

function renderReport(report, ctx, title, level) {
  const verdict = VERDICTS[report.verdict] ? report.verdict : "unverifiable";
  const article = el("article", {
    class: `cv-result cv-result--${verdict}`,
    "data-verdict": verdict,
    "data-format": String(report.format || "unknown"),
  });
  if (title) article.append(el(level === 1 ? "h3" : "h4", { class: "cv-result__title" }, title));
  const banner = el("div", { class: `cv-banner cv-banner--${verdict}` });
  banner.append(el("strong", { class: "cv-banner__label" }, VERDICTS[verdict].label), el("span", {}, ` ${VERDICTS[verdict].text}`));
  article.append(banner);
  const cred = report.credential;
  if (cred && typeof cred === "object") article.append(renderSummary(cred, report, ctx));
  if (Array.isArray(report.unsigned) && report.unsigned.length) {
    const names = report.unsigned.map((k) => FIELD_NAMES[k] || String(k)).join("; ");
    article.append(el("p", { class: "cv-unsigned" }, `Not covered by a valid signature, so not verified: ${names}.`));
  }
  article.append(el(level === 1 ? "h4" : "h5", { class: "cv-checks__title" }, "Checks"), renderChecks(report.checks));
  if (Array.isArray(report.credentials)) {
    report.credentials.forEach((inner, i) => {
      article.append(renderReport(inner, ctx, `Credential ${i + 1} of ${report.credentials.length} in this presentation`, 2));
    });
  }
  return article;
}

// --------------------------------------------------------------------------- pathways

function offersOf(report, registry) {
  const out = [];
  const collect = (r) => {
    if (!r) return;
    if (Array.isArray(r.credentials)) r.credentials.forEach(collect);
    if ((r.verdict === "valid" || r.verdict === "valid_with_warnings") && r.credential) {
      const offer = registryOffer(registry, r.credential);
      if (offer) out.push(offer.id);
    }
  };
  collect(report);
  return out;
}

function pathwayFindings(results, registry) {
  if (!registry || !registry.pathways) return [];
  const have = new Set();
  let count = 0;
  for (const r of results) {
    const ids = offersOf(r.report, registry);
    if (ids.length) count += 1;
    ids.forEach((id) => have.add(id));
  }
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
  section.append(el("h3", { id: "cv-pathways-title" }, "Pathways"));
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
    const those = n === 1 ? "This credential" : `These ${n} credentials`;
    if (f.complete) {
      p.append(`${those} ${n === 1 ? "completes" : "complete"} the pathway `, link, ".");
    } else {
      p.append(`${those} ${n === 1 ? "counts" : "count"} towards the pathway `, link, ". ");
      const parts = [];
      if (f.missing.length) parts.push(`missing: ${f.missing.map(offerTitle).join(", ")}`);
      if (f.ects < f.minEcts) parts.push(`${f.ects} of the at least ${f.minEcts} ECTS credits needed`);
      p.append(parts.length ? `${parts.join("; ")[0].toUpperCase()}${parts.join("; ").slice(1)}.` : "");
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
        message: "The file is much larger than any credential, so it was not read.",
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
    `Checking this file took longer than ${seconds} seconds, so it was stopped. No real credential takes that long: the file may be built to slow verifiers down. The verifier has been restarted for your next files.`,
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
  const siteRootAttr = withSlash(root.dataset.siteRoot || "..");
  let lastBatch = null;
  let batchNo = 0;

  const render = () => {
    root.dataset.state = shared.state === "idle" ? "loading" : shared.state;
    if (shared.state === "ready") {
      status.textContent = "The verifier is ready. Your files stay in this browser.";
      bar.hidden = true;
      if (root.dataset.announcedReady !== "true") {
        root.dataset.announcedReady = "true";
        announce.textContent = "The verifier is ready.";
      }
    } else if (shared.state === "failed") {
      status.textContent = "The verifier could not start.";
      bar.hidden = true;
      errorBox.hidden = false;
      errorBox.replaceChildren(el("p", { class: "cv-error__message" }, shared.error.message));
      if (shared.error.detail) {
        const d = el("details");
        d.append(el("summary", {}, "Technical detail"), el("pre", {}, shared.error.detail));
        errorBox.append(d);
      }
      announce.textContent = shared.error.message;
    } else {
      const p = shared.progress;
      if (p) {
        const overall = Math.round(((p.step - 1) * 100 + p.percent) / p.steps);
        status.textContent = `Loading the verifier… step ${p.step}/${p.steps} (${overall} %)`;
        bar.value = overall;
      } else {
        status.textContent = "Loading the verifier…";
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
    if (waiting) announce.textContent = "Your files will be checked as soon as the verifier has loaded.";
    const collected = [];
    try {
      await whenReady();
    } catch {
      results.removeAttribute("aria-busy");
      return;
    }
    const ctx = { registry: shared.info.registry, siteRoot: siteRootAttr };
    for (const item of inputs) {
      if (batch !== batchNo) return;
      let report;
      if (item.size > maxBytes) {
        report = tooLargeReport(item.size, maxBytes);
      } else {
        try {
          const bytes = await item.read();
          await whenReady(); // after a time-out, the new worker
          const msg = await ask({ type: "verify", bytes: bytes.buffer }, [bytes.buffer]);
          report = msg.report || errorReport(msg.error || "The verifier failed on this file.", msg.detail);
        } catch (err) {
          report = err && err.timedOut
            ? timeoutReport(err.ms)
            : errorReport("This file could not be read.", String(err));
        }
      }
      if (batch !== batchNo) return;
      collected.push({ name: item.name, size: item.size, report });
      results.append(renderReport(report, ctx, item.name, 1));
    }
    const when = new Date().toISOString().replace("T", " ").slice(0, 16);
    results.prepend(el("p", { class: "cv-meta" }, `Checked in this browser on ${when} UTC.`));
    const findings = pathwayFindings(collected, ctx.registry);
    if (findings.length) results.append(renderPathways(findings, ctx));
    results.removeAttribute("aria-busy");
    lastBatch = collected;
    download.hidden = false;
    const counts = {};
    for (const r of collected) counts[r.report.verdict] = (counts[r.report.verdict] || 0) + 1;
    const parts = Object.entries(counts).map(([v, n]) => `${n} ${(VERDICTS[v] || VERDICTS.unverifiable).label.toLowerCase()}`);
    const head = collected.length === 1 ? "Result" : `${collected.length} results`;
    const done = findings.filter((f) => f.complete).map((f) => localized(f.pathway.title));
    announce.textContent = `${head}: ${parts.join(", ")}.${done.length ? ` Completes pathway ${done.join(", ")}.` : ""}`;
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
      announce.textContent = "Paste the credential's JSON or JWT text first.";
      paste.focus();
      return;
    }
    const bytes = new TextEncoder().encode(text);
    verifyInputs([{ name: "Pasted text", size: bytes.length, read: async () => bytes }]);
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
        const group = el("div", { class: "cv-samples__buttons" });
        for (const s of list) {
          if (!s || typeof s.file !== "string" || !/^[A-Za-z0-9._-]+$/.test(s.file)) continue;
          const label = s.description || s.file;
          const button = el("button", {
            type: "button",
            class: "md-button cv-sample",
            "data-sample": s.file,
            "data-expected": s.expected_verdict || s.expected || s.verdict || "",
          }, label);
          if (s.format) button.append(" ", el("span", { class: "cv-sample__format" }, `(${s.format})`));
          button.addEventListener("click", async () => {
            const url = new URL(s.file, indexUrl);
            verifyInputs([
              {
                name: `Sample: ${label}`,
                size: 0,
                read: async () => {
                  const r = await fetch(url, { credentials: "same-origin" });
                  if (!r.ok) throw new Error(`HTTP ${r.status}`);
                  return new Uint8Array(await r.arrayBuffer());
                },
              },
            ]);
          });
          group.append(button);
        }
        if (group.childElementCount) {
          samples.hidden = false;
          samples.append(group);
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
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => init());
  }
  init();
}
