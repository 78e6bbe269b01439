// Submission list: the box in the table's head ticks or unticks every record of the page for the bulk form.
(() => {
  const all = document.querySelector("[data-tick-all]");
  if (!all) return;
  const boxes = () => document.querySelectorAll("input[name=ids][form=bulk-form]");
  all.hidden = false;
  all.addEventListener("change", () => {
    for (const box of boxes()) box.checked = all.checked;
  });
})();
