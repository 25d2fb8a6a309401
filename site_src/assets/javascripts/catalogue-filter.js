/* Client-side filters of the catalogue page.
 *
 * Without JavaScript the page is a plain table of every offer and the form stays hidden.
 * With it, the form filters the rows by their data attributes, announces the number of
 * results in a live region, and keeps the filter in the URL query string, so a filtered view
 * can be bookmarked and shared (?eqf=7&language=de ...).
 */
(function () {
  "use strict";

  var SOON_DAYS = 92; // "starting in the next 3 months"

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

  function init() {
    var form = document.getElementById("cs-filters");
    var table = document.getElementById("cs-offers");
    if (!form || !table) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-offer]"));
    var count = document.getElementById("cs-count");
    var empty = document.getElementById("cs-empty");
    var total = rows.length;

    var controls = {
      university: form.elements.namedItem("university"),
      eqf: form.elements.namedItem("eqf"),
      ects_min: form.elements.namedItem("ects_min"),
      ects_max: form.elements.namedItem("ects_max"),
      language: form.elements.namedItem("language"),
      mode: form.elements.namedItem("mode"),
      field: form.elements.namedItem("field"),
      recognition: form.elements.namedItem("recognition"),
      stackable: form.elements.namedItem("stackable"),
      soon: form.elements.namedItem("soon")
    };

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

    function matches(row, s, today, soonLimit) {
      var d = row.dataset;
      if (s.university && words(d.universities).indexOf(s.university) < 0) return false;
      if (s.eqf && d.eqf !== s.eqf) return false;
      var ects = number(d.ects);
      var min = number(s.ects_min);
      var max = number(s.ects_max);
      if (min !== null && (ects === null || ects < min)) return false;
      if (max !== null && (ects === null || ects > max)) return false;
      if (s.language && words(d.languages).indexOf(s.language) < 0) return false;
      if (s.mode && d.mode !== s.mode) return false;
      if (s.field && words(d.fields).indexOf(s.field) < 0) return false;
      if (s.recognition && d.recognition !== s.recognition) return false;
      if (s.stackable && d.stackable !== s.stackable) return false;
      if (s.soon) {
        var selfPaced = d.selfPaced === "yes";
        var start = d.start || "";
        if (!selfPaced && !(start && start >= today && start <= soonLimit)) return false;
      }
      return true;
    }

    function apply(updateUrl) {
      var s = state();
      var today = isoToday(0);
      var soonLimit = isoToday(SOON_DAYS);
      var shown = 0;
      rows.forEach(function (row) {
        var ok = matches(row, s, today, soonLimit);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      var filtered = Object.keys(s).length > 0;
      count.textContent = filtered
        ? "Showing " + shown + " of " + total + " micro-credentials."
        : total + " micro-credentials.";
      if (empty) empty.hidden = shown !== 0;
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

    form.hidden = false;
    restore();
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
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
