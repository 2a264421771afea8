// Editors for the composite fields of a pool: entitlements (lists of names), the spare policy (STATIC, SCHEDULE with
// its windows, PREDICTIVE with its parameters) and the session limits. Each is { element, get(), set(value) } for
// form.js; their inputs carry names (sparePolicy.otherwise, sessionLimits.idleLimit) so an error with that path is
// shown next to them.
import { el } from '../../api.js';

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const WEEKDAYS = DAYS.slice(0, 5);

function labelled(label, input, name) {
  if (name) input.name = name;
  return el('label', { class: 'field' }, el('span', {}, label), input,
    name ? el('span', { class: 'field-error', 'data-error-for': name, role: 'alert' }) : null);
}

const number = (value, attrs = {}) => el('input', { type: 'number', step: attrs.step || '1', min: attrs.min ?? '0', value: value ?? '' });
const text = (value, hint) => el('input', { type: 'text', value: value ?? '', placeholder: hint || '' });
const orNull = input => input.value.trim() === '' ? null : input.value.trim();
const numberOrNull = input => input.value.trim() === '' ? null : Number(input.value);

/** A list of user or group names as chips, with a box to add one. */
export function namesEditor(name, hint) {
  let names = [];
  const chips = el('div', { class: 'chips', 'data-list': name });
  const input = el('input', { type: 'text', placeholder: hint, name: `${name}-new`, 'aria-label': `Add to ${name}` });
  const add = el('button', { type: 'button', class: 'secondary add', 'data-add': name }, 'Add');
  const draw = () => chips.replaceChildren(...names.map(n => el('span', { class: 'chip', 'data-name': n }, n,
    el('button', { type: 'button', 'aria-label': `Remove ${n}`, onclick: () => { names = names.filter(x => x !== n); draw(); } }, '×'))));
  const take = () => {
    for (const n of input.value.split(',').map(s => s.trim()).filter(Boolean)) if (!names.includes(n)) names.push(n);
    input.value = '';
    draw();
  };
  add.addEventListener('click', take);
  input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); take(); } });
  return {
    element: el('div', { class: 'editor names' }, chips, el('div', { class: 'row' }, input, add)),
    // a name typed but not added yet counts too
    get: () => { if (input.value.trim()) take(); return [...names]; },
    set: value => { names = [...(value || [])]; draw(); }
  };
}

function windowRow(w, onRemove) {
  const days = DAYS.map(d => el('input', { type: 'checkbox', value: d, ...(w.days.includes(d) ? { checked: '' } : {}) }));
  const from = el('input', { type: 'time', value: w.from, 'aria-label': 'From' });
  const to = el('input', { type: 'time', value: w.to, 'aria-label': 'To' });
  const spares = number(w.spares, {});
  spares.setAttribute('aria-label', 'Spares');
  const row = el('div', { class: 'window-row', 'data-window': '' },
    el('div', { class: 'days' }, ...days.map((d, i) => el('label', {}, d, DAYS[i].substring(0, 2)))),
    from, to, spares, el('button', { type: 'button', class: 'secondary remove-window', onclick: () => onRemove(row) }, 'Remove'));
  row.read = () => ({ days: days.filter(d => d.checked).map(d => d.value), from: from.value, to: to.value,
    spares: numberOrNull(spares) });
  return row;
}

