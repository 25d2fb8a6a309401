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

// The whole table, as JSON text: the verifier's worker gets it to word its check messages in
// the page's language (build_tools/verifier/messages.py).
export function stringsJson() {
  return JSON.stringify(strings());
}

export function pageLanguage() {
  return (typeof document !== "undefined" && document.documentElement.lang) || "en";
}

// A translated sentence as a list of text and nodes: a {name} whose value is a DOM node (a
// link, say) is put in place as that node, so the sentence stays whole for translators.
export function tParts(msgid, params = {}) {
  const text = Object.prototype.hasOwnProperty.call(strings(), msgid) ? strings()[msgid] : msgid;
  const parts = [];
  let last = 0;
  for (const m of String(text).matchAll(/\{(\w+)\}/g)) {
    if (!Object.prototype.hasOwnProperty.call(params, m[1])) continue;
    parts.push(text.slice(last, m.index));
    const value = params[m[1]];
    parts.push(typeof value === "object" && value !== null ? value : String(value));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== "");
}
