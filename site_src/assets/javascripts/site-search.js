/* Site search in the header (partials/search.html), on the Pagefind bundle that
   `credsite build` writes into the site (pagefind/).

   Nothing is fetched for search until the field is focused or typed in: then the bundle's
   script is imported (its WebAssembly and index chunks follow, only those a query needs).
   Results are links with excerpts; an excerpt is rebuilt from text nodes and <mark> elements
   only, so no markup of the indexed pages reaches this page as HTML. Keyboard: Down/Up move
   between the field and the results, Enter in the field opens the first result, Escape
   closes the list. Messages are in the page's language (t()). */
(function () {
  "use strict";

  // Interface strings in the page's language (assets/javascripts/strings.js).
  var t = window.credsiteT;

  var form = document.getElementById("cs-search");
  if (!form || typeof window.fetch !== "function") return;
  var input = document.getElementById("cs-search-input");
  var status = document.getElementById("cs-search-status");
  var list = document.getElementById("cs-search-results");
  var MAX_RESULTS = 8;
  var FIRST_RESULTS = 3;

  function dirUrl(path) {
    var p = path || ".";
    return new URL(p.charAt(p.length - 1) === "/" ? p : p + "/", document.baseURI);
  }
  var root = dirUrl(form.getAttribute("data-root"));
  var bundle = new URL(form.getAttribute("data-bundle"), document.baseURI).href;

  var loading = null;
  function load() {
    if (!loading) {
      loading = import(bundle).then(function (pagefind) {
        // Result URLs are site paths ("/offers/x/"): make them paths under the site's root.
        return Promise.resolve(pagefind.options({ baseUrl: root.pathname, excerptLength: 24 }))
          .then(function () { return pagefind.init(); })
          .then(function () { return pagefind; });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function excerpt(html) {
    var out = document.createDocumentFragment();
    var doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    return out;
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  function close() {
    list.hidden = true;
    form.classList.remove("cs-search--open");
  }

  function show(term, items, total) {
    list.textContent = "";
    items.forEach(function (data) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "cs-search__link";
      a.href = new URL(data.url, root).href;
      a.textContent = (data.meta && data.meta.title) || data.url;
      var p = document.createElement("p");
      p.className = "cs-search__excerpt";
      p.appendChild(excerpt(data.excerpt || ""));
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    form.classList.add("cs-search--open");
    if (total === 0) status.textContent = t("No results for \u201c{term}\u201d.", { term: term });
    else if (total === 1) status.textContent = t("1 result.");
    else if (total > items.length)
      status.textContent = t("{total} results; the first {shown} are shown.", {
        total: total,
        shown: items.length
      });
    else status.textContent = t("{total} results.", { total: total });
  }

  var asked = 0;
  function run() {
    var term = input.value.trim();
    var mine = ++asked;
    if (!term) {
      status.textContent = "";
      list.textContent = "";
      close();
      return;
    }
    load()
      // Debounced: while a word is typed, only its last form is searched (each search of a
      // short prefix over a large site costs a round of index chunks and scoring).
      .then(function (pagefind) {
        // The index chunks for the term start loading at once; the search itself waits for
        // typing to pause.
        pagefind.preload(term);
        return pagefind.debouncedSearch(term, {}, 60);
      })
      .then(function (search) {
        if (mine !== asked || search === null) return null;
        var results = search.results;
        var first = results.slice(0, FIRST_RESULTS).map(function (r) { return r.data(); });
        var rest = results.slice(FIRST_RESULTS, MAX_RESULTS).map(function (r) { return r.data(); });
        // The first few results are shown as soon as they are read; the rest follow.
        return Promise.all(first).then(function (items) {
          if (mine !== asked) return null;
          show(term, items, results.length);
          if (!rest.length) return null;
          return Promise.all(rest).then(function (more) {
            // Not while the reader is already moving through the list.
            if (mine === asked && !list.contains(document.activeElement)) {
              show(term, items.concat(more), results.length);
            }
          });
        });
      })
      .catch(function () {
        if (mine === asked) {
          form.classList.add("cs-search--open");
          status.textContent = t("The search could not be loaded.");
        }
      });
  }

  form.hidden = false;
  input.addEventListener("focus", function () {
    load();
    if (input.value.trim()) form.classList.add("cs-search--open");
  }, { once: false });
  input.addEventListener("input", run);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) first.click();
  });
  form.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      close();
      input.focus();
    } else if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      form.classList.add("cs-search--open");
      list.hidden = false;
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus();
      else all[at - 1].focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
  form.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !form.contains(event.relatedTarget)) close();
  });
  input.addEventListener("focus", function () {
    if (input.value.trim() && list.childNodes.length) list.hidden = false;
  });
})();
