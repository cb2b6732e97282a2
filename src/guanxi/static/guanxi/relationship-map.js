// Draws the relationship map (CUS-4) from the JSON the page embeds; no inline script (CSP).
// Positions come from the server (layout "none"): the same archive gives the same picture.
// Colours (categories) say the relationship state, shapes the buying role; the legend beside
// the chart is rendered by the page. Tooltips are HTML, so every value goes through escapeHtml;
// node labels are drawn as canvas text, which is never parsed as markup.
(function () {
  var data = document.getElementById("relationship-graph");
  var box = document.getElementById("relationship-map");
  if (!data || !box || !window.echarts || !window.guanxi || !window.guanxi.escapeHtml) { return; }
  var esc = window.guanxi.escapeHtml;
  var graph = JSON.parse(data.textContent);

  function tooltip(p) {
    var d = p.data;
    if (p.dataType !== "node" || !d || !d.name) { return ""; }
    var lines = [esc(d.name) + (d.position ? " · " + esc(d.position) : "")];
    if (d.department) { lines.push(esc(d.department)); }
    lines.push((d.roleLabel ? esc(d.roleLabel) + " · " : "") + esc(d.stateLabel));
    return lines.join("<br>");
  }

  var chart = window.echarts.init(box);
  chart.setOption({
    animation: false,
    tooltip: { formatter: tooltip },
    series: [{
      type: "graph", layout: "none", roam: true, draggable: false,
      categories: graph.categories,
      label: {
        show: true, position: "right",
        formatter: function (p) { return p.data.roleLabel ? p.data.name + "\n" + p.data.roleLabel : p.data.name; }
      },
      data: graph.nodes,
      links: graph.links, lineStyle: { color: "#0d6efd", opacity: 0.5, width: 2 }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  box.setAttribute("data-ready", "true");
})();
