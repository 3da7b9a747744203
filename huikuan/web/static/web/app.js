// Huikuan workbench: small behaviours on top of server-rendered pages (htmx does the rest).
"use strict";

// Two bar series side by side, from a JSON script element on the page: ``xKey`` names the
// categories, ``series`` the [key, colour] pairs; ``labels`` holds each series' name and, if the
// amounts have one, their currency for the axis.
function drawGroupedBars(dataId, targetId, xKey, series) {
  const data = document.getElementById(dataId);
  const target = document.getElementById(targetId);
  if (!data || !target || typeof Plotly === "undefined") return;
  const chart = JSON.parse(data.textContent);
  const narrow = window.matchMedia("(max-width: 576px)").matches;
  const yaxis = {tickformat: ",.0f", rangemode: "tozero"};
  if (chart.labels.currency) yaxis.title = {text: chart.labels.currency};
  Plotly.newPlot(target, series.map(([key, color]) => (
    {type: "bar", name: chart.labels[key], x: chart[xKey], y: chart[key].map(Number), marker: {color}}
  )), {
    barmode: "group",
    margin: {l: narrow ? 50 : 80, r: 10, t: 10, b: 40},
    legend: {orientation: "h", y: -0.2},
    xaxis: {type: "category"},
    yaxis,
    height: narrow ? 260 : 320,
  }, {displayModeBar: false, responsive: true});
}

function drawCharts() {
  // the home page: due and collected by month
  drawGroupedBars("chart-data", "chart", "months", [["due", "#adb5bd"], ["collected", "#0d6efd"]]);
  // the cash forecast's past weeks: forecast and received
  drawGroupedBars("forecast-chart-data", "forecast-chart", "weeks", [["forecast", "#adb5bd"], ["actual", "#0d6efd"]]);
}

// A form field that asks the server to re-render a preview (plan editor, terms preview) sends
// itself with htmx; nothing else needs script here.
document.addEventListener("DOMContentLoaded", drawCharts);
// the home chart and the forecast's past weeks load after their page (htmx), then they are drawn
document.addEventListener("htmx:afterSettle", drawCharts);
