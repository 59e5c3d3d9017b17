// Embeds as facades: the page holds a link to the original post and nothing from the
// provider; a click replaces the link with the provider's player. Without JavaScript the
// link simply opens the post. No inline script, so a strict CSP can allow only 'self'.
(function () {
  "use strict";

  var YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
  var TELEGRAM_KEY = /^[A-Za-z][A-Za-z0-9_]{3,31}\/[1-9][0-9]{0,9}$/;

  function frameFor(provider, key) {
    var frame = document.createElement("iframe");
    if (provider === "youtube" && YOUTUBE_ID.test(key)) {
      // The no-cookie host: no tracking cookie until the video is played.
      frame.src = "https://www.youtube-nocookie.com/embed/" + key + "?autoplay=1";
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.allowFullscreen = true;
    } else if (provider === "telegram" && TELEGRAM_KEY.test(key)) {
      frame.src = "https://t.me/" + key + "?embed=1";
    } else {
      return null;
    }
    frame.title = "";
    frame.loading = "lazy";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    return frame;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-embed-provider] > a");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return;
    }
    var box = link.parentElement;
    var frame = frameFor(box.getAttribute("data-embed-provider"), box.getAttribute("data-embed-key"));
    if (!frame) {
      return; // unknown: the link stays a link
    }
    event.preventDefault();
    frame.title = link.textContent.trim();
    box.replaceChild(frame, link);
  });

  // Telegram's player reports its height; let it grow instead of scrolling inside.
  window.addEventListener("message", function (event) {
    if (event.origin !== "https://t.me" || typeof event.data !== "string") {
      return;
    }
    var data;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!data || data.event !== "resize" || !(data.height > 0)) {
      return;
    }
    document.querySelectorAll(".embed--telegram iframe").forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        frame.style.height = Math.min(data.height, 4000) + "px";
      }
    });
  });
})();
