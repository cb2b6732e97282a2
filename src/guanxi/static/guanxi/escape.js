// One escape for every piece of data a script puts into HTML (tooltips, innerHTML): names and
// positions come from people's typing, and must show as text, never run as markup (the CSP is
// the second line of defence, not the first).
(function () {
  var entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  window.guanxi = window.guanxi || {};
  window.guanxi.escapeHtml = function (value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return entities[c];
    });
  };
})();
