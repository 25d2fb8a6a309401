// Share links on the verify page: opening one, and offering one for a result.
//
// - linkInput(): the credential a share link carries (location.hash), as an input of the same
//   kind as a dropped file; a damaged or oversized link becomes a ready report instead.
// - addShareControls(): under a result, the share link with a copy button and a plain statement
//   that the link contains the credential, or why the credential is too large for a link; on a
//   valid result, LinkedIn's "Add to profile" link, with names from the registry and signed
//   data only (a plain link the user may follow: the page itself makes no request).
// - A link that only names a credential (#id.…) is announced above the file picker, and a
//   result for the credential it names says so.
// Every value is written with textContent or setAttribute, never as HTML.

import { t } from "./i18n.mjs";
import { LINK_LIMIT, ShareLinkError, decodeFragment, encodeCredential, linkFor } from "./sharelink.mjs";

const SHARE_KINDS = /^#(c1|q1|id)\./;
const LINKEDIN = "https://www.linkedin.com/profile/add";

const state = { namedId: null };

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

// The address of this page without query or fragment (what share links start with).
export function pageAddress() {
  return linkFor(location.href, "").slice(0, -1);
}

function linkReport(err) {
  const tooLarge = err instanceof ShareLinkError && err.code === "SHARE_LINK_TOO_LARGE";
  const code = err instanceof ShareLinkError ? err.code : "SHARE_LINK_MALFORMED";
  return {
    // A link too large to be a credential is refused as an oversized file is (verdict
    // invalid); a damaged link could not be read at all (unverifiable).
    verdict: tooLarge ? "invalid" : "unverifiable",
    format: "unknown",
    credential: null,
    checks: [
      {
        id: "format",
        status: "fail",
        code,
        message: `${err && err.message ? err.message : t("The link could not be read.")} ${t("Ask the person who sent it for the credential file, or for a new link.")}`,
        detail: t("read from the link's fragment in this browser; nothing was sent to a server"),
      },
    ],
    unsigned: [],
  };
}

function showNamedId(root, id) {
  let note = root.querySelector("#cv-named");
  if (!id) {
    if (note) note.remove();
    return;
  }
  if (!note) {
    note = el("p", { id: "cv-named", class: "cv-named", role: "note" });
    const drop = root.querySelector("#cv-drop");
    if (drop) drop.before(note);
    else root.append(note);
  }
  note.replaceChildren(
    t("This link names the credential {id} but does not contain it, so it cannot be checked from the link alone. Open the credential file from its holder here, or a share link that carries it.", { id }),
  );
}

// The input a share link in `hash` stands for: {name, size, read} like a dropped file, or
// {name, size, report} when the link cannot be read; null when `hash` is not a share link.
export async function linkInput(root, hash, maxBytes) {
  if (!SHARE_KINDS.test(hash || "")) return null;
  const name = t("Credential from the link");
  try {
    const shared = await decodeFragment(hash, maxBytes);
    if (shared.kind === "id") {
      state.namedId = shared.id;
      showNamedId(root, shared.id);
      return null;
    }
    state.namedId = null;
    showNamedId(root, null);
    const bytes = shared.bytes;
    return { name, size: bytes.length, read: async () => bytes.slice() };
  } catch (err) {
    return { name, size: 0, report: linkReport(err) };
  }
}

function localized(value) {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof value.en === "string") return value.en;
  if (value && typeof value === "object") {
    const first = Object.values(value).find((v) => typeof v === "string");
    return first || "";
  }
  return "";
}

function own(object, key) {
  return object && typeof object === "object" && typeof key === "string" && Object.prototype.hasOwnProperty.call(object, key);
}

