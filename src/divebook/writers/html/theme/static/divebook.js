/* divebook default theme: framework tabs, dark mode, search, copy buttons,
   long outputs, downloads, menu and keyboard navigation.
   No framework and nothing from outside the site. */
(function () {
  "use strict";
  var root = document.documentElement;
  var body = document.body;
  var siteRoot = body.getAttribute("data-root") || "";
  var strings = {};
  try { strings = JSON.parse(body.getAttribute("data-strings") || "{}"); } catch (e) {}
  var tabTitles = {};
  try { tabTitles = JSON.parse(body.getAttribute("data-tab-titles") || "{}"); } catch (e) {}
  var pageTabs = (body.getAttribute("data-tabs") || "").split(" ").filter(Boolean);
  var defaultTab = root.getAttribute("data-default-tab") || "";
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) {} }
  };
  function t(key, fallback) { return strings[key] || fallback; }
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ------------------------------------------------------------ framework tabs */
  var selectedTab = defaultTab;
  /* The tab the page's own tools (downloads, Colab, discussion) follow. */
  function pageTab() {
    if (pageTabs.length) return pageTabs.indexOf(selectedTab) >= 0 ? selectedTab : pageTabs[0];
    return Object.prototype.hasOwnProperty.call(tabTitles, selectedTab) ? selectedTab : defaultTab;
  }
  function showTab(tab) {
    selectedTab = tab;
    document.querySelectorAll(".tabgroup").forEach(function (group) {
      var tabs = (group.getAttribute("data-tabs") || "").split(" ");
      if (tabs.indexOf(tab) < 0) return;
      group.querySelectorAll(".tab").forEach(function (b) {
        b.setAttribute("aria-selected", b.getAttribute("data-tab") === tab ? "true" : "false");
        b.tabIndex = b.getAttribute("data-tab") === tab ? 0 : -1;
      });
      group.querySelectorAll(".tabpanel").forEach(function (p) {
        p.hidden = p.getAttribute("data-tab") !== tab;
      });
    });
    var own = pageTab();
    document.querySelectorAll(".colab-link").forEach(function (a) {
      a.hidden = a.getAttribute("data-tab") !== own;
    });
    var discuss = document.querySelectorAll(".discuss");
    var match = null;
    discuss.forEach(function (d) {
      var tabs = (d.getAttribute("data-for-tabs") || "").split(" ");
      if (!match && (tabs.indexOf(own) >= 0 || tabs[0] === "")) match = d;
    });
    discuss.forEach(function (d, i) { d.hidden = match ? d !== match : i > 0; });
    renderDownloads(own);
  }
  function chooseTab(tab, remember) {
    showTab(tab);
    if (remember) store.set("divebook-tab", tab);
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".tab");
    if (!button) return;
    var before = button.getBoundingClientRect().top;
    chooseTab(button.getAttribute("data-tab"), true);
    /* keep the clicked tab where it was on screen */
    window.scrollBy(0, button.getBoundingClientRect().top - before);
  });
  document.addEventListener("keydown", function (e) {
    /* arrow keys move between the tabs of a tab bar (WAI-ARIA tabs) */
    var button = e.target.closest && e.target.closest(".tab");
    if (!button || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    var buttons = Array.prototype.slice.call(button.parentNode.querySelectorAll(".tab"));
    var i = buttons.indexOf(button) + (e.key === "ArrowRight" ? 1 : -1);
    var next = buttons[(i + buttons.length) % buttons.length];
    e.preventDefault();
    e.stopPropagation();
    chooseTab(next.getAttribute("data-tab"), true);
    next.focus();
  }, true);

  /* ------------------------------------------------------------ downloads */
  var downloads = window.divebookDownloads || { tabs: {}, pdf: null, epub: null };
  var downloadBox = document.querySelector(".downloads");
  function renderDownloads(tab) {
    if (!downloadBox) return;
    var stem = downloadBox.getAttribute("data-notebook");
    var info = (downloads.tabs || {})[tab] || {};
    /* a translated book's other language has its own zips and PDFs */
    var mine = (downloads.langs || {})[root.getAttribute("lang")] || downloads;
    var own = (mine.tabs || {})[tab] || {};
    var base = siteRoot + "_downloads/";
    var label = tabTitles[tab] && Object.keys(tabTitles).length > 1 ? " (" + tabTitles[tab] + ")" : "";
    downloadBox.textContent = "";
    function add(href, text, cls, save) {
      var a = el("a", { href: href, "class": "download " + cls }, text);
      if (save) a.setAttribute("download", "");
      downloadBox.appendChild(a);
    }
    if (info.pages && info.pages.indexOf(stem) >= 0)
      add(base + "notebooks/" + tab + "/" + stem + ".ipynb", t("download_notebook", "Notebook") + label,
          "notebook", true);
    if (info.slides && info.slides.indexOf(stem) >= 0)
      add(base + "slides/" + tab + "/" + stem + ".html", t("download_slides", "Slides") + label, "slides", false);
    if (own.zip) add(base + own.zip, t("download_all_notebooks", "All notebooks") + label, "zip", true);
    var pdf = own.pdf || mine.pdf;
    if (pdf) add(base + pdf, t("download_pdf", "PDF") + (own.pdf ? label : ""), "pdf", false);
    var epub = own.epub || mine.epub;
    if (epub) add(base + epub, t("download_epub", "EPUB") + (own.epub ? label : ""), "epub", true);
  }

  var urlTab = new URLSearchParams(window.location.search).get("tab");
  var storedTab = store.get("divebook-tab");
  if (urlTab && Object.prototype.hasOwnProperty.call(tabTitles, urlTab)) chooseTab(urlTab, true);
  else if (storedTab) showTab(storedTab);
  else showTab(defaultTab);

  /* ------------------------------------------------------------ dark mode */
  var toggle = document.querySelector(".theme-toggle");
  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function syncToggle() { if (toggle) toggle.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
  if (toggle) toggle.addEventListener("click", function () {
    var next = isDark() ? "light" : "dark";
    root.setAttribute("data-theme", next);
    store.set("divebook-theme", next);
    syncToggle();
  });
  syncToggle();

  /* ------------------------------------------------------------ menu (phones) */
  var menu = document.querySelector(".menu-button");
  if (menu) menu.addEventListener("click", function () {
    var open = body.classList.toggle("sidebar-open");
    menu.setAttribute("aria-expanded", open ? "true" : "false");
  });
  /* ------------------------------------------------------------ sidebar */
  /* The whole table of contents is one shared script (<prefix>_toc.js, cached); the page
     itself holds only a short list for readers without scripts.  Built as that list is:
     every chapter, opened down to this page. */
  function buildSidebar() {
    var bar = document.getElementById("sidebar");
    var toc = window.divebookToc;
    if (!bar || !toc || !toc.length) return;
    var here = body.getAttribute("data-page");
    function contains(node) {
      if (node[0] === here) return true;
      for (var i = 0; i < node[4].length; i++) if (contains(node[4][i])) return true;
      return false;
    }
    function item(node) {
      var li = document.createElement("li");
      var a = el("a", { href: siteRoot + node[0] });
      if (node[1]) { a.appendChild(el("span", { "class": "section-number" }, node[1])); a.appendChild(document.createTextNode(" ")); }
      a.appendChild(document.createTextNode(node[2]));
      if (node[0] === here) a.setAttribute("aria-current", "page");
      li.appendChild(a);
      if (node[4].length) {
        var open = contains(node);
        li.className = open ? "open" : "collapsed";
        if (open) {
          var ul = document.createElement("ul");
          node[4].forEach(function (child) { ul.appendChild(item(child)); });
          li.appendChild(ul);
        }
      }
      return li;
    }
    var frag = document.createDocumentFragment();
    var list = null, part = null;
    toc.forEach(function (node) {
      if (!list || node[3] !== part) {
        part = node[3];
        list = el("ul", { "class": "part part-" + part });
        frag.appendChild(list);
      }
      list.appendChild(item(node));
    });
    var links = bar.querySelector(".sidebar-links");
    bar.textContent = "";
    bar.appendChild(frag);
    if (links) bar.appendChild(links);
  }
  buildSidebar();

  /* The current page's entry in the middle of the sidebar: only the sidebar scrolls
     (scrollIntoView would scroll the window too and hide the page's title). */
  function centreCurrent() {
    var bar = document.getElementById("sidebar");
    var current = bar && bar.querySelector('a[aria-current="page"]');
    if (!current) return;
    var offset = current.getBoundingClientRect().top - bar.getBoundingClientRect().top + bar.scrollTop;
    bar.scrollTop = Math.max(0, offset - (bar.clientHeight - current.offsetHeight) / 2);
  }
  centreCurrent();
  window.divebookCentreCurrent = centreCurrent;

  /* ------------------------------------------------------------ on this page */
  /* The contents list marks the section being read: the last heading above the top
     fifth of the window (as Jupyter Book, Quarto and MkDocs Material do). */
  var tocLinks = Array.prototype.slice.call(document.querySelectorAll(".localtoc a[href^='#']"));
  var tocTargets = tocLinks.map(function (a) {
    try { return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1))); }
    catch (e) { return null; }
  });
  function markSection() {
    var line = window.innerHeight / 5;
    var active = -1;
    tocTargets.forEach(function (h, i) {
      if (h && !h.closest("[hidden]") && h.getBoundingClientRect().top <= line) active = i;
    });
    if (active < 0 && tocLinks.length) active = 0;
    /* at the end of the page the last sections cannot reach the line: the last one shown wins */
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) {
      tocTargets.forEach(function (h, i) {
        if (h && !h.closest("[hidden]") && h.getBoundingClientRect().top < window.innerHeight) active = i;
      });
    }
    tocLinks.forEach(function (a, i) {
      a.classList.toggle("active", i === active);
      if (i === active) a.setAttribute("aria-current", "location"); else a.removeAttribute("aria-current");
    });
  }
  /* Marked at most once a frame while the page scrolls: a jump (End, Page Down, a link,
     a fast fling) can carry headings past the line between two frames, which an
     IntersectionObserver on the headings never reports. */
  if (tocLinks.length) {
    var markPending = false;
    markSection();
    window.addEventListener("scroll", function () {
      if (markPending) return;
      markPending = true;
      window.requestAnimationFrame(function () { markPending = false; markSection(); });
    }, { passive: true });
  }

  /* ------------------------------------------------------------ copy buttons */
  /* What a reader wants to paste: the code, without prompts or printed output. */
  function codeToCopy(text) {
    text = text.replace(/\n$/, "");
    var lines = text.split("\n");
    var prompt = /^(>>>|\.\.\.)( |$)|^\$ |^In \[\d*\]: /;
    if (lines.some(function (l) { return /^>>>( |$)|^\$ |^In \[\d*\]: /.test(l); })) {
      lines = lines.filter(function (l) { return prompt.test(l); })
                   .map(function (l) { return l.replace(prompt, ""); });
    }
    return lines.join("\n");
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(); } catch (e) { reject(e); }
      body.removeChild(area);
    });
  }
  document.querySelectorAll(".cell .input").forEach(function (input) {
    var code = input.querySelector("code");
    if (!code) return;
    var button = el("button", { type: "button", "class": "copy-button" }, t("copy", "Copy"));
    button.addEventListener("click", function () {
      copyText(codeToCopy(code.textContent)).then(function () {
        button.textContent = t("copied", "Copied");
        setTimeout(function () { button.textContent = t("copy", "Copy"); }, 1500);
      }, function () {});
    });
    input.appendChild(button);
  });

  /* ------------------------------------------------------------ long outputs */
  var LONG = 24; /* lines shown before "show all" */
  document.querySelectorAll(".outputs").forEach(function (box) {
    var lines = 0;
    box.querySelectorAll("pre").forEach(function (pre) { lines += pre.textContent.split("\n").length; });
    if (lines <= LONG) return;
    box.classList.add("collapsible", "collapsed");
    var button = el("button", { type: "button", "class": "output-toggle", "aria-expanded": "false" },
                    t("show_more", "Show all output"));
    button.addEventListener("click", function () {
      var collapsed = box.classList.toggle("collapsed");
      button.setAttribute("aria-expanded", collapsed ? "false" : "true");
      button.textContent = collapsed ? t("show_more", "Show all output") : t("show_less", "Show less");
    });
    box.parentNode.insertBefore(button, box.nextSibling);
  });

  /* ------------------------------------------------------------ external images on demand */
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".external-image");
    if (!link) return;
    e.preventDefault();
    var img = el("img", { src: link.getAttribute("data-src"), alt: link.getAttribute("data-alt") || "" });
    link.replaceWith(img);
  });

  /* ------------------------------------------------------------ search */
  var searchBox = document.getElementById("search");
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var searchToggle = document.querySelector(".search-toggle");
  var pagefind = null;
  var pagefindState = "idle"; /* idle | loading | ready | unavailable */
  var pagefindWaiters = [];
  var searchSerial = 0;

  function loadPagefind(done) {
    if (pagefindState === "ready" || pagefindState === "unavailable") return done(pagefind);
    pagefindWaiters.push(done);
    if (pagefindState === "loading") return;
    pagefindState = "loading";
    var finish = function (pf) {
      pagefind = pf;
      pagefindState = pf ? "ready" : "unavailable";
      pagefindWaiters.splice(0).forEach(function (w) { w(pf); });
    };
    /* Browsers do not load modules from file:// pages: search titles there instead. */
    if (window.location.protocol === "file:") return finish(null);
    openIndex("_pagefind/").then(function (pf) {
      /* Pages edited since the full index are in a small second index, searched beside it. */
      return fetch(new URL(siteRoot + "_pagefind_delta/pages.json", document.baseURI).href)
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (listing) {
          if (!listing || !listing.pages || !listing.pages.length) return null;
          return openIndex("_pagefind_delta/").then(function (delta) {
            pagefindDelta = delta;
            deltaPages = {};
            listing.pages.forEach(function (p) { deltaPages[p] = true; });
          });
        }).catch(function () {}).then(function () { finish(pf); });
    }).catch(function () { finish(null); });
  }
  function openIndex(folder) {
    var url = new URL(siteRoot + folder + "pagefind.js", document.baseURI).href;
    return import(url).then(function (pf) {
      return Promise.resolve(pf.options({ excerptLength: 22 })).then(function () {
        return pf.init ? pf.init() : null;
      }).then(function () { return pf; });
    });
  }
  var pagefindDelta = null;
  var deltaPages = {};

  /* Every result for a query, best first, as handles whose data is loaded a page at a
     time: the full index's, except the pages edited since (their results come from the
     delta index).  ``total`` is exact once every handle is loaded, or when there is no
     delta index; before that it may count an edited page's old result. */
  var PAGE_SIZE = 10;
  function searchAll(pf, query) {
    return Promise.all([
      pf.search(query),
      pagefindDelta ? pagefindDelta.search(query) : Promise.resolve(null)
    ]).then(function (both) {
      var handles = [];
      [[both[0], !!pagefindDelta], [both[1], false]].forEach(function (pair) {
        ((pair[0] && pair[0].results) || []).forEach(function (r) {
          handles.push({ result: r, skipEdited: pair[1] });
        });
      });
      handles.sort(function (a, b) { return b.result.score - a.result.score; });
      return { handles: handles, next: 0, total: handles.length };
    });
  }
  /* The next ``PAGE_SIZE`` pages of a search (fewer at its end). */
  function morePages(found) {
    var pages = [];
    function step() {
      if (pages.length >= PAGE_SIZE || found.next >= found.handles.length) return Promise.resolve(pages);
      var batch = found.handles.slice(found.next, found.next + PAGE_SIZE - pages.length);
      found.next += batch.length;
      return Promise.all(batch.map(function (h) {
        return h.result.data().then(function (d) { d.skip = h.skipEdited && deltaPages[d.url.replace(/^\//, "")]; return d; });
      })).then(function (loaded) {
        loaded.forEach(function (d) { if (d.skip) found.total -= 1; else pages.push(d); });
        return step();
      });
    }
    return step();
  }

  /* Pagefind gives site-absolute URLs ("/a/b.html#x"); make them work from this page. */
  function siteUrl(url) { return siteRoot + url.replace(/^\//, ""); }
  /* Excerpts are text with <mark> around the words found: keep only those tags. */
  function excerptHtml(excerpt) {
    return escapeHtml(excerpt || "").replace(/&lt;(\/?)mark&gt;/g, "<$1mark>");
  }

  function showResults(nodes, note) {
    results.textContent = "";
    if (note) results.appendChild(el("p", { "class": "search-note" }, note));
    nodes.forEach(function (n) { results.appendChild(n); });
    results.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function hideResults() {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function titleSearch(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var seen = {};
    var hits = [];
    /* Every page of this language's site, from <prefix>_pages.js: [[url, title], ...] */
    (window.divebookPages || []).forEach(function (entry) {
      var text = entry[1];
      var low = text.toLowerCase();
      if (seen[entry[0]] || !words.every(function (w) { return low.indexOf(w) >= 0; })) return;
      seen[entry[0]] = true;
      var hit = el("a", { href: siteRoot + entry[0], "class": "search-hit" });
      hit.appendChild(el("span", { "class": "hit-title" }, text));
      hits.push(hit);
    });
    return hits.slice(0, 12);
  }

  function resultItem(page) {
    var item = el("div", { "class": "search-result" });
    var main = el("a", { href: siteUrl(page.url), "class": "search-hit" });
    main.appendChild(el("span", { "class": "hit-title" }, (page.meta && page.meta.title) || page.url));
    var excerpt = el("span", { "class": "hit-excerpt" });
    excerpt.innerHTML = excerptHtml(page.excerpt);
    main.appendChild(excerpt);
    item.appendChild(main);
    var title = (page.meta && page.meta.title) || "";
    (page.sub_results || []).filter(function (s) {
      return s.url !== page.url && s.title.replace(/#$/, "") !== title;
    }).slice(0, 3).forEach(function (sub) {
      var a = el("a", { href: siteUrl(sub.url), "class": "search-hit sub" });
      a.appendChild(el("span", { "class": "hit-title" }, sub.title.replace(/#$/, "")));
      var ex = el("span", { "class": "hit-excerpt" });
      ex.innerHTML = excerptHtml(sub.excerpt);
      a.appendChild(ex);
      item.appendChild(a);
    });
    return item;
  }

  function noResults(query) {
    return [el("p", { "class": "search-empty" }, t("search_no_results", "No results for “{query}”.")
      .replace("{query}", query))];
  }

  function runSearch() {
    var query = input.value.trim();
    var serial = ++searchSerial;
    if (!query) { hideResults(); return; }
    if (pagefindState === "loading") showResults([], t("search_loading", "Searching…"));
    loadPagefind(function (pf) {
      if (serial !== searchSerial) return;
      if (!pf) {
        var hits = titleSearch(query);
        showResults(hits.length ? hits : noResults(query),
                    t("search_titles_only", "Full-text search needs the site served over HTTP; searching page titles only."));
        return;
      }
      searchAll(pf, query).then(function (found) {
        if (serial !== searchSerial) return;
        return morePages(found).then(function (pages) {
          if (serial !== searchSerial) return;
          if (!pages.length) return showResults(noResults(query));
          var total = el("p", { "class": "search-note search-total", role: "status" });
          var more = el("button", { type: "button", "class": "search-more" }, t("search_more", "Show more results"));
          var shown = 0;
          function add(list) {
            list.forEach(function (page) { results.insertBefore(resultItem(page), more); });
            shown += list.length;
            total.textContent = t("search_total", "{shown} of {total} results").replace("{shown}", shown)
              .replace("{total}", found.total);
            more.hidden = found.next >= found.handles.length;
          }
          showResults([total, more]);
          add(pages);
          more.addEventListener("click", function () {
            more.disabled = true;
            morePages(found).then(function (next) {
              if (serial !== searchSerial) return;
              more.disabled = false;
              var before = results.querySelectorAll(".search-result").length;
              add(next);
              /* keyboard readers go on from the first new result */
              var first = results.querySelectorAll(".search-result")[before];
              if (first && document.activeElement === more) first.querySelector(".search-hit").focus();
            });
          });
        });
      }).catch(function () {});
    });
  }

  if (input && results) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(runSearch, 120);
    });
    input.addEventListener("focus", function () {
      loadPagefind(function () {});
      if (input.value.trim() && results.childNodes.length) results.hidden = false;
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        var first = results.querySelector(".search-hit");
        if (first && !results.hidden) { e.preventDefault(); first.click(); }
      } else if (e.key === "ArrowDown") {
        var hit = results.querySelector(".search-hit");
        if (hit) { e.preventDefault(); hit.focus(); }
      }
    });
    results.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var hits = Array.prototype.slice.call(results.querySelectorAll(".search-hit"));
      var i = hits.indexOf(document.activeElement) + (e.key === "ArrowDown" ? 1 : -1);
      e.preventDefault();
      if (i < 0) input.focus(); else if (hits[i]) hits[i].focus();
    });
    document.addEventListener("click", function (e) {
      if (!searchBox.contains(e.target) && !(searchToggle && searchToggle.contains(e.target))) hideResults();
    });
  }
  function openSearch() {
    body.classList.add("search-open");
    if (searchToggle) searchToggle.setAttribute("aria-expanded", "true");
    input.focus();
  }
  function closeSearch() {
    hideResults();
    body.classList.remove("search-open");
    if (searchToggle) searchToggle.setAttribute("aria-expanded", "false");
  }
  if (searchToggle) searchToggle.addEventListener("click", function () {
    if (body.classList.contains("search-open")) closeSearch(); else openSearch();
  });

  /* ------------------------------------------------------------ keyboard */
  /* Code blocks that scroll sideways take focus (a click or Tab), so the arrow keys
     scroll them, and keyboard users can reach them. */
  document.querySelectorAll("pre").forEach(function (pre) {
    if (pre.scrollWidth > pre.clientWidth + 1 && !pre.hasAttribute("tabindex")) pre.setAttribute("tabindex", "0");
  });
  /* The rule for ← and →: they turn the page only when the page itself has focus
     (nothing focused: no field, link, button or code block), no text is selected and
     the last click was not in something that scrolls sideways. */
  var lastPointer = null;
  document.addEventListener("pointerdown", function (e) { lastPointer = e.target; }, true);
  function scrollsSideways(node) {
    for (; node && node !== body && node.nodeType === 1; node = node.parentNode) {
      if (node.scrollWidth > node.clientWidth + 1 && /(auto|scroll)/.test(getComputedStyle(node).overflowX))
        return true;
    }
    return false;
  }
  function pageHasFocus() {
    var active = document.activeElement;
    if (active && active !== body && active !== root && active.id !== "content") return false;
    var selection = window.getSelection && window.getSelection();
    if (selection && !selection.isCollapsed) return false;
    return !scrollsSideways(lastPointer);
  }
  var helpDialog = null;
  function showHelp() {
    if (!helpDialog) {
      helpDialog = el("dialog", { "class": "key-help", "aria-label": t("keys_title", "Keyboard shortcuts") });
      helpDialog.appendChild(el("h2", {}, t("keys_title", "Keyboard shortcuts")));
      var list = el("dl");
      [["/", t("key_search", "Search")],
       ["← →", t("key_pages", "Previous or next page, when nothing on the page has focus and no text is selected; in a code block or field the arrows scroll or move as usual")],
       ["Esc", t("key_escape", "Close search or this help")],
       ["?", t("key_help", "This help")]].forEach(function (row) {
        list.appendChild(el("dt", {}, row[0]));
        list.appendChild(el("dd", {}, row[1]));
      });
      helpDialog.appendChild(list);
      var close = el("button", { type: "button", "class": "key-help-close" }, t("close", "Close"));
      close.addEventListener("click", function () { helpDialog.close(); });
      helpDialog.appendChild(close);
      body.appendChild(helpDialog);
    }
    if (helpDialog.showModal) helpDialog.showModal(); else helpDialog.setAttribute("open", "");
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && searchBox && searchBox.contains(document.activeElement)) {
      closeSearch();
      input.blur();
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var target = e.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (e.key === "?") { e.preventDefault(); showHelp(); return; }
    if (e.shiftKey) return;
    if (e.key === "/" && input) { e.preventDefault(); openSearch(); return; }
    if ((e.key !== "ArrowLeft" && e.key !== "ArrowRight") || !pageHasFocus()) return;
    var link = document.querySelector(e.key === "ArrowLeft" ? ".pager a.prev" : ".pager a.next");
    if (link) window.location.href = link.href;
  });
})();
