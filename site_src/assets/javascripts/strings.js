/* Interface strings in the page's language, for the site's classic scripts (the search and the
   catalogue filters; the verify page's modules have assets/verifier/i18n.mjs, the same
   contract): the msgid is the English text, {name} placeholders are filled from params, and
   the page's <script type="application/json" id="cs-strings"> holds the translations
   (msgid -> translation); a msgid missing there is shown in English. Loaded before the
   scripts that use it (mkdocs.yml extra_javascript). */
(function () {
  "use strict";
  var strings = null;
  window.credsiteT = function (msgid, params) {
    if (strings === null) {
      strings = {};
      var node = document.getElementById("cs-strings");
      if (node) {
        try {
          var parsed = JSON.parse(node.textContent || "{}");
          if (parsed && typeof parsed === "object") strings = parsed;
        } catch (e) {
          strings = {};
        }
      }
    }
    var text = Object.prototype.hasOwnProperty.call(strings, msgid) ? strings[msgid] : msgid;
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name)
        ? String(params[name])
        : whole;
    });
  };
})();
