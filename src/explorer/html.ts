/**
 * The explorer's index.html: static markup only (every value from user data is set by the page
 * script through textContent). Scripts are plain <script src> files beside it, so the page works
 * from file:// with no server: wasm.js (the wasm binaries as data: URLs), assets.js (bundled models
 * and images), explorer.js (the bundle).
 */
export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>liederiv explorer: the Lie derivative of a model, in the browser</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1rem 2rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
  #backend { font-family: monospace; color: #555; }
  fieldset { display: inline-block; vertical-align: top; margin: 0.3rem; border: 1px solid #ccc; }
  #groups label { display: inline-block; min-width: 10rem; }
  .zone { border: 2px dashed #aaa; padding: 0.4rem; margin-top: 0.3rem; font-size: 0.9rem; }
  #error { background: #fee; border: 1px solid #c33; color: #900; padding: 0.5rem; white-space: pre-wrap; font-family: monospace; }
  canvas { border: 1px solid #ccc; image-rendering: pixelated; }
  figure { display: inline-block; margin: 0.5rem; vertical-align: top; }
  figcaption { font-size: 0.85rem; max-width: 240px; }
  table { border-collapse: collapse; font-size: 0.9rem; }
  td, th { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }
  .plot { width: 100%; min-height: 300px; }
</style>
</head>
<body data-status="loading">
<h1>liederiv explorer</h1>
<div>The Lie derivative L f(x) = d/dt f(T<sub>t</sub> x) at t = 0, computed in this page by the same code as the liederiv CLI. <span id="backend">backend: starting…</span></div>
<div>
  <fieldset><legend>Model</legend>
    <select id="model"></select> <span id="model-info"></span>
    <div class="zone" id="model-zone">Drop model.json + weight files (+ liederiv.json) here, or <input type="file" id="model-files" multiple></div>
  </fieldset>
  <fieldset><legend>Image</legend>
    <select id="image"></select>
    <div class="zone" id="image-zone">Drop JPEG/PNG images here, or <input type="file" id="image-files" multiple accept=".png,.jpg,.jpeg,image/*"></div>
  </fieldset>
  <fieldset><legend>Measure</legend>
    output <select id="output"><option value="probs">probs</option><option value="logits">logits</option></select>
    units of t <select id="units"></select>
    layers for <select id="layer-group"></select>
    backend <select id="backend-select"><option value="wasm">wasm</option><option value="webgl">webgl</option><option value="cpu">cpu</option></select>
  </fieldset>
  <fieldset><legend>Groups</legend><div id="groups"></div></fieldset>
</div>
<p><button id="run">Compute</button> <button id="csv">Export LEE table (CSV)</button> <span id="status"></span></p>
<div id="error" role="alert" hidden></div>
<section id="results">
  <figure><canvas id="image-canvas" width="224" height="224"></canvas><figcaption id="image-caption"></figcaption></figure>
  <figure><canvas id="tangent-canvas" width="224" height="224"></canvas><figcaption id="tangent-caption"></figcaption></figure>
  <div>slider for <select id="focus"></select></div>
  <div id="slider-plot" class="plot"></div>
  <h2>LEE per group</h2>
  <table id="lee-table"></table>
  <div id="lee-plot" class="plot"></div>
  <h2>Per-layer contributions (layerwise)</h2>
  <div id="layers-caption"></div>
  <div id="layers-plot" class="plot"></div>
</section>
<script src="wasm.js"></script>
<script src="assets.js"></script>
<script src="explorer.js"></script>
</body>
</html>
`;
