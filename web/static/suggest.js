// Completions for the search box, as a progressive enhancement: the form
// works without this script. It makes the box an ARIA 1.2 combobox with a
// listbox popup (the WAI-ARIA Authoring Practices pattern "combobox with
// list autocomplete"): suggestions from /api/v1/suggest, Up and Down to
// move through them, Enter to search for the one chosen, Escape to close
// the list; the active option is announced through aria-activedescendant
// and the number of suggestions through a polite live region.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var status = document.getElementById("suggest-status");
  if (!input || !list || !status || !window.fetch) {
    return;
  }
  var form = input.form;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var timer = null;
  var asked = "";
  var active = -1;

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    setActive(-1);
  }

  function open() {
    if (options().length === 0) {
      return;
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function setActive(i) {
    var opts = options();
    if (active >= 0 && active < opts.length) {
      opts[active].setAttribute("aria-selected", "false");
    }
    active = i;
    if (i < 0 || i >= opts.length) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    opts[i].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", opts[i].id);
    opts[i].scrollIntoView({ block: "nearest" });
  }

  function choose(i) {
    var opts = options();
    if (i < 0 || i >= opts.length) {
      return;
    }
    input.value = opts[i].textContent;
    close();
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function show(q, suggestions) {
    list.replaceChildren.apply(list, suggestions.map(function (s, i) {
      var li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dir = "auto";
      li.textContent = s;
      return li;
    }));
    active = -1;
    input.removeAttribute("aria-activedescendant");
    var n = suggestions.length;
    status.textContent = n === 0 ? "" : n === 1 ? status.dataset.one : status.dataset.many.replace("#", String(n));
    if (n > 0 && document.activeElement === input) {
      open();
    } else {
      close();
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      if (q === asked) {
        return;
      }
      asked = q;
      if (q.trim() === "") {
        show(q, []);
        return;
      }
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (q === asked) {
            show(q, data.suggestions || []);
          }
        })
        .catch(function () {});
    }, 120);
  });

  input.addEventListener("keydown", function (e) {
    var n = options().length;
    switch (e.key) {
      case "ArrowDown":
        if (n === 0) {
          return;
        }
        e.preventDefault();
        open();
        setActive(active + 1 >= n ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (n === 0) {
          return;
        }
        e.preventDefault();
        open();
        setActive(active <= 0 ? n - 1 : active - 1);
        break;
      case "Enter":
        if (!list.hidden && active >= 0) {
          e.preventDefault();
          choose(active);
        }
        break;
      case "Escape":
        if (!list.hidden) {
          e.preventDefault();
          close();
        }
        break;
      case "Tab":
        close();
        break;
    }
  });

  // A press on an option chooses it; keeping the focus in the box keeps
  // the list open until then.
  list.addEventListener("mousedown", function (e) {
    e.preventDefault();
  });
  list.addEventListener("click", function (e) {
    var li = e.target.closest("[role=option]");
    if (li) {
      choose(Array.prototype.indexOf.call(options(), li));
    }
  });
  input.addEventListener("blur", close);
  input.addEventListener("focus", function () {
    if (input.value.trim() !== "" && input.value === asked) {
      open();
    }
  });
})();
