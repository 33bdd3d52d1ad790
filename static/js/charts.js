/* Roadmap Portal charts: draws every <canvas data-chart="ID"> from the JSON in <script id="ID">
 * (written by Django's json_script), with the vendored Chart.js (static/vendor/chart.js-4.6.1).
 * Numbers and dates follow the page's language: month names and separators come from
 * <script id="chart-locale"> (core.charts.chart_locale). Every chart also has a table or text
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
  // The portal's own month names and number separators in the page's language (core.charts.chart_locale,
  // from Django's translations and formats): browsers have no Kazakh month names (they wrote "2022 M01"),
  // and the charts write numbers as the tables do (the num filter: "1 234,5" in kk and ru, "1,234.5" in en).
  var localeSource = document.getElementById("chart-locale");
  var locale = localeSource ? JSON.parse(localeSource.textContent) : {};
  var MONTHS_SHORT = locale.months_short || ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.",
                                             "Sept.", "Oct.", "Nov.", "Dec."];
  var DECIMAL = locale.decimal || ".";
  var THOUSANDS = locale.thousands === undefined ? "," : locale.thousands;
  var GROUPING = locale.grouping || 3;
  var NBSP = "\u00a0";
  var DAY = 86400000;

  function dayNumber(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / DAY); }
  function fromDay(n) { return new Date(n * DAY); }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  // A tick of a time axis: the month's short name and the year ("Қаң. 2022", "Янв. 2022", "Jan. 2022").
  function monthText(date) { return MONTHS_SHORT[date.getUTCMonth()] + " " + date.getUTCFullYear(); }
  // A day as the tables write it (SHORT_DATE_FORMAT d.m.Y in every language): "03.12.2026".
  function dayText(date) { return two(date.getUTCDate()) + "." + two(date.getUTCMonth() + 1) + "." + date.getUTCFullYear(); }
  // A number with at most one decimal place, grouped as core.numbers.grouped groups it.
  function numberText(value) {
    var negative = value < 0;
    var rounded = Math.round(Math.abs(value) * 10) / 10;
    var whole = Math.floor(rounded);
    var tenth = Math.round((rounded - whole) * 10);
    var digits = String(whole);
    var groups = [];
    while (digits.length > GROUPING) {
      groups.unshift(digits.slice(-GROUPING));
      digits = digits.slice(0, -GROUPING);
    }
    groups.unshift(digits);
    var text = groups.join(THOUSANDS) + (tenth ? DECIMAL + tenth : "");
    return (negative && (whole || tenth) ? "-" : "") + text;  // the minus number_format writes
  }
  // A value of a chart: a percentage as the percent filter writes it ("42,5 %", a no-break space).
  function fmt(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    return numberText(value) + (unit === "%" ? NBSP + "%" : "");
  }
  window.portalCharts = {monthText: monthText, dayText: dayText, fmt: fmt};

  function datasets(spec) {
    return spec.datasets.map(function (d) {
      var data = d.data;
      if (spec.x_dates) {
        var xs = d.x || spec.labels;
        data = d.data.map(function (v, i) { return {x: dayNumber(xs[i]), y: v}; });
      } else if (spec.x_numbers) {  // a linear x axis of numbers (spec.x_numbers), not categories
        data = d.data.map(function (v, i) { return {x: spec.x_numbers[i], y: v}; });
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
      categoryAxis = {type: "linear", ticks: {maxTicksLimit: 8, callback: function (v) { return monthText(fromDay(v)); }}};
    } else if (spec.x_numbers) {
      categoryAxis = {type: "linear", beginAtZero: true, ticks: {maxTicksLimit: 8, callback: function (v) { return fmt(v, ""); }},
                      title: {display: !!spec.category_title, text: spec.category_title || ""}};
    }
    var scales = horizontal ? {x: valueAxis, y: categoryAxis} : {x: categoryAxis, y: valueAxis};
    var sparkline = spec.kind === "sparkline";
    if (sparkline) { scales = {x: Object.assign(categoryAxis, {display: false}), y: Object.assign(valueAxis, {display: false})}; }
    return {
      type: type,
      plugins: horizontal && spec.value_labels ? [valueLabels(spec)] : [],
      data: {labels: spec.x_dates || spec.x_numbers ? undefined : spec.labels, datasets: datasets(spec)},
      options: {
        indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
        locale: lang, scales: scales,
        plugins: {
          legend: {display: !sparkline && spec.datasets.length > 1, position: "bottom", labels: {usePointStyle: true}},
          tooltip: {enabled: !sparkline, callbacks: {
            title: function (items) {
              if (!items.length) { return ""; }
              if (spec.x_dates) { return dayText(fromDay(items[0].parsed.x)); }
              return spec.x_numbers ? (spec.category_title || "") + ": " + fmt(items[0].parsed.x, "") : items[0].label;
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
