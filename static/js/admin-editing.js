// The story form's safety net: every 30 s, if the text changed, keep it as this writer's
// autosave (never published) and learn who else has the story open. Without JavaScript
// nothing is autosaved, and the server still refuses a save that would overwrite another.
(function () {
  var box = document.querySelector("[data-autosave-url]");
  var form = document.getElementById("article_form");
  if (!box || !form || !window.fetch) return;
  var FIELDS = ["title", "lead", "body", "cover_caption", "cover_credit"];
  var INTERVAL = 30000;

  function snapshot() {
    var data = new FormData();
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      data.append(name, field ? field.value : "");
    });
    return data;
  }
  function text(data) {
    return FIELDS.map(function (name) { return data.get(name); }).join("\u0000");
  }

  var last = text(snapshot());
  var token = form.elements.csrfmiddlewaretoken;
  var status = box.querySelector("[data-autosave-status]");
  var others = box.querySelector(".editing-notice--others");

  function tick() {
    var data = snapshot();
    var changed = text(data) !== last;
    // Unchanged text still pings, so colleagues keep seeing that the story is open.
    if (!changed && box.dataset.autosaveUrl.indexOf("/new/") !== -1) return;
    fetch(box.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer) return;
        if (changed) {
          last = text(data);
          status.textContent = status.dataset.savedLabel || "✓";
          status.hidden = false;
        }
        if (others) {
          others.querySelector("[data-others]").textContent = answer.others.join(", ");
          others.hidden = answer.others.length === 0;
        }
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  setInterval(tick, INTERVAL);
})();
