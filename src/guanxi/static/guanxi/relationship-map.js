// Draws the relationship map (CUS-4) from the JSON the page embeds; no inline script (CSP).
(function () {
  var data = document.getElementById("relationship-graph");
  var box = document.getElementById("relationship-map");
  if (!data || !box || !window.echarts) { return; }
  var graph = JSON.parse(data.textContent);
  var colours = { positive: "#198754", neutral: "#6c757d", negative: "#dc3545", none: "#adb5bd", ours: "#0d6efd" };
  var chart = window.echarts.init(box);
  chart.setOption({
    tooltip: { formatter: function (p) { var d = p.data; return d.name ? (d.name + (d.position ? " · " + d.position : "") + "<br>" + (d.role ? d.role + " · " : "") + d.stateLabel) : ""; } },
    legend: [{ data: graph.categories.map(function (c) { return c.name; }), bottom: 0 }],
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true,
      force: { repulsion: 180, edgeLength: 90 },
      categories: graph.categories,
      label: { show: true, position: "right" },
      data: graph.nodes.map(function (n) {
        return Object.assign({}, n, { symbolSize: n.state === "ours" ? 22 : 34, itemStyle: { color: colours[n.state] || "#999" } });
      }),
      links: graph.links, lineStyle: { color: "#0d6efd", opacity: 0.5, width: 2 }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  box.setAttribute("data-ready", "true");
})();
