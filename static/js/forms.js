/* Roadmap Portal forms: makes long and multiple choices searchable with the vendored Tom Select
 * (static/vendor/tom-select-2.6.2), from this file only (the content security policy allows no inline
 * script).
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

  document.addEventListener("DOMContentLoaded", enhanceAll);
})();
