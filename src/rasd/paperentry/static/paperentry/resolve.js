// Conflict screen: typing in "other value" picks the "typed" choice of the same question.
document.querySelectorAll(".rasd-paper-conflict").forEach((fieldset) => {
  const typed = fieldset.querySelector('input[type="radio"][value="typed"]');
  if (!typed) return;
  fieldset.querySelectorAll("[data-other-value] input, [data-other-value] select, [data-other-value] textarea").forEach((input) => {
    input.addEventListener("input", () => { typed.checked = true; });
    input.addEventListener("change", () => { typed.checked = true; });
  });
});
