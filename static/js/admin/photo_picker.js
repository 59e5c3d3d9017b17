// "Insert photo / gallery / video" under the story body editor. A classic script (the
// editor's modules run later), so it hears the editor's "prose-editor:ready" event. No
// inline script: its address and labels come from data attributes on the body textarea.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function insert(editor, attrs) {
    var content = { type: "storyMedia", attrs: attrs };
    var selection = editor.state.selection;
    // A just-inserted photo stays selected; inserting over it would replace it.
    if (selection.node) {
      editor.chain().focus().insertContentAt(selection.to, content).run();
    } else {
      editor.chain().focus().insertContent(content).run();
    }
  }

  function openPicker(editor, textarea, tools, labels, multiple) {
    var old = tools.parentNode.querySelector(".story-media-picker");
    if (old) {
      old.remove();
    }
    var panel = el("div", { class: "story-media-picker", role: "dialog", "aria-label": multiple ? labels.insertGallery : labels.insertPhoto });
    var search = el("input", { type: "search", placeholder: labels.search, "aria-label": labels.search, autocomplete: "off" });
    var results = el("div", { class: "story-media-picker__results", "aria-live": "polite" });
    var actions = el("div", { class: "story-media-tools" });
    var done = el("button", { type: "button", class: "button default" }, labels.insertSelected);
    var cancel = el("button", { type: "button", class: "button" }, labels.cancel);
    var chosen = [];
    var timer = null;
    var latest = 0;

    function close() {
      panel.remove();
    }

    function render(items) {
      results.textContent = "";
      if (!items.length) {
        results.appendChild(el("p", {}, labels.empty));
        return;
      }
      items.forEach(function (item) {
        var id = String(item.id);
        var button = el("button", { type: "button", class: "story-media-picker__item", "data-photo-id": id, "aria-pressed": chosen.indexOf(id) >= 0 ? "true" : "false" });
        button.appendChild(el("img", { src: item.thumbnail, alt: "", loading: "lazy" }));
        button.appendChild(el("span", {}, "#" + id + " " + (item.caption || item.alt)));
        button.addEventListener("click", function () {
          if (!multiple) {
            insert(editor, { photo: id });
            close();
            return;
          }
          var at = chosen.indexOf(id);
          if (at >= 0) {
            chosen.splice(at, 1);
          } else {
            chosen.push(id);
          }
          button.setAttribute("aria-pressed", at >= 0 ? "false" : "true");
          done.disabled = chosen.length === 0;
        });
        results.appendChild(button);
      });
    }

    function load() {
      var ticket = ++latest;
      var url = textarea.getAttribute("data-photo-picker-url") + "?q=" + encodeURIComponent(search.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket === latest) {
            render(data.results || []);
          }
        });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // never submit the story form from the picker
      }
    });
    done.disabled = true;
    done.addEventListener("click", function () {
      if (chosen.length) {
        insert(editor, { gallery: chosen.join(",") });
      }
      close();
    });
    cancel.addEventListener("click", close);

    panel.appendChild(search);
    panel.appendChild(results);
    if (multiple) {
      actions.appendChild(done);
    }
    actions.appendChild(cancel);
    panel.appendChild(actions);
    tools.insertAdjacentElement("afterend", panel);
    search.focus();
    load();
  }

  document.addEventListener("prose-editor:ready", function (event) {
    var editor = event.detail && event.detail.editor;
    var textarea = event.detail && event.detail.textarea;
    if (!editor || !textarea || !textarea.hasAttribute("data-photo-picker-url")) {
      return;
    }
    var labels = JSON.parse(textarea.getAttribute("data-story-media-labels") || "{}");
    var tools = el("div", { class: "story-media-tools" });
    var photo = el("button", { type: "button", class: "button", "data-story-media": "photo" }, labels.insertPhoto);
    var gallery = el("button", { type: "button", class: "button", "data-story-media": "gallery" }, labels.insertGallery);
    var embed = el("button", { type: "button", class: "button", "data-story-media": "embed" }, labels.insertEmbed);
    photo.addEventListener("click", function () {
      openPicker(editor, textarea, tools, labels, false);
    });
    gallery.addEventListener("click", function () {
      openPicker(editor, textarea, tools, labels, true);
    });
    embed.addEventListener("click", function () {
      var url = window.prompt(labels.embedPrompt);
      if (url && url.trim()) {
        // Checked on save: an address of another site is refused with a message.
        insert(editor, { embed: url.trim() });
      }
    });
    tools.appendChild(photo);
    tools.appendChild(gallery);
    tools.appendChild(embed);
    var wrapper = el("div", { class: "story-media" });
    wrapper.appendChild(tools);
    (textarea.closest(".prose-editor") || textarea).insertAdjacentElement("afterend", wrapper);
  });
})();
