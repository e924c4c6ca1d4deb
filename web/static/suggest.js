// Completions for the search box, as a progressive enhancement: the form
// works without this script. Suggestions come from /api/v1/suggest and fill
// the input's datalist.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      if (q === last) {
        return;
      }
      last = q;
      if (q.trim() === "") {
        list.replaceChildren();
        return;
      }
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (q !== last) {
            return;
          }
          list.replaceChildren.apply(list, (data.suggestions || []).map(function (s) {
            var o = document.createElement("option");
            o.value = s;
            return o;
          }));
        })
        .catch(function () {});
    }, 150);
  });
})();
