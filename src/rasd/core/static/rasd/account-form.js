// Account form: show only the scope field that matches the chosen kind of scope.
(() => {
  const form = document.querySelector("[data-account-form]");
  if (!form) return;
  const kind = form.querySelector("[name=scope_kind]");
  const fieldFor = { authority: "scope_authority", directorates: "scope_directorates", sectors: "scope_sectors" };
  const update = () => {
    for (const [value, name] of Object.entries(fieldFor)) {
      const wrapper = form.querySelector(`[data-field="${name}"]`);
      if (wrapper) wrapper.hidden = kind.value !== value;
    }
  };
  kind.addEventListener("change", update);
  update();
})();
