// "Show more": fetch only the next items (?partial=1) and append them; the link keeps working
// without JavaScript because it points at the full next page.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-show-more]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  var list = document.querySelector(link.getAttribute("data-show-more"));
  if (!list || !window.fetch) return;
  event.preventDefault();
  if (link.getAttribute("aria-busy") === "true") return;
  link.setAttribute("aria-busy", "true");
  var url = new URL(link.href, window.location.href);
  url.searchParams.set("partial", "1");
  fetch(url, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text().then(function (html) {
        var firstNew = list.children.length;
        list.insertAdjacentHTML("beforeend", html);
        var next = response.headers.get("X-Next-Url");
        if (next) link.href = next;
        else link.parentNode.removeChild(link);
        var focusTarget = list.children[firstNew] && list.children[firstNew].querySelector("a[href]:not([tabindex='-1'])");
        if (focusTarget) focusTarget.focus();
      });
    })
    .catch(function () { window.location.href = link.href; })
    .finally(function () { link.removeAttribute("aria-busy"); });
});
