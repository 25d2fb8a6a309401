// Share links: a credential carried in the URL fragment of the verify page.
//
// The same format as build_tools/verifier/sharelink.py (docs/interfaces.md, "Share links"):
//   #c1.<base64url of the deflate-raw compressed file>   the link the page shows and copies
//   #q1.<the same compressed bytes in decimal groups>    the form printed in QR codes
//   #id.<credential id>                                  names a credential, does not carry it
// The fragment is attacker-controlled: its length is bounded before decoding, the decompressed
// size is bounded by the verifier's maximum file size (reading stops there), and a stream that
// is cut short or followed by other bytes is refused. The browser's own
// CompressionStream/DecompressionStream("deflate-raw") do the compression.

import { t } from "./i18n.mjs";

// The longest link offered for sharing (the whole URL); the reasons are in sharelink.py.
export const LINK_LIMIT = 8000;

const GROUP = 7;
const GROUP_DIGITS = 17;
const TAIL_BYTES = { 3: 1, 5: 2, 8: 3, 10: 4, 13: 5, 15: 6 };
const ID_MAX = 200;
// A URI: a scheme, a colon, then no spaces (so a link cannot put a sentence on the page).
const ID_SHAPE = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/u;

export class ShareLinkError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const malformed = (why) => new ShareLinkError("SHARE_LINK_MALFORMED", t("The link is damaged: {why}.", { why }));

async function readAll(stream, maxBytes) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (maxBytes !== undefined && total > maxBytes) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function pipeThrough(bytes, transform, maxBytes) {
  const writer = transform.writable.getWriter();
  // Written and read at the same time, so that a large input never waits on a full queue.
  const writing = writer.write(bytes).then(() => writer.close());
  writing.catch(() => {});
  const out = await readAll(transform.readable, maxBytes);
  if (out !== null) await writing;
  return out;
}

function base64url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unbase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw malformed(t("it holds characters outside base64url"));
  if (text.length % 4 === 1) throw malformed(t("its base64url text has an impossible length"));
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function undigits(text) {
  if (!/^[0-9]*$/.test(text)) throw malformed(t("the QR form holds a character that is not a digit"));
  const tail = text.length % GROUP_DIGITS;
  if (tail && !(tail in TAIL_BYTES)) throw malformed(t("the QR form has a length no byte count gives"));
  const groups = Math.ceil(text.length / GROUP_DIGITS);
  const out = new Uint8Array(Math.floor(text.length / GROUP_DIGITS) * GROUP + (tail ? TAIL_BYTES[tail] : 0));
  let at = 0;
  for (let i = 0; i < groups; i++) {
    const chunk = text.slice(i * GROUP_DIGITS, (i + 1) * GROUP_DIGITS);
    const size = chunk.length === GROUP_DIGITS ? GROUP : TAIL_BYTES[chunk.length];
    let value = BigInt(chunk);
    if (value >= 1n << BigInt(8 * size)) throw malformed(t("a group of digits in the QR form is out of range"));
    for (let j = size - 1; j >= 0; j--) {
      out[at + j] = Number(value & 0xffn);
      value >>= 8n;
    }
    at += size;
  }
  return out;
}

async function inflate(raw, maxBytes) {
  let out;
  try {
    out = await pipeThrough(raw, new DecompressionStream("deflate-raw"), maxBytes);
  } catch {
    // The browser's decompressor fails alike on unreadable data, on a stream cut short and
    // on bytes after its end.
    throw malformed(t("its compressed data cannot be read, is cut short, or is followed by other data"));
  }
  if (out === null) {
    throw new ShareLinkError(
      "SHARE_LINK_TOO_LARGE",
      t("The link unpacks to more than {max} bytes, more than any credential file the verifier reads, so it was not read.", { max: maxBytes }),
    );
  }
  if (!out.length) throw malformed(t("it carries an empty file"));
  return out;
}

// The fragment ("#c1.…" or "c1.…") that carries `bytes`.
export async function encodeCredential(bytes) {
  const raw = await pipeThrough(bytes, new CompressionStream("deflate-raw"));
  return `c1.${base64url(raw)}`;
}

// What a fragment holds: {kind: "credential", bytes} or {kind: "id", id}. Throws ShareLinkError
// (code SHARE_LINK_UNKNOWN, SHARE_LINK_MALFORMED or SHARE_LINK_TOO_LARGE).
export async function decodeFragment(fragment, maxBytes) {
  const text = String(fragment || "").replace(/^#/, "");
  const dot = text.indexOf(".");
  const kind = dot > 0 ? text.slice(0, dot) : "";
  const body = text.slice(dot + 1);
  if (!["c1", "q1", "id"].includes(kind)) {
    throw new ShareLinkError("SHARE_LINK_UNKNOWN", t("The link's fragment is not a credsite share link."));
  }
  if (kind === "id") {
    let id;
    try {
      id = decodeURIComponent(body);
    } catch {
      throw malformed(t("the credential id it names is not percent-encoded UTF-8"));
    }
    // Printable as Python's str.isprintable() has it: no control, format, unassigned or
    // separator characters other than the space.
    const chars = [...id];
    if (chars.length > ID_MAX || chars.some((ch) => ch !== " " && /[\p{C}\p{Z}]/u.test(ch)) || !ID_SHAPE.test(id)) {
      throw malformed(t("the credential id it names is not an identifier (a URI without spaces, at most 200 characters)"));
    }
    return { kind: "id", id };
  }
  const limitBytes = maxBytes + 5 * (Math.floor(maxBytes / 65535) + 1) + 16;
  const limitChars = kind === "c1" ? Math.floor((limitBytes * 4) / 3) + 4 : Math.floor((limitBytes * 17) / 7) + 17;
  if (body.length > limitChars) {
    throw new ShareLinkError(
      "SHARE_LINK_TOO_LARGE",
      t("The link is longer than any link to a file of at most {max} bytes, so it was not read.", { max: maxBytes }),
    );
  }
  const raw = kind === "c1" ? unbase64url(body) : undigits(body);
  return { kind: "credential", bytes: await inflate(raw, maxBytes) };
}

// The verify page's own address (no query, no fragment) followed by `fragment`.
export function linkFor(pageUrl, fragment) {
  const url = new URL(pageUrl);
  url.search = "";
  url.hash = "";
  return `${url.href}#${fragment}`;
}
