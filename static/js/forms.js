/* Roadmap Portal forms: makes long and multiple choices searchable with the vendored Tom Select
 * (static/vendor/tom-select-2.6.2) and gives the date inputs a calendar with the vendored flatpickr
 * (static/vendor/flatpickr-4.6.13), from this file only (the content security policy allows no inline
 * script).
 *
 * Dates: every <input data-datepicker> (core.widgets.DateInput, a text input) gets a calendar in the
 * page's language (<html lang>: ru -> flatpickr's ru, kk -> its kz, en -> its English with Monday first)
 * that writes the chosen day as DD.MM.YYYY (dateFormat "d.m.Y"), the form the portal reads and writes in
 * every language (roadmap_portal/formats). Typing stays possible (allowInput): DD.MM.YYYY, DD.MM.YY,
 * DD/MM/YYYY and ISO YYYY-MM-DD are read as the server reads them (parseDay); anything else typed is left
 * as typed (flatpickr would clear it) so that the server says what is wrong with it. Without JavaScript
 * the date is typed.
 *
 * Enhanced: every <select multiple> (the lists' filters: all options reachable, no Ctrl-click), every
 * <select data-searchable> (core.widgets.searchable: facility, block and cell choosers) and every other
 * <select> of more than LONG options; never <select data-native> (the language switcher). Every option
 * stays reachable: no limit on the options shown (Tom Select shows 50 by default), the search matches
 * any part of the label. The texts are the page's language, from the data-ts-* attributes of <body>
 * (templates/base.html). The original <select> is kept (hidden) and submitted, so a page works the same
 * without JavaScript.
 */
(function () {
  "use strict";
  var LONG = 15;

  function texts() {
    var data = document.body.dataset;
    return {
      noResults: data.tsNoResults || "No results found",
      remove: data.tsRemove || "Remove",
      search: data.tsSearch || "Type to search"
    };
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function wanted(select) {
    if (select.hasAttribute("data-native") || select.tomselect) { return false; }
    return select.multiple || select.hasAttribute("data-searchable") || select.options.length > LONG;
  }

  function enhance(select, t) {
    var plugins = select.multiple ? {remove_button: {title: t.remove}} : {};
    var ts = new TomSelect(select, {
      plugins: plugins,
      maxOptions: null,          // every option, however many (81 facilities)
      allowEmptyOption: true,    // a single choice keeps its empty "---------"
      closeAfterSelect: !select.multiple,
      hidePlaceholder: true,     // no "Type to search" beside a chosen value
      placeholder: t.search,
      searchField: ["text"],
      render: {
        no_results: function () { return '<div class="no-results">' + escape(t.noResults) + "</div>"; }
      }
    });
    ts.wrapper.setAttribute("data-enhanced", "true");
    return ts;
  }

  function enhanceAll() {
    if (typeof TomSelect === "undefined") { return; }
    var t = texts();
    document.querySelectorAll("select").forEach(function (select) {
      if (wanted(select)) { enhance(select, t); }
    });
  }

  // A date as the server reads it (core.forms.DateField, DATE_INPUT_FORMATS): DD.MM.YYYY, DD.MM.YY and
  // DD/MM/YYYY day first, or ISO YYYY-MM-DD; a two-digit year is 2000-2068 or 1969-1999 (Python's %y).
  // undefined for anything else and for a day that does not exist (31.02.2026).
  function parseDay(text) {
    var s = String(text).trim(), m, day, month, year;
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) {
      year = +m[1]; month = +m[2]; day = +m[3];
    } else if ((m = /^(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})$/.exec(s))) {
      day = +m[1]; month = +m[3]; year = +m[4];
      if (m[4].length === 2) { year += year < 69 ? 2000 : 1900; }
    } else {
      return undefined;
    }
    var date = new Date(year, month - 1, day);
    date.setFullYear(year);  // new Date() maps years 0-99 to 1900-1999
    if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) { return undefined; }
    return date;
  }

  function locale() {
    var lang = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
    var l10ns = flatpickr.l10ns || {};
    if (lang === "ru" && l10ns.ru) { return l10ns.ru; }
    if (lang === "kk" && l10ns.kz) { return l10ns.kz; }
    return {firstDayOfWeek: 1};  // English, Monday first as in Kazakhstan
  }

  function datepicker(input, language) {
    var typed = null;  // what was typed since the last day chosen
    var picker = flatpickr(input, {
      locale: language,
      dateFormat: "d.m.Y",
      allowInput: true,
      disableMobile: true,  // the same calendar on a phone (its native one would write the date month first)
      parseDate: parseDay,
      errorHandler: function () {},  // a date typed wrong is the server's to explain
      onChange: function (dates) { if (dates.length) { typed = null; } }
    });
    input.addEventListener("input", function (event) {
      if (!event.isTrusted) { return; }  // flatpickr's own, after it wrote or cleared the value
      typed = input.value;
      var day = parseDay(typed);
      if (day) { picker.jumpToDate(day); }  // the calendar shows the month typed
    });
    // Leaving the input, flatpickr reads what was typed and clears what it cannot read: put it back, so
    // that the server refuses it with its reason (a date that does not exist, "3 Dec 2026" it reads).
    // It does so before the input loses focus (Tab, Enter, a click outside; flatpickr's own blur listener
    // runs first); the check is made again once the events of leaving are over.
    input.addEventListener("blur", function () {
      var text = typed;
      function restore() {
        if (text && !picker.selectedDates.length && input.value === "") { input.value = text; }
      }
      restore();
      window.setTimeout(restore, 0);
    });
    input.setAttribute("data-enhanced", "true");
    return picker;
  }

  function datepickers() {
    if (typeof flatpickr === "undefined") { return; }
    var language = locale();
    document.querySelectorAll("input[data-datepicker]").forEach(function (input) {
      if (!input._flatpickr) { datepicker(input, language); }
    });
  }

  document.addEventListener("DOMContentLoaded", enhanceAll);
  document.addEventListener("DOMContentLoaded", datepickers);
})();
