// brief serve's live reload: added to pages by the dev server only, never written to the site.
// It listens to the server's event stream (same port, server-sent events) and, after each
// build, reloads the page, swaps the stylesheets (a CSS-only change), or shows the build's
// errors in an overlay that goes away by itself once the build succeeds again.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.EventSource) return;
  var eventsUrl = new URL("events", script.src).href;
  var OVERLAY_ID = "brief-live-errors";
  var state = { generation: -1, errors: [] };
  var stateElement = document.getElementById("brief-live-state");
  if (stateElement) {
    try {
      state = JSON.parse(stateElement.textContent);
    } catch (error) {
      // a page without a usable state reloads at the first event, which is harmless
    }
  }
  var source = null;

  function removeOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function showOverlay(errors) {
    removeOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    var style = box.style;
    style.position = "fixed";
    style.left = "0";
    style.right = "0";
    style.bottom = "0";
    style.zIndex = "2147483647";
    style.maxHeight = "50vh";
    style.overflow = "auto";
    style.margin = "0";
    style.padding = "1em 1.25em";
    style.background = "#2b0a0a";
    style.color = "#fff";
    style.borderTop = "4px solid #e5484d";
    style.font = "14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
    style.textAlign = "left";
    var heading = document.createElement("p");
    heading.style.margin = "0 0 0.5em";
    heading.style.fontWeight = "bold";
    heading.textContent =
      "brief: the last build failed (" + errors.length + (errors.length === 1 ? " error" : " errors") +
      "). This is the last good site; this box goes away when the files are fixed.";
    box.appendChild(heading);
    var list = document.createElement("ul");
    list.style.margin = "0";
    list.style.paddingLeft = "1.25em";
    var SHOWN = 30; // a broken checkout can fail hundreds of files; the terminal has them all
    errors.slice(0, SHOWN).forEach(function (item) {
      var entry = document.createElement("li");
      entry.textContent = item.text; // text, never HTML: messages quote the user's files
      entry.style.whiteSpace = "pre-wrap";
      list.appendChild(entry);
    });
    if (errors.length > SHOWN) {
      var more = document.createElement("li");
      more.textContent = "… and " + (errors.length - SHOWN) + " more (listed in the terminal)";
      list.appendChild(more);
    }
    box.appendChild(list);
    document.body.appendChild(box);
  }

  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href);
      url.searchParams.set("brief-reload", String(Date.now()));
      link.href = url.href;
    });
  }

  function onState(message) {
    var next;
    try {
      next = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    if (next.errors.length) {
      showOverlay(next.errors);
      state.errors = next.errors;
      return;
    }
    if (next.generation !== state.generation) {
      // The stylesheet alone changed since what this page shows: swap it, keep the scroll
      // position and form state; any other change (or a missed one) reloads the page.
      if (next.css_only && next.generation === state.generation + 1) {
        state.generation = next.generation;
        removeOverlay();
        swapStylesheets();
        return;
      }
      location.reload();
      return;
    }
    state.errors = [];
    removeOverlay();
  }

  function connect() {
    if (source) return;
    source = new EventSource(eventsUrl);
    source.onmessage = onState;
  }

  function disconnect() {
    if (!source) return;
    source.close();
    source = null;
  }

  // A browser keeps only six connections to one host: a hidden tab gives its stream back,
  // and on its return the first event tells it whether it missed a build.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect();
    else connect();
  });
  if (state.errors && state.errors.length) showOverlay(state.errors);
  if (!document.hidden) connect();
})();
