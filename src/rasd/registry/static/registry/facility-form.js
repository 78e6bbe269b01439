// Facility form: the sub-district and the reason for setting it by hand show only while "set by hand" is ticked.
(() => {
  const form = document.querySelector("[data-facility-form]");
  const toggle = form && form.querySelector("[data-area-override]");
  if (!toggle) return;
  const fields = ["admin_area", "admin_area_override_reason"].map((name) => form.querySelector(`[data-field="${name}"]`));
  const update = () => {
    for (const field of fields) if (field) field.hidden = !toggle.checked;
  };
  toggle.addEventListener("change", update);
  update();
})();
