// ODK Web Forms sets no `dir` or `lang` anywhere (getodk/web-forms#480). The host element follows the form's
// ACTIVE language instead: the engine's language switcher shows the translation's name, whose XLSForm convention
// ends in the code ("Arabic (ar)", "Kurdish Sorani (ckb)"). rtl.css then mirrors the layout under [dir=rtl].

const RTL_LANGUAGES = new Set(["ar", "ckb", "fa", "ku", "ps", "ur", "he", "dv", "sd", "ug", "yi"]);
const CODE = /\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)\s*$/;

export function languageCode(name) {
  const match = CODE.exec((name || "").trim());
  if (match) return match[1].toLowerCase();
  const bare = (name || "").trim().toLowerCase();
  return /^[a-z]{2,3}(-[a-z0-9]+)*$/.test(bare) ? bare : "";
}

export function directionOf(code) {
  return RTL_LANGUAGES.has(code.split("-")[0]) ? "rtl" : "ltr";
}

function apply(host, code) {
  if (!code || host.getAttribute("lang") === code) return;
  host.setAttribute("lang", code);
  host.setAttribute("dir", directionOf(code));
  document.body.dataset.formDir = directionOf(code); // for the menus the engine opens outside the host
}

export function followFormLanguage(host, initial) {
  apply(host, initial);
  const update = () => {
    for (const switcher of host.querySelectorAll(".language-changer")) {
      const code = languageCode(switcher.textContent);
      if (code) {
        apply(host, code);
        return;
      }
    }
  };
  new MutationObserver(update).observe(host, { subtree: true, childList: true, characterData: true });
  update();
}
