// The tags field of the article form: Django's select2, but a new tag may be typed in.
// A file, not an inline script, so the Content-Security-Policy can forbid inline scripts.
window.addEventListener("load", function () {
  "use strict";
  if (!window.django || !django.jQuery || !django.jQuery.fn.select2) { return; }
  document.querySelectorAll("[data-tag-autocomplete-url]").forEach(function (wrapper) {
    var select = wrapper.querySelector("select");
    if (!select) { return; }
    django.jQuery(select).select2({
      tags: true,
      tokenSeparators: [","],
      // Existing tags first: Enter picks «Алматы» rather than creating «алм».
      insertTag: function (data, tag) { data.push(tag); },
      ajax: {
        url: wrapper.getAttribute("data-tag-autocomplete-url"),
        dataType: "json",
        delay: 200,
        data: function (params) {
          return {
            term: params.term, page: params.page,
            app_label: "articles", model_name: "article", field_name: "tags"
          };
        },
        // Options carry the tag's name: a typed new tag and a picked one travel alike.
        processResults: function (data) {
          return {
            results: data.results.map(function (item) { return {id: item.text, text: item.text}; }),
            pagination: data.pagination
          };
        }
      }
    });
  });
});
