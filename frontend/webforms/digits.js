// Two host-side fixes for numbers typed into ODK Web Forms (see docs/collection.md, "Browser entry").
//
// 1. The number widget (PrimeVue InputNumber) formats with the browser's locale when it is given none. In Arabic
//    locales (ar-IQ, ar-EG…) that means Arabic-Indic digits, and the widget then drops every typed "1"
//    (primefaces/primevue#4375): 12 becomes 2. Number formatting without an explicit locale therefore uses the
//    browser's locale with Latin digits (the `-u-nu-latn` Unicode extension).
// 2. Eastern Arabic (٠-٩) and Persian (۰-۹) digits typed on a keyboard are refused by the widget. They are
//    translated into the ASCII digits the widget understands before it sees them.

const EASTERN = "٠١٢٣٤٥٦٧٨٩";
const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";

export function toAsciiDigits(text) {
  return text.replace(/[٠-٩۰-۹]/g, (digit) => {
    const eastern = EASTERN.indexOf(digit);
    return String(eastern >= 0 ? eastern : PERSIAN.indexOf(digit));
  });
}

function latinDefaultLocale() {
  try {
    return new Intl.Locale(navigator.language || "en", { numberingSystem: "latn" }).toString();
  } catch {
    return "en";
  }
}

export function useLatinDigitsByDefault() {
  const Native = Intl.NumberFormat;
  if (Native.rasdLatinDefault) return;
  const locale = latinDefaultLocale();
  function NumberFormat(locales, options) {
    return new Native(locales === undefined ? locale : locales, options);
  }
  NumberFormat.prototype = Native.prototype;
  NumberFormat.supportedLocalesOf = Native.supportedLocalesOf.bind(Native);
  NumberFormat.rasdLatinDefault = true;
  Intl.NumberFormat = NumberFormat;
}

const hasNonAsciiDigit = (text) => /[٠-٩۰-۹]/.test(text || "");
const numberWidget = (target) => target instanceof HTMLInputElement && target.closest(".p-inputnumber") !== null;
const numericInput = (target) =>
  target instanceof HTMLInputElement && ["numeric", "decimal", "tel"].includes(target.inputMode);

function pressAsciiKeys(input, text) {
  for (const key of toAsciiDigits(text)) {
    input.dispatchEvent(new KeyboardEvent("keypress", { key, bubbles: true, cancelable: true }));
  }
}

export function translateDigitKeys(root) {
  // A key press (physical keyboard): replaced by the ASCII digit's key press, which the widget inserts itself.
  root.addEventListener(
    "keypress",
    (event) => {
      if (!event.isTrusted || !hasNonAsciiDigit(event.key) || !numberWidget(event.target)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      pressAsciiKeys(event.target, event.key);
    },
    true,
  );
  // Text inserted without a key press (on-screen keyboards, input methods).
  root.addEventListener(
    "beforeinput",
    (event) => {
      const target = event.target;
      if (!hasNonAsciiDigit(event.data) || !(numberWidget(target) || numericInput(target))) return;
      event.preventDefault();
      if (numberWidget(target)) {
        pressAsciiKeys(target, event.data);
      } else {
        document.execCommand("insertText", false, toAsciiDigits(event.data));
      }
    },
    true,
  );
}
