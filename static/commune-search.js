// The commune select of the profile: a search field that finds a commune by any part of its
// current name or of a former one (its options list them), ignoring diacritics and case, and
// selects the first match. Without scripts the select and the former-names table still work.
(function () {
  "use strict";
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase();
  }
  document.querySelectorAll("[data-filter-for]").forEach(function (wrap) {
    var select = document.getElementById(wrap.getAttribute("data-filter-for"));
    var input = wrap.querySelector("input");
    var status = wrap.querySelector("[role=status]");
    if (!select || !input) return;
    wrap.hidden = false;
    var options = Array.prototype.slice.call(select.options, 1);
    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      var matches = options.filter(function (o) {
        return query && fold(o.textContent).indexOf(query) >= 0;
      });
      options.forEach(function (o) {
        o.hidden = Boolean(query) && matches.indexOf(o) < 0;
      });
      if (matches.length) select.value = matches[0].value;
      if (status) {
        status.textContent = query
          ? (matches.length ? matches[0].textContent : status.getAttribute("data-none"))
          : "";
      }
    });
  });
})();
