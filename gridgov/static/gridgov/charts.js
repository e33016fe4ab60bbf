// Draws the enforcement KPI charts from the page's JSON (ECharts, vendored). Tooltips are
// drawn on the canvas (richText): ECharts' HTML tooltips carry style attributes, which the
// Content-Security-Policy refuses.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("kpi-chart-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var months = document.getElementById("chart-months");
  if (months) {
    var chart = echarts.init(months);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 32 },
      xAxis: { type: "category", data: data.months.labels },
      yAxis: { type: "value" },
      series: [
        { name: months.dataset.new, type: "bar", data: data.months.new },
        { name: months.dataset.closed, type: "bar", data: data.months.closed },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var closures = document.getElementById("chart-closures");
  if (closures) {
    var pie = echarts.init(closures);
    var narrow = closures.clientWidth < 520;
    pie.setOption({
      tooltip: { trigger: "item", renderMode: "richText" },
      legend: { type: "scroll", bottom: 0 },
      series: [
        {
          type: "pie",
          radius: narrow ? ["30%", "55%"] : ["35%", "65%"],
          center: ["50%", "45%"],
          label: { show: !narrow },
          data: data.closures,
        },
      ],
    });
    window.addEventListener("resize", function () { pie.resize(); });
  }
});
