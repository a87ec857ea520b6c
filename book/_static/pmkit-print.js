/*
 * Engineer -> PM book: open every drop-down before the page is printed, and close again after.
 *
 * On screen, exercise solutions sit in drop-downs (sphinx-exercise's "dropdown" class, which
 * sphinx-togglebutton turns into a toggle) and some cells are folded in <details>. On paper a
 * reader cannot click, so printing shows them all open. book/_static/pmkit-print.css does the
 * styling; this script changes the state, which CSS alone cannot do for <details>.
 */
(function () {
  "use strict";
  var opened = [];

  function openAll() {
    opened = [];
    var details = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < details.length; i++) {
      details[i].setAttribute("open", "");
      opened.push({ el: details[i], kind: "details" });
    }
    var toggles = document.querySelectorAll(".toggle-hidden");
    for (var j = 0; j < toggles.length; j++) {
      toggles[j].classList.remove("toggle-hidden");
      opened.push({ el: toggles[j], kind: "toggle" });
    }
  }

  function restore() {
    for (var i = 0; i < opened.length; i++) {
      var item = opened[i];
      if (item.kind === "details") {
        item.el.removeAttribute("open");
      } else {
        item.el.classList.add("toggle-hidden");
      }
    }
    opened = [];
  }

  window.addEventListener("beforeprint", openAll);
  window.addEventListener("afterprint", restore);
  // tools/build_book.py --pdf calls this before it prints the single-page book.
  window.pmkitOpenForPrint = openAll;
})();
