// Draws the satisfaction charts (ACT-6) from the JSON the page embeds; no inline script (CSP).
// An element with class "satisfaction-chart" names its data (data-source, the id of a
// json_script) and its chart (data-chart: "trend" = a line per dimension over the periods,
// "units" = a bar per unit and dimension). Labels are drawn as canvas text, never parsed as
// markup; the tables under the charts hold the same numbers for readers without a canvas.
// Works for the customer page's section too, which htmx loads after the page.
(function () {
  function axis(data) {
    return { type: "value", min: data.min, max: data.max, interval: 1, name: data.averageLabel,
             nameTextStyle: { align: "left" } };
  }

  function trend(data) {
    return {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2); } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 16, right: 16, top: 64, bottom: 16, containLabel: true },
      xAxis: { type: "category", data: data.periods },
      yAxis: axis(data),
      series: data.trend.map(function (s, i) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false,
                 lineStyle: { width: i === 0 ? 3 : 1.5 }, symbolSize: i === 0 ? 7 : 4 };
      })
    };
  }

  function units(data) {
    var selected = {};
    data.unitSeries.forEach(function (s, i) { selected[s.name] = i === 0; });
    return {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2); } },
      legend: { type: "scroll", top: 0, selected: selected },
      grid: { left: 16, right: 16, top: 64, bottom: 16, containLabel: true },
      xAxis: { type: "category", data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 4 ? 30 : 0,
                                                          width: 110, overflow: "truncate" } },
      yAxis: axis(data),
      series: data.unitSeries.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    };
  }

  function draw(root) {
    if (!window.echarts) { return; }
    var boxes = (root || document).querySelectorAll(".satisfaction-chart:not([data-ready])");
    Array.prototype.forEach.call(boxes, function (box) {
      var source = document.getElementById(box.getAttribute("data-source"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(box);
      chart.setOption(box.getAttribute("data-chart") === "units" ? units(data) : trend(data));
      window.addEventListener("resize", function () { chart.resize(); });
      box.setAttribute("data-ready", "true");
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(draw);
  } else {
    draw(document);
  }
})();
