/* Client-side filters of the catalogue page.
 *
 * Without JavaScript the page lists the first offers in a table, with links to further pages
 * (offers/page/2/ ...), and the filter panel stays hidden. With it, the panel appears (open on
 * wide screens, collapsed on narrow ones, its summary stating how many filters are active) and
 * filters the whole catalogue: read from the table itself when it holds every offer, otherwise
 * from the compact `index.json` next to the page. Matching offers are rendered a page at a
 * time ("Show more"), so a filter change costs the same at 25 or 5,000 offers. The number of
 * results is announced in a live region, and the filter is kept in the URL query string so a
 * filtered view can be bookmarked and shared (?eqf=7&language=de ...). Everything it writes is
 * in the page's language: strings through t(), option labels and dates as the page has them.
 */
(function () {
  "use strict";

  // Interface strings in the page's language (assets/javascripts/strings.js).
  var t = window.credsiteT;

  var SOON_DAYS = 92; // "starting in the next 3 months"
  var PAGE = 25; // offers rendered at once (a screenful or two: cheap to lay out)
  var WIDE = "(min-width: 60em)";

  function words(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  function number(value) {
    if (value === null || value === undefined || String(value).trim() === "") return null;
    var n = Number(String(value).replace(",", "."));
    return isFinite(n) ? n : null;
  }

  function isoToday(offsetDays) {
    var d = new Date();
    d.setHours(0, 0, 0, 0);
    d.setDate(d.getDate() + (offsetDays || 0));
    var m = String(d.getMonth() + 1).padStart(2, "0");
    var day = String(d.getDate()).padStart(2, "0");
    return d.getFullYear() + "-" + m + "-" + day;
  }

  // An offer from a server-rendered row: its facets, and the row itself to show.
  function fromRow(row) {
    var d = row.dataset;
    return {
      id: d.offer,
      universities: words(d.universities),
      eqf: d.eqf || "",
      ects: number(d.ects),
      languages: words(d.languages),
      mode: d.mode,
      fields: words(d.fields),
      recognition: d.recognition,
      stackable: d.stackable,
      start: d.start || "",
      selfPaced: d.selfPaced === "yes",
      row: row
    };
  }

  // Offers from index.json (pages/outputs: _catalogue_json); rows are built when first shown.
  function fromIndex(doc) {
    return doc.o.map(function (o) {
      return {
        id: o[0],
        title: o[1],
        universities: o[2].map(function (i) { return doc.u[i][0]; }),
        universityNames: o[2].map(function (i) { return doc.u[i][1]; }),
        ects: number(o[3]),
        ectsText: o[3],
        eqf: o[4] === null ? "" : String(o[4]),
        languages: o[5].map(function (i) { return doc.l[i][0]; }),
        languageNames: o[5].map(function (i) { return doc.l[i][1]; }),
        mode: doc.m[o[6]][0],
        modeName: doc.m[o[6]][1],
        dates: o[7],
        start: o[8],
        fields: o[9],
        recognition: o[10],
        stackable: o[11] ? "yes" : "no",
        selfPaced: !!o[12],
        titleLang: o[13] || "",
        row: null
      };
    });
  }

  function cell(tag, label, text) {
    var el = document.createElement(tag);
    if (label) el.setAttribute("data-label", label);
    el.textContent = text;
    return el;
  }

  function buildRow(o) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-offer", o.id);
    var th = document.createElement("th");
    th.scope = "row";
    var a = document.createElement("a");
    a.href = encodeURIComponent(o.id) + "/";
    if (o.titleLang) a.lang = o.titleLang; // an English fallback in another language's page
    a.textContent = o.title;
    th.appendChild(a);
    tr.appendChild(th);
    tr.appendChild(cell("td", t("Universities"), o.universityNames.join(", ")));
    tr.appendChild(cell("td", t("ECTS"), o.ectsText));
    tr.appendChild(cell("td", t("EQF"), o.eqf || "–"));
    tr.appendChild(cell("td", t("Languages"), o.languageNames.join(", ")));
    tr.appendChild(cell("td", t("Mode"), o.modeName));
    tr.appendChild(cell("td", t("Dates"), o.dates));
    return tr;
  }

  function matches(o, s, today, soonLimit) {
    if (s.university && o.universities.indexOf(s.university) < 0) return false;
    if (s.eqf && o.eqf !== s.eqf) return false;
    var min = number(s.ects_min);
    var max = number(s.ects_max);
    if (min !== null && (o.ects === null || o.ects < min)) return false;
    if (max !== null && (o.ects === null || o.ects > max)) return false;
    if (s.language && o.languages.indexOf(s.language) < 0) return false;
    if (s.mode && o.mode !== s.mode) return false;
    if (s.field && o.fields.indexOf(s.field) < 0) return false;
    if (s.recognition && o.recognition !== s.recognition) return false;
    if (s.stackable && o.stackable !== s.stackable) return false;
    if (s.soon && !o.selfPaced && !(o.start && o.start >= today && o.start <= soonLimit)) {
      return false;
    }
    return true;
  }

  function init() {
    var panel = document.getElementById("cs-filter-panel");
    var form = document.getElementById("cs-filters");
    var table = document.getElementById("cs-offers");
    if (!panel || !form || !table) return;
    var tbody = table.tBodies[0];
    var serverRows = Array.prototype.slice.call(tbody.querySelectorAll("tr[data-offer]"));
    var total = Number(table.getAttribute("data-total")) || serverRows.length;
    var count = document.getElementById("cs-count");
    var empty = document.getElementById("cs-empty");
    var more = document.getElementById("cs-more");
    var moreButton = document.getElementById("cs-more-button");
    var pages = document.getElementById("cs-pages");
    var active = document.getElementById("cs-filter-active");
    var initialCount = count.textContent;
    var offers = null;
    var shown = [];
    var limit = PAGE;

    var controls = {};
    ["university", "eqf", "ects_min", "ects_max", "language", "mode", "field", "recognition",
     "stackable", "soon"].forEach(function (name) {
      controls[name] = form.elements.namedItem(name);
    });

    function state() {
      var s = {};
      Object.keys(controls).forEach(function (name) {
        var el = controls[name];
        if (!el) return;
        if (el.type === "checkbox") {
          if (el.checked) s[name] = "1";
        } else if (el.value !== "") {
          s[name] = el.value;
        }
      });
      return s;
    }

    function activeCount(s) {
      var n = Object.keys(s).length;
      if (s.ects_min !== undefined && s.ects_max !== undefined) n -= 1; // one credits filter
      return n;
    }

    function render() {
      var rows = shown.slice(0, limit).map(function (o) {
        if (!o.row) o.row = buildRow(o);
        o.row.hidden = false;
        return o.row;
      });
      tbody.replaceChildren.apply(tbody, rows);
      more.hidden = shown.length <= limit;
      if (!more.hidden) {
        moreButton.textContent = t("Show more ({count} more)", { count: shown.length - limit });
      }
    }

    var last = null;

    function apply(updateUrl) {
      var s = state();
      var key = JSON.stringify(s);
      if (key === last) return; // a select fires both input and change
      last = key;
      var filtered = Object.keys(s).length > 0;
      var n = activeCount(s);
      active.textContent = n === 0 ? t("(none active)") : t("({count} active)", { count: n });
      if (!filtered && offers.length !== serverRows.length) {
        // The page's own list and page links, as without JavaScript.
        tbody.replaceChildren.apply(tbody, serverRows);
        more.hidden = true;
        if (pages) pages.hidden = false;
        count.textContent = initialCount;
        if (empty) empty.hidden = true;
      } else {
        var today = isoToday(0);
        var soonLimit = isoToday(SOON_DAYS);
        shown = offers.filter(function (o) { return matches(o, s, today, soonLimit); });
        limit = PAGE;
        render();
        if (pages) pages.hidden = filtered;
        count.textContent = filtered
          ? t("Showing {shown} of {total} micro-credentials.", { shown: shown.length, total: total })
          : t("{total} micro-credentials.", { total: total });
        if (empty) empty.hidden = shown.length !== 0;
      }
      if (updateUrl) {
        var query = new URLSearchParams(s).toString();
        var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
        window.history.replaceState(null, "", url);
      }
    }

    function restore() {
      var params = new URLSearchParams(window.location.search);
      Object.keys(controls).forEach(function (name) {
        var el = controls[name];
        if (!el || !params.has(name)) return;
        var value = params.get(name);
        if (el.type === "checkbox") {
          el.checked = value === "1";
        } else if (el.tagName === "SELECT") {
          el.value = value;
          if (el.value !== value) el.value = ""; // not one of the options
        } else {
          el.value = number(value) === null ? "" : String(number(value));
        }
      });
    }

    function start(list) {
      offers = list;
      panel.hidden = false;
      if (window.matchMedia && window.matchMedia(WIDE).matches) panel.open = true;
      restore();
      if (Object.keys(state()).length > 0) panel.open = true;
      apply(false);
      form.addEventListener("input", function () { apply(true); });
      form.addEventListener("change", function () { apply(true); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        apply(true);
      });
      form.addEventListener("reset", function () {
        // The form's values are reset after this event; filter once they are.
        window.setTimeout(function () { apply(true); }, 0);
      });
      moreButton.addEventListener("click", function () {
        var first = limit;
        limit += PAGE;
        render();
        var next = tbody.rows[first];
        var link = next && next.querySelector("a");
        if (link) link.focus();
      });
    }

    if (serverRows.length >= total) {
      start(serverRows.map(fromRow));
    } else {
      fetch(table.getAttribute("data-index"))
        .then(function (r) {
          if (!r.ok) throw new Error("catalogue index: HTTP " + r.status);
          return r.json();
        })
        .then(function (doc) { start(fromIndex(doc)); })
        .catch(function () { /* the page list stays usable without filters */ });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
