// Selects that depend on another field of their form (data-linked-to="directorate"): only the options that belong
// to the chosen value (data-belongs-to) stay visible; a choice that no longer fits is cleared.
(() => {
  for (const select of document.querySelectorAll("select[data-linked-to]")) {
    const form = select.form;
    const control = form && form.elements.namedItem(select.dataset.linkedTo);
    if (!control || !(control instanceof HTMLSelectElement)) continue;
    const update = () => {
      for (const option of select.options) {
        if (!option.value) continue;
        option.hidden = control.value !== "" && option.dataset.belongsTo !== control.value;
      }
      const chosen = select.selectedOptions[0];
      if (chosen && chosen.hidden) {
        select.value = "";
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    };
    control.addEventListener("change", update);
    update();
  }
})();
