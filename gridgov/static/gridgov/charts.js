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

// The matters key-figures page: per region or unit, matters handled on time, handled late,
// and still open past their deadline, as stacked horizontal bars (long unit names read
// on a phone down the axis, not crammed under it).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("matters-kpi-chart-data");
  var el = document.getElementById("chart-matters");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  el.style.height = Math.max(200, 60 + data.labels.length * 34) + "px";
  var chart = echarts.init(el);
  var narrow = el.clientWidth < 520;
  var bar = function (name, values, color) {
    return { name: name, type: "bar", stack: "all", data: values, itemStyle: { color: color } };
  };
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category",
      inverse: true,
      data: data.labels,
      axisLabel: { width: narrow ? 96 : 200, overflow: "truncate" },
    },
    series: [
      bar(el.dataset.onTime, data.on_time, "#2e7d32"),
      bar(el.dataset.late, data.late, "#f9a825"),
      bar(el.dataset.overdue, data.overdue, "#c62828"),
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
