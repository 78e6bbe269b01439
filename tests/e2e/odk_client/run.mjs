// A headless ODK client: ODK's own XForms engine (@getodk/xforms-engine, the engine behind ODK Web Forms and
// Central's web forms) driven from Node, talking OpenRosa to a running rasd the way ODK Collect does.
//
//   node run.mjs SERVER_URL [--facility CODE]
//
// SERVER_URL is a collector's server URL (…/openrosa/key/<token>). The client fetches formList, downloads the
// form and its media (checking the md5 hashes, as Collect does), fills the form in Arabic, sends HEAD then POST
// to /submission, then edits the submitted instance (the engine sets deprecatedID) and sends it again. It prints
// one JSON summary on stdout; any failed step exits non-zero with the reason on stderr.
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { JSDOM } from 'jsdom';

import { fillInstance, setAnswer } from './fill.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const OPENROSA = { 'X-OpenRosa-Version': '1.0' };

// The engine's bundle is written for browsers: its tree-sitter WASM loader looks up `__dirname` and `require`,
// and XPath evaluation needs the DOM classes. Provide them before the bundle is imported (hence the dynamic
// import below).
globalThis.__dirname = join(here, 'node_modules/@getodk/xforms-engine/dist');
globalThis.require = createRequire(import.meta.url);
const { window } = new JSDOM('');
for (const name of ['DOMParser', 'XMLSerializer', 'Node', 'Document', 'XMLDocument', 'Element', 'document']) {
  globalThis[name] = window[name];
}
const { createInstance, editInstance } = await import('@getodk/xforms-engine');

function fail(message) {
  process.stderr.write(`odk-client: ${message}\n`);
  process.exit(1);
}

function md5(bytes) {
  return `md5:${createHash('md5').update(bytes).digest('hex')}`;
}

async function get(url, what) {
  const response = await fetch(url, { headers: OPENROSA });
  if (response.status !== 200) fail(`${what}: GET ${url} answered ${response.status}: ${await response.text()}`);
  if (!response.headers.get('x-openrosa-version')) fail(`${what}: no X-OpenRosa-Version header in the response`);
  return response;
}

function parseXml(text) {
  return new window.DOMParser().parseFromString(text, 'text/xml');
}

function childText(element, name) {
  const child = [...element.children].find((node) => node.localName === name);
  return child ? child.textContent.trim() : null;
}

// RFC 4180 enough for the attachments rasd writes (quoted fields with commas, doubled quotes, UTF-8).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return body.map((r) => Object.fromEntries(header.map((key, i) => [key, r[i] ?? ''])));
}

function arabic(instance) {
  const language = instance.root.languages.find((lang) => lang.language.startsWith('Arabic'));
  if (!language) fail(`the form has no Arabic language: ${instance.root.languages.map((l) => l.language)}`);
  instance.root.setLanguage(language);
  return instance.root.currentState.activeLanguage.language;
}

async function payloadXml(instance) {
  const payload = await instance.root.prepareInstancePayload();
  if (payload.status !== 'ready') {
    const problems = payload.violations.map((v) => `${v.reference}: ${v.violation.condition}`);
    fail(`the engine refuses to submit (${payload.status}): ${problems.join('; ')}`);
  }
  const formData = payload.data[0];
  const file = formData.get('xml_submission_file');
  return { formData, xml: await file.text(), meta: payload.submissionMeta };
}

// HEAD first, as Collect does, then POST the engine's own FormData.
async function submit(submissionUrl, formData) {
  const head = await fetch(submissionUrl, { method: 'HEAD', headers: OPENROSA });
  if (head.status !== 204) fail(`HEAD ${submissionUrl} answered ${head.status}`);
  const limit = Number(head.headers.get('x-openrosa-accept-content-length'));
  if (!(limit > 0)) fail('HEAD submission: no X-OpenRosa-Accept-Content-Length');
  const response = await fetch(submissionUrl, { method: 'POST', headers: OPENROSA, body: formData });
  const body = await response.text();
  if (response.status !== 201) fail(`POST submission answered ${response.status}: ${body}`);
  const message = parseXml(body).getElementsByTagName('message')[0];
  return { status: response.status, headLimit: limit, message: message ? message.textContent.trim() : '' };
}

function instanceIds(xml) {
  const doc = parseXml(xml);
  const text = (name) => {
    const node = doc.getElementsByTagName(name)[0];
    return node ? node.textContent.trim() : null;
  };
  return { instanceID: text('instanceID'), deprecatedID: text('deprecatedID') };
}