/** The spare policy: a kind, and the fields of that kind. */
export function sparePolicyEditor() {
  const zoneDefault = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const kind = el('select', { name: 'sparePolicy.type' }, ...['STATIC', 'SCHEDULE', 'PREDICTIVE'].map(k => el('option', { value: k }, k)));
  const spares = number(1);
  const zone = text(zoneDefault, 'Europe/Berlin');
  const otherwise = number(0);
  const windows = el('div', { class: 'windows' });
  const addWindow = el('button', { type: 'button', class: 'secondary add-window' }, 'Add a window');
  const safetyMargin = number(0.5, { step: '0.1' });
  const minSpare = number(1);
  const maxSpare = number(30);
  const forecastOnly = el('input', { type: 'checkbox' });
  const remove = row => row.remove();
  addWindow.addEventListener('click', () => windows.append(windowRow({ days: WEEKDAYS, from: '07:00', to: '10:00', spares: 2 }, remove)));
  const parts = {
    STATIC: el('div', { class: 'row kind STATIC' }, labelled('Spares', spares, 'sparePolicy.spares')),
    SCHEDULE: el('div', { class: 'kind SCHEDULE editor' }, el('div', { class: 'row' }, labelled('Time zone', zone, 'sparePolicy.zone'),
      labelled('Spares outside the windows', otherwise, 'sparePolicy.otherwise')),
    el('div', { class: 'muted' }, 'Windows: days, from, to (before from: crosses midnight), spares'), windows, addWindow,
    el('span', { class: 'field-error', 'data-error-for': 'sparePolicy.windows', role: 'alert' })),
    PREDICTIVE: el('div', { class: 'row kind PREDICTIVE' }, labelled('Safety margin', safetyMargin, 'sparePolicy.safetyMargin'),
      labelled('Min spares', minSpare, 'sparePolicy.minSpare'), labelled('Max spares', maxSpare, 'sparePolicy.maxSpare'),
      el('label', { class: 'field checkbox' }, forecastOnly, ' Forecast only (record the target, keep min spares)'))
  };
  forecastOnly.name = 'sparePolicy.forecastOnly';
  const showKind = () => Object.entries(parts).forEach(([k, part]) => { part.hidden = k !== kind.value; });
  kind.addEventListener('change', showKind);
  showKind();
  return {
    element: el('div', { class: 'editor spare-policy' }, labelled('Kind', kind), ...Object.values(parts)),
    get: () => {
      switch (kind.value) {
        case 'SCHEDULE': return { type: 'SCHEDULE', zone: orNull(zone), otherwise: numberOrNull(otherwise),
          windows: [...windows.children].map(r => r.read()) };
        case 'PREDICTIVE': return { type: 'PREDICTIVE', safetyMargin: numberOrNull(safetyMargin), minSpare: numberOrNull(minSpare),
          maxSpare: numberOrNull(maxSpare), forecastOnly: forecastOnly.checked };
        default: return { type: 'STATIC', spares: numberOrNull(spares) };
      }
    },
    set: policy => {
      if (!policy) return;
      kind.value = policy.type;
      if (policy.type === 'STATIC') spares.value = policy.spares;
      if (policy.type === 'SCHEDULE') {
        zone.value = policy.zone;
        otherwise.value = policy.otherwise;
        windows.replaceChildren(...policy.windows.map(w => windowRow(w, remove)));
      }
      if (policy.type === 'PREDICTIVE') {
        safetyMargin.value = policy.safetyMargin;
        minSpare.value = policy.minSpare;
        maxSpare.value = policy.maxSpare;
        forecastOnly.checked = !!policy.forecastOnly;
      }
      showKind();
    }
  };
}

const LIMITS = [
  ['afterDisconnected', 'After disconnected for', 'PT30M'],
  ['idleLimit', 'Idle limit', 'PT1H'],
  ['idleWarning', 'Idle warning before', 'PT5M'],
  ['unopenedTimeout', 'Unopened timeout', 'PT5M'],
  ['maxLength', 'Max session length', 'PT8H']
];

/** Session and idle limits: ISO-8601 durations, empty for none. */
export function sessionLimitsEditor() {
  const action = el('select', {}, ...[['NONE', 'NONE: keep running'], ['SUSPEND', 'SUSPEND'], ['SHUT_DOWN', 'SHUT_DOWN']]
    .map(([v, l]) => el('option', { value: v }, l)));
  const inputs = Object.fromEntries(LIMITS.map(([name, , hint]) => [name, text('', hint)]));
  const notices = text('', 'PT15M, PT5M');
  return {
    element: el('div', { class: 'editor session-limits' }, el('div', { class: 'row' },
      labelled('Disconnected desktops', action, 'sessionLimits.disconnectedAction'),
      ...LIMITS.map(([name, label]) => labelled(label, inputs[name], `sessionLimits.${name}`)),
      labelled('Notices before the end', notices, 'sessionLimits.endNotices'))),
    get: () => {
      const limits = { disconnectedAction: action.value };
      for (const [name] of LIMITS) if (orNull(inputs[name])) limits[name] = orNull(inputs[name]);
      const list = notices.value.split(',').map(s => s.trim()).filter(Boolean);
      if (list.length) limits.endNotices = list;
      return limits;
    },
    set: limits => {
      if (!limits) return;
      action.value = limits.disconnectedAction || 'NONE';
      for (const [name] of LIMITS) inputs[name].value = limits[name] || '';
      notices.value = (limits.endNotices || []).join(', ');
    }
  };
}
