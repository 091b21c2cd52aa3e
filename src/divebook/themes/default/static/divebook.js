/* divebook default theme: tabs, theme toggle, menu, keyboard navigation.
   No framework, no network: the site works from file:// as well. */
(function () {
  "use strict";
  var root = document.documentElement;
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) {} }
  };

  /* ---------------------------------------------------------- framework tabs */
  function showTab(tab) {
    var groups = document.querySelectorAll(".tabgroup");
    groups.forEach(function (group) {
      var tabs = (group.getAttribute("data-tabs") || "").split(" ");
      if (tabs.indexOf(tab) < 0) return;
      group.querySelectorAll(".tab").forEach(function (b) {
        b.setAttribute("aria-selected", b.getAttribute("data-tab") === tab ? "true" : "false");
      });
      group.querySelectorAll(".tabpanel").forEach(function (p) {
        p.hidden = p.getAttribute("data-tab") !== tab;
      });
    });
  }
  function chooseTab(tab, remember) {
    showTab(tab);
    if (remember) store.set("divebook-tab", tab);
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".tab");
    if (!button) return;
    var tab = button.getAttribute("data-tab");
    var before = button.getBoundingClientRect().top;
    chooseTab(tab, true);
    /* keep the clicked tab where it was on screen */
    window.scrollBy(0, button.getBoundingClientRect().top - before);
  });
  var urlTab = new URLSearchParams(window.location.search).get("tab");
  if (urlTab) chooseTab(urlTab, true);
  else if (store.get("divebook-tab")) showTab(store.get("divebook-tab"));

  /* ---------------------------------------------------------- dark mode */
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) toggle.addEventListener("click", function () {
    var current = root.getAttribute("data-theme") ||
      (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    var next = current === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    store.set("divebook-theme", next);
  });

  /* ---------------------------------------------------------- menu (phones) */
  var menu = document.querySelector(".menu-button");
  if (menu) menu.addEventListener("click", function () {
    var open = document.body.classList.toggle("sidebar-open");
    menu.setAttribute("aria-expanded", open ? "true" : "false");
  });
  var current = document.querySelector('.sidebar a[aria-current="page"]');
  if (current && current.scrollIntoView) current.scrollIntoView({ block: "center" });

  /* ---------------------------------------------------------- copy buttons */
  document.querySelectorAll(".cell .input").forEach(function (input) {
    var code = input.querySelector("code");
    if (!code) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      var text = code.innerText.replace(/\n$/, "");
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done);
      else {
        var area = document.createElement("textarea");
        area.value = text; document.body.appendChild(area); area.select();
        try { document.execCommand("copy"); done(); } catch (e) {}
        document.body.removeChild(area);
      }
    });
    input.appendChild(button);
  });

  /* ---------------------------------------------------------- external images on demand */
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".external-image");
    if (!link) return;
    e.preventDefault();
    var img = document.createElement("img");
    img.src = link.getAttribute("data-src");
    img.alt = link.getAttribute("data-alt") || "";
    link.replaceWith(img);
  });

  /* ---------------------------------------------------------- keyboard: <- -> */
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var link = null;
    if (e.key === "ArrowLeft") link = document.querySelector(".pager a.prev");
    if (e.key === "ArrowRight") link = document.querySelector(".pager a.next");
    if (link) window.location.href = link.href;
  });
})();
