// Django's slug script drops Kazakh letters (қ, ғ, ә...); transliterate first, as the server
// does, so the slug shown is the slug saved. The table comes from a json_script element.
window.addEventListener("load", function () {
  "use strict";
  var source = document.getElementById("slug-transliteration");
  if (!window.URLify || !source) { return; }
  var table = JSON.parse(source.textContent);
  var urlify = window.URLify;
  window.URLify = function (text, length, allowUnicode) {
    var latin = Array.from(text || "", function (ch) { return ch in table ? table[ch] : ch; }).join("");
    return urlify(latin, length, allowUnicode);
  };
});
