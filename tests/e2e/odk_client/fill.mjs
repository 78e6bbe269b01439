// Fills the default questionnaire the way a collector would, through the engine's own node API only, so that
// relevance, choice filters (the facility list from facilities.csv) and constraints are the engine's, not ours.
import { createHash } from 'node:crypto';

const IDENTIFICATION = '/data/identification';
const PHONE = '07701234567';
const TEXT = 'إجابة تجريبية من عميل ODK';

function fail(message) {
  throw new Error(message);
}

// Every node of the instance, in document order.
function* walk(node) {
  yield node;
  for (const child of node.currentState.children ?? []) yield* walk(child);
}

export function nodeAt(instance, path) {
  for (const node of walk(instance.root)) if (node.definition.nodeset === path) return node;
  return fail(`the form has no node ${path}`);
}

function optionValues(node) {
  return node.currentState.valueOptions.map((option) => option.value);
}

function choose(node, value) {
  if (!optionValues(node).includes(value)) {
    fail(`${node.definition.nodeset}: ${value} is not offered (offered: ${optionValues(node).join(', ')})`);
  }
  node.selectValue(value);
}

export function setAnswer(instance, path, value) {
  const node = nodeAt(instance, path);
  if (node.nodeType === 'select') choose(node, value);
  else node.setValue(value);
  if (node.validationState.violation) fail(`${path}=${value}: ${node.validationState.violation.condition}`);
}

// A stable pseudo-random number per question, so runs are reproducible but answers vary across the form
// (some services partially available, which makes their barrier questions relevant).
function spread(path, modulo) {
  return createHash('sha1').update(path).digest().readUInt32BE(0) % modulo;
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// Candidate answers per node, tried in order until the engine reports no constraint violation.
function candidates(node, path) {
  if (node.nodeType === 'select') {
    const values = optionValues(node);
    if (!values.length) return [];
    const start = spread(path, values.length);
    const rotated = [...values.slice(start), ...values.slice(0, start)];
    if (node.selectType === 'select') return [[rotated[0]], rotated.slice(0, 2)];
    return rotated.map((value) => [value]);
  }
  switch (node.valueType) {
    case 'int':
      return [3 + spread(path, 20), 3, 1, 0];
    case 'decimal':
      return [2.5, 1, 0];
    case 'date':
      return [today()];
    case 'dateTime':
      return [new Date().toISOString()];
    case 'geopoint':
      return ['33.3128 44.3615 34 4.5'];
    case 'string':
      return [TEXT, PHONE];
    default:
      return [];
  }
}

function answerable(node) {
  const state = node.currentState;
  return (
    (node.nodeType === 'input' || node.nodeType === 'select') &&
    state.relevant &&
    !state.readonly &&
    (node.nodeType === 'select' ? state.value.length === 0 : state.value === null || state.value === '')
  );
}

function tryAnswers(node, path) {
  for (const candidate of candidates(node, path)) {
    if (node.nodeType === 'select') node.selectValues(candidate);
    else node.setValue(candidate);
    if (node.validationState.constraint.valid) return true;
  }
  if (node.nodeType === 'select') node.selectValues([]);
  else node.setValue(null);
  return false;
}

// Identification first (directorate → sector → facility, each list filtered by the previous answer, as in
// Collect), then every relevant question in document order; answers make more questions relevant, hence a few
// passes until nothing is left to answer.
export function fillInstance(instance, facility) {
  choose(nodeAt(instance, `${IDENTIFICATION}/directorate`), facility.directorate);
  if (facility.sector) choose(nodeAt(instance, `${IDENTIFICATION}/sector`), facility.sector);
  choose(nodeAt(instance, `${IDENTIFICATION}/facility`), facility.name);
  if (nodeAt(instance, `${IDENTIFICATION}/facility_name`).currentState.value !== facility.label) {
    fail('the facility_name calculation did not read facilities.csv');
  }
  setAnswer(instance, '/data/confirmation/facility_confirmed', 'yes');
  setAnswer(instance, '/data/confirmation/respondent_name', 'أحمد عبد الله');
  setAnswer(instance, '/data/confirmation/respondent_phone', PHONE);
  const nurses = 4;
  setAnswer(instance, '/data/human_resources/hr_nurse/staff_nurse_female', nurses);

  let answered = 0;
  const skipped = new Set();
  for (let pass = 0; pass < 6; pass += 1) {
    let changed = false;
    for (const node of walk(instance.root)) {
      const path = node.definition.nodeset;
      if (skipped.has(path) || path.startsWith(IDENTIFICATION) || !answerable(node)) continue;
      if (tryAnswers(node, path)) {
        answered += 1;
        changed = true;
      } else skipped.add(path);
    }
    if (!changed) break;
  }
  const labels = {
    directorate: nodeAt(instance, `${IDENTIFICATION}/directorate`).currentState.label?.asString,
    facility_option: nodeAt(instance, `${IDENTIFICATION}/facility`).currentState.valueOptions.find(
      (option) => option.value === facility.name,
    )?.label.asString,
  };
  return { answered, nurses, labels, unanswerable: [...skipped] };
}
