// The job input form without the inputs the person did not choose: only the
// chosen source's fieldset shows, and the others are disabled so that nothing
// of theirs is sent. Without this script every fieldset shows and the server
// uses the chosen source's fields (and refuses a sample that comes with text or files).
(function () {
  "use strict";
  const form = document.querySelector("[data-job-input-form]");
  if (!form) return;
  const radios = form.querySelectorAll('input[name="source"]');

  function show() {
    const checked = form.querySelector('input[name="source"]:checked');
    const chosen = checked ? checked.value : "";
    form.querySelectorAll("fieldset[data-source]").forEach(function (fieldset) {
      const off = fieldset.dataset.source !== chosen;
      fieldset.hidden = off;
      fieldset.disabled = off;
    });
  }

  radios.forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();
