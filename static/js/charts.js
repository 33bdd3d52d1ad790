/* Roadmap Portal charts: draws every <canvas data-chart="ID"> from the JSON in <script id="ID">
 * (written by Django's json_script), with the vendored Chart.js (static/vendor/chart.js-4.6.1).
 * Numbers and dates follow the page's language (<html lang>). Every chart also has a table or text
 * equivalent in the page, so nothing is lost without JavaScript.
 *
 * Spec: {kind: "line"|"bar"|"hbar"|"sparkline", labels: [...], x_dates: bool, unit: "%"|"", stacked: bool,
 *        integer: bool, y_max: number|null, value_title, category_title, value_labels: bool (hbar: each
 *        bar's value written at its end, so that a bar of 0 still reads "0 %"),
 *        datasets: [{label, data, color, dashed, stepped, stack, x}]}
 * For x_dates, labels are ISO dates and data points are plotted on a time-proportional axis.
 */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  // A browser without Kazakh locale data formats like Russian (space between thousands, decimal comma,
  // which is also Kazakhstan's convention) and writes dates in figures (08.2020), never in English.
  var known = Intl.DateTimeFormat.supportedLocalesOf([lang]).length > 0;
  var number = new Intl.NumberFormat(known ? lang : "ru", {maximumFractionDigits: 1});
  var month = known ? new Intl.DateTimeFormat(lang, {year: "numeric", month: "short"})
                    : new Intl.DateTimeFormat("ru", {year: "numeric", month: "2-digit"});
  var day = known ? new Intl.DateTimeFormat(lang, {year: "numeric", month: "short", day: "numeric"})
                  : new Intl.DateTimeFormat("ru", {year: "numeric", month: "2-digit", day: "2-digit"});
  var DAY = 86400000;

  function dayNumber(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / DAY); }
  function fromDay(n) { return new Date(n * DAY); }
  function fmt(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    return number.format(value) + (unit === "%" ? " %" : "");
  }

  function datasets(spec) {
    return spec.datasets.map(function (d) {
      var data = d.data;
      if (spec.x_dates) {
        var xs = d.x || spec.labels;
        data = d.data.map(function (v, i) { return {x: dayNumber(xs[i]), y: v}; });
      }
      return {
        label: d.label, data: data, borderColor: d.color, backgroundColor: d.color,
        pointStyle: d.dashed ? "line" : "circle",
        borderDash: d.dashed ? [6, 4] : [], pointRadius: d.points === false ? 0 : (spec.kind === "sparkline" ? 0 : 2),
        borderWidth: spec.kind === "sparkline" ? 1.5 : 2, stepped: d.stepped || false, fill: false,
        spanGaps: true, stack: d.stack
      };
    });
  }

  // The value of each bar written just past its end (spec.value_labels, horizontal bars).
  function valueLabels(spec) {
    return {
      id: "valueLabels",
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx;
        ctx.save();
        ctx.fillStyle = "#333";
        ctx.font = "12px sans-serif";
        ctx.textBaseline = "middle";
        chart.data.datasets.forEach(function (d, i) {
          chart.getDatasetMeta(i).data.forEach(function (bar, j) {
            var v = d.data[j];
            if (v === null || v === undefined) { return; }
            ctx.fillText(fmt(v, spec.unit), bar.x + 4, bar.y);
          });
        });
        ctx.restore();
      }
    };
  }

  function config(spec) {
    var horizontal = spec.kind === "hbar";
    var type = spec.kind === "sparkline" ? "line" : (horizontal ? "bar" : spec.kind);
    var valueAxis = {
      beginAtZero: spec.kind !== "sparkline", stacked: !!spec.stacked, max: spec.y_max || undefined,
      ticks: {precision: spec.integer ? 0 : undefined, callback: function (v) { return fmt(v, spec.unit); }},
      title: {display: !!spec.value_title, text: spec.value_title || ""}
    };
    var categoryAxis = {stacked: !!spec.stacked, ticks: {autoSkip: !horizontal},
                        title: {display: !!spec.category_title, text: spec.category_title || ""}};
    if (spec.x_dates) {
      categoryAxis = {type: "linear", ticks: {maxTicksLimit: 8, callback: function (v) { return month.format(fromDay(v)); }}};
    }
    var scales = horizontal ? {x: valueAxis, y: categoryAxis} : {x: categoryAxis, y: valueAxis};
    var sparkline = spec.kind === "sparkline";
    if (sparkline) { scales = {x: Object.assign(categoryAxis, {display: false}), y: Object.assign(valueAxis, {display: false})}; }
    return {
      type: type,
      plugins: horizontal && spec.value_labels ? [valueLabels(spec)] : [],
      data: {labels: spec.x_dates ? undefined : spec.labels, datasets: datasets(spec)},
      options: {
        indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
        locale: lang, scales: scales,
        plugins: {
          legend: {display: !sparkline && spec.datasets.length > 1, position: "bottom", labels: {usePointStyle: true}},
          tooltip: {enabled: !sparkline, callbacks: {
            title: function (items) {
              if (!items.length) { return ""; }
              return spec.x_dates ? day.format(fromDay(items[0].parsed.x)) : items[0].label;
            },
            label: function (item) {
              var v = horizontal ? item.parsed.x : item.parsed.y;
              return item.dataset.label + ": " + fmt(v, spec.unit);
            }
          }}
        }
      }
    };
  }

  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      new Chart(canvas, config(spec));
      canvas.setAttribute("data-drawn", "true");
    });
  }

  // The language switcher submits itself on change (no inline handler, so a strict CSP holds).
  function languageSwitcher() {
    var select = document.getElementById("lang");
    if (select) { select.addEventListener("change", function () { select.form.submit(); }); }
  }

  document.addEventListener("DOMContentLoaded", function () { languageSwitcher(); draw(); });
})();
