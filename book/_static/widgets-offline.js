/*
 * Engineer -> PM book: load the ipywidgets JavaScript from the book itself, never from a CDN.
 *
 * myst-nb loads three scripts on pages with widgets (see nb_ipywidgets_js in book/_config.yml):
 *   1. _static/ipywidgets/require.js    (RequireJS)
 *   2. this file
 *   3. _static/ipywidgets/embed-amd.js (the ipywidgets HTML manager)
 */
(function () {
  "use strict";

  // 1. Tell the HTML manager and RequireJS where the widgets' own files (their icon fonts) are:
  //    next to this script, in ipywidgets/. This works at any page depth and with no network.
  //    embed-amd.js defines the AMD modules @jupyter-widgets/base, .../controls,
  //    .../html-manager (and their version-7 twins) and .../html-manager/dist/libembed-amd; each
  //    finds its fonts next to the address RequireJS gives its module name. Without these paths
  //    that address is relative to the page (notebooks/@jupyter-widgets/...) and the fonts 404.
  var me = document.currentScript;
  if (me && me.src) {
    // ".../_static/widgets-offline.js?v=123" -> ".../_static/ipywidgets"
    var folder = me.src.replace(/[?#].*$/, "").replace(/\/[^/]*$/, "") + "/ipywidgets";
    window.__jupyter_widgets_assets_path__ = folder + "/";
    if (window.require && typeof window.require.config === "function") {
      window.require.config({
        paths: {
          "@jupyter-widgets": folder,
          "@jupyter-widgets/html-manager/dist": folder,
        },
      });
    }
  }

  // 2. The widgets typeset their labels with the MathJax 2 call MathJax.Hub.Queue(...) whenever
  //    window.MathJax exists. The book loads MathJax 3, which has no Hub, so every widget would
  //    throw an error. Give MathJax 3 a Hub.Queue that does the same job with its own API.
  function addHubShim() {
    var mj = window.MathJax;
    if (!mj || mj.Hub || typeof mj.typesetPromise !== "function") {
      return;
    }
    mj.Hub = {
      Queue: function (job) {
        var element = Array.isArray(job) && job[2] && job[2].nodeType === 1 ? job[2] : null;
        var ready = mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
        ready
          .then(function () {
            return mj.typesetPromise(element ? [element] : undefined);
          })
          .catch(function (err) {
            console.warn("MathJax could not typeset a widget label:", err);
          });
      },
    };
  }
  document.addEventListener("DOMContentLoaded", addHubShim);
  window.addEventListener("load", addHubShim);
})();
