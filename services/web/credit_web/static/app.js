// The dashboard's only script: draw the Vega-Lite specs the server embedded in [data-vega-spec] elements,
// whenever htmx loads content (the first page included). Charts run with vega's expression interpreter
// (`ast: true`), so the page's Content-Security-Policy needs no 'unsafe-eval', and without the style elements
// vega-embed would inject, so it needs no 'unsafe-inline' styles either.
//
// The chart libraries (vega, vega-lite, vega-embed: ~840 KB, listed by <meta name="chart-scripts">) are loaded
// from here rather than by <script defer> tags, which would hold up htmx (it starts on DOMContentLoaded) until
// they are parsed: this way the panels' fragment requests go out while the libraries load, and whatever
// arrived in the meantime is drawn as soon as they are ready.
(function () {
  "use strict";
  var ready = false;

  function draw(element) {
    if (element.dataset.vegaDrawn) return;
    element.dataset.vegaDrawn = "pending";
    var spec;
    try {
      spec = JSON.parse(element.dataset.vegaSpec);
    } catch (error) {
      element.dataset.vegaDrawn = "error";
      console.error("invalid chart spec", error);
      return;
    }
    // No hover processing: our specs have no hover encodings (tooltips work without it), and it is set up per view.
    // No <style> elements injected by vega-embed or its tooltip: the page's CSP allows only our stylesheet
    // (style-src 'self'); app.css carries the few rules they would have added.
    var options = { actions: false, ast: true, hover: false, renderer: element.dataset.vegaRenderer || "svg",
                    defaultStyle: false, tooltip: { disableDefaultStyle: true } };
    window.vegaEmbed(element, spec, options).then(
      function () {
        // Vega marks its container as a "graphics-document" labelled with the spec's description, a copy of
        // the visible caption: keep the server's markup instead (an image named by that caption, read once).
        element.setAttribute("role", "img");
        element.removeAttribute("aria-roledescription");
        element.removeAttribute("aria-label");
        // The drawing itself is left out of the accessibility tree: the image is the container, its text the
        // caption (the specs turn vega's per-mark ARIA off, see charts/_base.py).
        var drawing = element.querySelector("svg, canvas");
        if (drawing) drawing.setAttribute("aria-hidden", "true");
        element.dataset.vegaDrawn = "done";
      },
      function (error) { element.dataset.vegaDrawn = "error"; console.error("chart failed", error); }
    );
  }

  function drawAll(root) {
    if (!ready) return;  // loadChartLibraries() draws everything once the libraries are there
    var elements = root.querySelectorAll ? root.querySelectorAll("[data-vega-spec]") : [];
    if (root.matches && root.matches("[data-vega-spec]")) draw(root);
    for (var i = 0; i < elements.length; i++) draw(elements[i]);
  }

  function loadChartLibraries() {
    var listed = document.querySelector('meta[name="chart-scripts"]');
    if (!listed) return;  // pages without charts do not load vega
    var sources = listed.content.split(/\s+/).filter(Boolean);
    var pending = sources.length;
    sources.forEach(function (source) {
      var script = document.createElement("script");
      script.src = source;
      script.async = false;  // executed in the listed order: vega, vega-lite, then vega-embed
      script.onload = function () {
        pending -= 1;
        if (pending === 0 && typeof window.vegaEmbed === "function") {
          ready = true;
          drawAll(document.body);
        }
      };
      script.onerror = function () { console.error("chart library failed to load", source); };
      document.head.appendChild(script);
    });
  }

  // Escape closes the client suggestions (from the field or from a suggestion) and returns to the field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var box = document.getElementById("client-suggestions");
    var field = document.getElementById("client-input");
    if (!box || !box.firstElementChild) return;
    if (event.target !== field && !box.contains(event.target)) return;
    box.innerHTML = "";
    if (field) field.focus();
    event.preventDefault();
  });

  loadChartLibraries();
  htmx.onLoad(drawAll);
})();
