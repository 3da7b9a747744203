// Huikuan workbench: small behaviours on top of server-rendered pages (htmx does the rest).
"use strict";

function drawDueCollectedChart() {
  const data = document.getElementById("chart-data");
  const target = document.getElementById("chart");
  if (!data || !target || typeof Plotly === "undefined") return;
  const chart = JSON.parse(data.textContent);
  const narrow = window.matchMedia("(max-width: 576px)").matches;
  Plotly.newPlot(target, [
    {type: "bar", name: chart.labels.due, x: chart.months, y: chart.due.map(Number), marker: {color: "#adb5bd"}},
    {type: "bar", name: chart.labels.collected, x: chart.months, y: chart.collected.map(Number), marker: {color: "#0d6efd"}},
  ], {
    barmode: "group",
    margin: {l: narrow ? 50 : 80, r: 10, t: 10, b: 40},
    legend: {orientation: "h", y: -0.2},
    xaxis: {type: "category"},
    yaxis: {tickformat: ",.0f", rangemode: "tozero"},
    height: narrow ? 260 : 320,
  }, {displayModeBar: false, responsive: true});
}

// A form field that asks the server to re-render a preview (plan editor, terms preview) sends
// itself with htmx; nothing else needs script here.
document.addEventListener("DOMContentLoaded", drawDueCollectedChart);
// the home page loads its chart's figures after itself (htmx), then it is drawn
document.addEventListener("htmx:afterSettle", drawDueCollectedChart);
