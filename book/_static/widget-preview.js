/*
 * Engineer -> PM book: mark every widget that was drawn from saved state as a preview.
 *
 * In the static book there is no Python kernel, so a widget shows the values it had when the
 * notebook ran at build time; moving a control does not recompute anything. The ipywidgets
 * HTML manager gives such widgets the CSS class "jupyter-widgets-disconnected". This script puts
 * a visible note above each outermost one, so that no reader meets a control that silently does
 * nothing.
 *
 * It also gives every slider handle an accessible name. ipywidgets draws a slider's handle as a
 * <div role="slider"> that nothing labels, so a screen reader announces "slider" and no more;
 * the handle is linked here to the widget's own visible description (aria-labelledby).
 */
(function () {
  "use strict";
  var DISCONNECTED = "jupyter-widgets-disconnected";
  var MARKED = "pmkit-preview-widget";

  function runLiveHref() {
    // Sphinx writes the path from this page to the book's root on <html data-content_root="...">.
    var root = document.documentElement.getAttribute("data-content_root");
    if (root === null) {
      return null;
    }
    return root + "book/intro.html#run-live";
  }

  function makeNote() {
    var note = document.createElement("div");
    note.className = "pmkit-preview-note";
    note.setAttribute("role", "note");
    var strong = document.createElement("strong");
    strong.textContent = "Preview";
    note.appendChild(strong);
    note.appendChild(
      document.createTextNode(
        " \u2014 this control shows the default values. Run the notebook in JupyterLab to use it live."
      )
    );
    var href = runLiveHref();
    if (href) {
      note.appendChild(document.createTextNode(" "));
      var link = document.createElement("a");
      link.href = href;
      link.textContent = "How to run it live";
      note.appendChild(link);
    }
    return note;
  }

  var labelCount = 0;

  function nameSliders() {
    var handles = document.querySelectorAll('.jupyter-widgets [role="slider"]');
    for (var i = 0; i < handles.length; i++) {
      var handle = handles[i];
      if (handle.hasAttribute("aria-label") || handle.hasAttribute("aria-labelledby")) {
        continue;
      }
      var box = handle.closest(".widget-slider, .widget-hslider, .widget-vslider");
      var label = box ? box.querySelector(".widget-label") : null;
      if (label && label.textContent.trim()) {
        if (!label.id) {
          labelCount += 1;
          label.id = "pmkit-widget-label-" + labelCount;
        }
        handle.setAttribute("aria-labelledby", label.id);
      } else if (box && box.getAttribute("title")) {
        handle.setAttribute("aria-label", box.getAttribute("title"));
      }
    }
  }

  function markAll() {
    nameSliders();
    var widgets = document.querySelectorAll("." + DISCONNECTED);
    for (var i = 0; i < widgets.length; i++) {
      var el = widgets[i];
      if (el.classList.contains(MARKED)) {
        continue;
      }
      // Only the outermost widget of a group gets a note.
      if (el.parentElement && el.parentElement.closest("." + DISCONNECTED)) {
        continue;
      }
      el.classList.add(MARKED);
      el.parentNode.insertBefore(makeNote(), el);
    }
  }

  function start() {
    markAll();
    new MutationObserver(markAll).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