// LinkedIn's "Add to profile" address, from the registry and the signed data only; null when
// the result is not valid or a name is missing.
export function linkedInUrl(report, registry, certUrl) {
  if (!report || (report.verdict !== "valid" && report.verdict !== "valid_with_warnings")) return null;
  const cred = report.credential;
  if (!cred || cred.verified !== true || !registry) return null;
  const unsigned = new Set(Array.isArray(report.unsigned) ? report.unsigned.map(String) : []);
  const issuer = cred.issuer;
  if (!issuer || issuer.from_registry !== true || !own(registry.issuers, issuer.slug)) return null;
  const organization = String(registry.issuers[issuer.slug].name || "");
  const offerId = cred.offer && typeof cred.offer === "object" ? cred.offer.id : null;
  const offer = own(registry.offers, offerId) ? registry.offers[offerId] : null;
  const name = offer ? localized(offer.title) : unsigned.has("title") ? "" : localized(cred.title);
  if (!name || !organization) return null;
  const params = new URLSearchParams({ startTask: "CERTIFICATION_NAME", name, organizationName: organization });
  const issued = !unsigned.has("issued") && /^(\d{4})-(\d{2})/.exec(String(cred.issued || ""));
  if (issued) {
    params.set("issueYear", issued[1]);
    params.set("issueMonth", String(Number(issued[2])));
  }
  params.set("certUrl", certUrl);
  if (typeof cred.id === "string" && cred.id) params.set("certId", cred.id);
  return `${LINKEDIN}?${params.toString()}`;
}

// The share section under one result (`bytes`: the file as it was verified).
export async function addShareControls(article, { bytes, report, registry, headingLevel = 4 }) {
  if (!(bytes instanceof Uint8Array) || !bytes.length || !report || !report.credential) return;
  const cred = report.credential;
  // "This is the credential the link names" only of a verified credential: any file can
  // carry the id.
  const same = state.namedId && cred.id === state.namedId;
  if (state.namedId && typeof cred.id === "string" && (!same || cred.verified === true)) {
    article.append(
      el(
        "p",
        { class: `cv-named-result cv-named-result--${same ? "same" : "other"}`, "data-named": same ? "same" : "other" },
        same
          ? t("This is the credential the link you opened names ({id}).", { id: state.namedId })
          : t("This is not the credential the link you opened names: that one is {id}.", { id: state.namedId }),
      ),
    );
  }
  let link;
  try {
    link = linkFor(pageAddress(), await encodeCredential(bytes));
  } catch {
    return; // a browser without CompressionStream: no share link
  }
  const section = el("section", { class: "cv-share", "data-share": link.length <= LINK_LIMIT ? "link" : "too-large" });
  section.append(el(`h${headingLevel}`, { class: "cv-share__title" }, t("Share link")));
  let certUrl;
  if (link.length <= LINK_LIMIT) {
    certUrl = link;
    section.append(
      el(
        "p",
        { class: "cv-share__warning" },
        t("This link contains the credential itself: anyone who has the link can read everything in it, including the learner's name. It is kept in the part of the address after “#”, which browsers do not send to any server."),
      ),
    );
    const id = `cv-share-${Math.random().toString(36).slice(2, 10)}`;
    const row = el("p", { class: "cv-share__row" });
    const label = el("label", { for: id, class: "cv-visually-hidden" }, t("Share link"));
    const input = el("input", { id, class: "cv-share__link", type: "text", readonly: true, spellcheck: "false", value: link });
    const copy = el("button", { type: "button", class: "md-button cv-share__copy" }, t("Copy the link"));
    const said = el("span", { class: "cv-share__status", role: "status" });
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(link);
        said.textContent = t("Link copied.");
      } catch {
        input.focus();
        input.select();
        said.textContent = t("Copying is not allowed here: the link is selected, copy it with your keyboard.");
      }
    });
    row.append(label, input, " ", copy, " ", said);
    section.append(row, el("p", { class: "cv-share__size" }, t("{chars} characters.", { chars: link.length })));
  } else {
    certUrl = typeof cred.id === "string" && cred.id ? linkFor(pageAddress(), `id.${encodeURIComponent(cred.id)}`) : pageAddress();
    section.append(
      el(
        "p",
        { class: "cv-share__too-large" },
        t("This credential is too large to share as a link: its link would be {chars} characters long, and links of more than {limit} characters are cut off by many chat apps and mail programs and do not fit in a QR code. Share the credential file instead.", { chars: link.length, limit: LINK_LIMIT }),
      ),
    );
  }
  const linkedIn = linkedInUrl(report, registry, certUrl);
  if (linkedIn) {
    const p = el("p", { class: "cv-share__linkedin" });
    p.append(
      el("a", { href: linkedIn, class: "cv-share__linkedin-link", target: "_blank", rel: "noopener noreferrer" }, t("Add to your LinkedIn profile")),
      " ",
      t("(opens LinkedIn with this credential's name, issuer, date and link filled in; nothing is sent until you follow it)"),
    );
    section.append(p);
  }
  article.append(section);
}
