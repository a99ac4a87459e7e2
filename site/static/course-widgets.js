// The course website: where the widget renderer (embed-amd.js, from slides/vendor, as the
// decks use it) finds its icon fonts. Without this it looks next to where require.js would
// load its modules from (the page's own folder), where they are not; with it nothing is
// asked of a CDN. Loaded after require.js and before embed-amd.js (site/conf.py).
(function () {
  var root = document.documentElement.dataset.content_root || "";
  var assets = root + "_static/vendor/html-manager";
  window.__jupyter_widgets_assets_path__ = assets + "/";
  require.config({paths: {
    "@jupyter-widgets": assets,
    "@jupyter-widgets/html-manager/dist": assets
  }});
})();
