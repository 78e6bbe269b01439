// rasd's browser entry: mounts ODK Web Forms on the fill, edit and preview pages of rasd.webentry.
// Everything the page needs (URLs, the CSRF token, the messages in the page's language) comes from the
// <script type="application/json" id="webentry-config"> block: no inline script, no strings of its own.
import { OdkWebForm, POST_SUBMIT__NEW_INSTANCE, webFormsPlugin } from "@getodk/web-forms";
import { createApp, h } from "vue";

import { translateDigitKeys, useLatinDigitsByDefault } from "./digits.js";
import { followFormLanguage } from "./direction.js";

// Before any number widget exists (each builds its formatters when it is created).
useLatinDigitsByDefault();

const config = JSON.parse(document.getElementById("webentry-config").textContent);
const host = document.getElementById("webentry-form");
const status = document.getElementById("webentry-status");
const reason = document.getElementById("webentry-reason");
const text = config.messages;

function show(kind, message, ...extras) {
  status.replaceChildren();
  status.className = `webentry-status webentry-status-${kind}`;
  status.dataset.state = kind;
  const line = document.createElement("p");
  line.textContent = message;
  status.append(line);
  if (extras.length) {
    const actions = document.createElement("p");
    actions.className = "webentry-actions";
    actions.append(...extras);
    status.append(actions);
  }
  status.hidden = false;
  status.scrollIntoView({ block: "nearest" });
}

function link(label, href) {
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.textContent = label;
  anchor.className = "webentry-button";
  return anchor;
}

function button(label, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  element.className = "webentry-button";
  element.addEventListener("click", action);
  return element;
}

function attachmentName(url) {
  const path = String(url).replace(/^jr:\/\/[^/]*\//, "");
  return path.split("/").pop();
}

function fetchFormAttachment(url) {
  return fetch(config.attachmentUrl + encodeURIComponent(attachmentName(url)), { credentials: "same-origin" });
}

function editInstance() {
  if (config.mode !== "edit") return undefined;
  const files = new Map(config.instanceAttachments.map((file) => [file.name, file.url]));
  return {
    resolveInstance: () => fetch(config.instanceUrl, { credentials: "same-origin" }),
    attachmentFileNames: [...files.keys()],
    resolveAttachment: (name) => fetch(files.get(name), { credentials: "same-origin" }),
  };
}

function showPreview(formData) {
  const file = formData.get("xml_submission_file");
  show("success", text.previewValid);
  file.text().then((xml) => {
    const pre = document.createElement("pre");
    pre.className = "webentry-xml";
    pre.dir = "ltr";
    pre.textContent = xml;
    status.append(pre);
  });
}

async function send(formData, done) {
  const body = new FormData();
  for (const [name, value] of formData.entries()) body.append(name, value);
  if (config.mode === "edit") body.append("reason", reason.value.trim());
  show("pending", text.sending);
  let response;
  try {
    response = await fetch(config.submitUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrfToken, Accept: "application/json" },
    });
  } catch {
    show("error", text.network);
    done({});
    return;
  }
  let answer = {};
  try {
    answer = await response.json();
  } catch {
    answer = {};
  }
  if (!response.ok) {
    show("error", answer.message || text.failed);
    done({});
    if (answer.field === "reason" && reason) reason.focus();
    return;
  }
  host.hidden = true;
  if (config.mode === "edit") {
    show("success", answer.message, link(text.openRecord, answer.record_url));
    done({});
    return;
  }
  const again = button(text.newForm, () => {
    done({ next: POST_SUBMIT__NEW_INSTANCE });
    status.hidden = true;
    host.hidden = false;
    window.scrollTo(0, 0);
  });
  show("success", answer.message, link(text.openRecord, answer.record_url), again);
}

function onSubmit(payload, done) {
  const formData = payload.data[0];
  if (config.mode === "preview") {
    showPreview(formData);
    done({});
    return;
  }
  if (config.mode === "edit" && !reason.value.trim()) {
    show("error", text.reasonRequired);
    reason.focus();
    done({});
    return;
  }
  send(formData, done);
}

async function start() {
  followFormLanguage(host, config.language);
  translateDigitKeys(host);
  let formXml;
  try {
    const response = await fetch(config.formUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    formXml = await response.text();
  } catch {
    show("error", text.loadFailed);
    return;
  }
  const props = { formXml, fetchFormAttachment, onSubmit };
  const edit = editInstance();
  if (edit) props.editInstance = edit;
  const app = createApp({ render: () => h(OdkWebForm, props) });
  app.use(webFormsPlugin);
  app.mount(host);
  status.hidden = true;
}

start();