async function main() {
  const args = process.argv.slice(2);
  const server = (args[0] || '').replace(/\/+$/, '');
  if (!server.startsWith('http')) fail('usage: node run.mjs SERVER_URL [--facility CODE]');
  const facilityArg = args.includes('--facility') ? args[args.indexOf('--facility') + 1] : null;

  // 1. formList: the forms this collector may fill.
  const formList = parseXml(await (await get(`${server}/formList`, 'formList')).text());
  const xforms = [...formList.getElementsByTagName('xform')];
  if (!xforms.length) fail('formList lists no form');
  const entry = xforms[0];
  const form = {
    formID: childText(entry, 'formID'),
    version: childText(entry, 'version'),
    hash: childText(entry, 'hash'),
    downloadUrl: childText(entry, 'downloadUrl'),
    manifestUrl: childText(entry, 'manifestUrl'),
  };
  if (!form.downloadUrl || !form.manifestUrl) fail(`formList entry without downloadUrl/manifestUrl: ${JSON.stringify(form)}`);

  // 2. The XForm and its media, each checked against the hash the server announced.
  const xformBytes = Buffer.from(await (await get(form.downloadUrl, 'form download')).arrayBuffer());
  if (md5(xformBytes) !== form.hash) fail(`form hash ${form.hash} does not match its content`);
  const xform = xformBytes.toString('utf-8');
  const manifest = parseXml(await (await get(form.manifestUrl, 'manifest')).text());
  const media = new Map();
  for (const file of manifest.getElementsByTagName('mediaFile')) {
    const name = childText(file, 'filename');
    const bytes = Buffer.from(await (await get(childText(file, 'downloadUrl'), `media ${name}`)).arrayBuffer());
    if (md5(bytes) !== childText(file, 'hash')) fail(`media ${name}: hash does not match its content`);
    media.set(name, bytes);
  }
  for (const name of ['facilities.csv', 'sectors.csv']) if (!media.has(name)) fail(`manifest lacks ${name}`);

  // The engine asks for jr://file-csv/facilities.csv and the like; answer from what was downloaded.
  const fetchFormAttachment = async (url) => {
    const name = decodeURIComponent(String(url.href ?? url).split('/').pop());
    if (!media.has(name)) return new Response('', { status: 404 });
    return new Response(media.get(name), { status: 200, headers: { 'Content-Type': 'text/csv' } });
  };
  const deviceID = `rasd-e2e:${randomUUID()}`;
  const options = { form: { fetchFormAttachment }, instance: { preloadProperties: { deviceID } } };

  // 3. A new instance, in Arabic, filled for one facility of this collector's list.
  const facilities = parseCsv(media.get('facilities.csv').toString('utf-8'));
  if (!facilities.length) fail('facilities.csv is empty: the collector has no assignment');
  const facility = facilityArg
    ? facilities.find((row) => row.name === facilityArg)
    : facilities.find((row) => row.status === 'open') ?? facilities[0];
  if (!facility) fail(`facility ${facilityArg} is not in this collector's facilities.csv`);

  const created = await createInstance(xform, options);
  const language = arabic(created);
  const filled = fillInstance(created, facility);
  const first = await payloadXml(created);
  const firstIds = instanceIds(first.xml);
  const submissionUrl = `${server}/submission`;
  const firstSent = await submit(submissionUrl, first.formData);

  // 4. Edit what was submitted (as Central's "edit submission" does): the engine gives the instance a new
  // instanceID and keeps the old one as deprecatedID.
  const edited = await editInstance(
    xform,
    { inputType: 'FORM_INSTANCE_INPUT_RESOLVABLE', resolveInstance: () => first.xml, attachments: new Map() },
    options,
  );
  arabic(edited);
  const change = { path: '/data/human_resources/hr_nurse/staff_nurse_female', value: filled.nurses + 7 };
  setAnswer(edited, change.path, change.value);
  const second = await payloadXml(edited);
  const secondIds = instanceIds(second.xml);
  if (secondIds.deprecatedID !== firstIds.instanceID) fail(`edit deprecatedID ${secondIds.deprecatedID} is not ${firstIds.instanceID}`);
  const secondSent = await submit(submissionUrl, second.formData);

  process.stdout.write(`${JSON.stringify({
    form_id: form.formID,
    version: form.version,
    language,
    labels: filled.labels,
    facility: facility.name,
    directorate: facility.directorate,
    sector: facility.sector,
    answered: filled.answered,
    unanswerable: filled.unanswerable,
    first: { instance_id: firstIds.instanceID, ...firstSent },
    edit: { instance_id: secondIds.instanceID, deprecated_id: secondIds.deprecatedID, ...secondSent },
    changed: change,
  })}\n`);
}

await main();
