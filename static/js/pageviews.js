// Counts one read of this article, as soon as the page has loaded (the page may come out of
// a cache, so the server cannot count it). The reader id is a random UUID kept in a
// first-party cookie; the server never sets it, so cached pages stay the same for everyone.
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-pageviews-url]");
  var url = script && script.getAttribute("data-pageviews-url");
  var cookieName = (script && script.getAttribute("data-pageviews-cookie")) || "pv_reader";
  if (!url) return;

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function readerId() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + cookieName + "=([0-9a-fA-F-]{36})"));
    if (match) return match[1];
    var id = randomId();
    document.cookie = cookieName + "=" + id + "; max-age=31536000; path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
    return id;
  }

  function send() {
    var id = "";
    try { id = readerId(); } catch (e) { /* no crypto or cookies: the server uses IP + agent */ }
    var sent = false;
    try {
      sent = navigator.sendBeacon && navigator.sendBeacon(url, id);
    } catch (e) { sent = false; }
    if (!sent && window.fetch) {
      fetch(url, { method: "POST", body: id, keepalive: true, credentials: "same-origin" })
        .catch(function () {});
    }
  }

  // A prerendered page is not read until the reader actually opens it.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
