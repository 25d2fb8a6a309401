// Interface strings in the page's language.
//
// Every string a script shows goes through t(msgid, params): the msgid is the English text,
// with {name} placeholders filled from params. The build writes the page language's
// translations into <script type="application/json" id="cs-strings"> (a JSON object
// msgid -> translation); a msgid missing there is shown in English.

let table = null;

function strings() {
  if (table === null) {
    table = {};
    const node = typeof document !== "undefined" ? document.getElementById("cs-strings") : null;
    if (node) {
      try {
        const parsed = JSON.parse(node.textContent || "{}");
        if (parsed && typeof parsed === "object") table = parsed;
      } catch (_) {
        table = {};
      }
    }
  }
  return table;
}

export function t(msgid, params = {}) {
  const text = Object.prototype.hasOwnProperty.call(strings(), msgid) ? strings()[msgid] : msgid;
  return String(text).replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function pageLanguage() {
  return (typeof document !== "undefined" && document.documentElement.lang) || "en";
}
