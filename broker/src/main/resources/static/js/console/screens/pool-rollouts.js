// A pool's rollout panel (#/pools/ID/rollouts): admins publish or pick a version and start a rollout with every field
// of the API (its problem+json errors shown next to the fields they concern), watch its progress and pause, resume,
// cancel or roll it back; auditors watch. The form is built once and never redrawn, so a refresh does not wipe what an
// admin is typing; only the status and the desktops are redrawn.
import { api, el, versions, when } from '../../api.js';

const REFRESH_MS = 2000;
const ACTIVE = ['SCHEDULED', 'RUNNING', 'PAUSED'];
/* The strategy form: API field, label, input type, hint. */
const STRATEGY = [
  ['canary', 'Canary desktops', 'number', '1'],
  ['maxUnavailable', 'Max unavailable', 'text', '1 or 25%'],
  ['maxSurge', 'Max surge', 'number', '1'],
  ['logoff', 'Logoff', 'select', ''],
  ['deadline', 'Forced logoff after', 'text', 'PT2H (FORCE_AFTER)'],
  ['notice', 'Notice to users', 'text', 'shown in their desktop tab'],
  ['noticeBefore', 'Notice before', 'text', 'PT15M'],
  ['progressDeadline', 'Progress deadline', 'text', 'PT10M'],
  ['failureThreshold', 'Failure threshold', 'number', '1'],
  ['startAt', 'Start at', 'datetime-local', 'now']
];
const NUMBERS = ['templateVersion', 'canary', 'maxSurge', 'failureThreshold'];
const PAUSE_REASONS = { ADMIN: 'paused by an admin', CANARY_FAILED: 'the canary failed',
  FAILURE_THRESHOLD: 'too many desktops failed', PROGRESS_DEADLINE: 'no progress within the deadline' };


function field(name, label, input, hint) {
  input.name = name;
  input.id = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  if (hint && input.tagName === 'INPUT') input.placeholder = hint;
  return el('div', { class: 'field' }, el('label', { for: input.id }, label), input,
    el('span', { class: 'field-error', 'data-error-for': name, role: 'alert' }));
}

function showErrors(form, error) {
  form.querySelectorAll('.field-error').forEach(span => { span.textContent = ''; });
  if (!error) return;
  const problem = error.problem || {};
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  let placed = false;
  for (const e of errors) {
    const span = form.querySelector(`[data-error-for="${CSS.escape(String(e.field).split('.')[0])}"]`);
    if (span) { span.textContent = e.message; placed = true; }
  }
  if (!placed && /^(ROLLOUT_SAME_VERSION|ROLLOUT_OTHER_TEMPLATE|TEMPLATE_VERSION_)/.test(error.code || '')) {
    const span = form.querySelector('[data-error-for="templateVersion"]');
    if (span) { span.textContent = error.message; placed = true; }
  }
  if (!placed) form.querySelector('[data-error-for="form"]').textContent = error.message;
}

function body(form) {
  const data = {};
  for (const input of form.querySelectorAll('[name]')) {
    const value = input.value.trim();
    if (!value || input.name === 'imagePath') continue;
    if (NUMBERS.includes(input.name)) data[input.name] = Number(value);
    else if (input.name === 'maxUnavailable' && /^\d+$/.test(value)) data[input.name] = Number(value);
    else if (input.name === 'startAt') data[input.name] = new Date(value).toISOString();
    else data[input.name] = value;
  }
  return data;
}

function buildPanel(pool, ctx) {
  const status = el('div', { class: 'rollout-status' });
  const desktops = el('tbody');
  const card = el('section', { class: 'card rollout', 'data-pool': pool.id },
    el('h3', {}, pool.name, ' ', el('span', { class: 'muted pool-version' })), status);
  const panel = { card, status, desktops, pool, ctx, versionSelect: null, form: null, shownState: null };
  if (panel.ctx.admin) {
    panel.form = buildForm(panel);
    card.append(panel.form);
  }
  card.append(el('table', { class: 'rollout-desktops' }, el('thead', {}, el('tr', {}, el('th', {}, 'Desktop'),
    el('th', {}, 'State'), el('th', {}, 'User'), el('th', {}, 'Current → target'))), desktops));
  return panel;
}

function buildForm(panel) {
  const select = el('select', { class: 'version' });
  panel.versionSelect = select;
  const imagePath = el('input', { type: 'text', size: 40 });
  const publish = el('button', { type: 'button', class: 'secondary publish' }, 'Publish');
  const logoff = el('select', {}, el('option', { value: 'WAIT' }, 'WAIT: after the session ends'),
    el('option', { value: 'FORCE_AFTER' }, 'FORCE_AFTER: log users off at the deadline'));
  const form = el('form', { class: 'rollout-form', novalidate: '' },
    el('fieldset', {}, el('legend', {}, 'Version'), field('templateVersion', 'Roll out to', select),
      field('imagePath', 'or publish an image', imagePath, '/var/lib/openvdi/images/desktop-v2.qcow2'), publish),
    el('fieldset', { class: 'strategy' }, el('legend', {}, 'Strategy'),
      ...STRATEGY.map(([name, label, type, hint]) =>
        field(name, label, type === 'select' ? logoff : el('input', { type, ...(type === 'number' ? { min: 0 } : {}) }), hint))),
    el('button', { type: 'submit', class: 'start' }, 'Start rollout'),
    el('span', { class: 'field-error', 'data-error-for': 'form', role: 'alert' }));
  publish.addEventListener('click', async () => {
    try {
      const template = await api('POST', `/api/templates/${panel.pool.templateId}/versions`, { imagePath: imagePath.value.trim() });
      showErrors(form, null);
      imagePath.value = '';
      await panel.refresh();
      const newest = Math.max(...template.versions.map(v => v.version));
      select.value = String(newest);
    } catch (e) {
      showErrors(form, e);
      if (!(e.problem && e.problem.errors)) {
        form.querySelector('[data-error-for="imagePath"]').textContent = e.message;
        form.querySelector('[data-error-for="form"]').textContent = '';
      }
    }
  });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await api('POST', `/api/pools/${panel.pool.id}/rollouts`, body(form));
      showErrors(form, null);
    } catch (e) {
      showErrors(form, e);
    }
    await panel.refresh();
  });
  return form;
}

function versionOptions(panel, template) {
  if (!panel.versionSelect || !template) return;
  const offered = template.versions.filter(v => !v.retired && v.version !== panel.pool.templateVersion).map(v => String(v.version));
  const current = [...panel.versionSelect.options].map(o => o.value);
  if (offered.join() === current.join()) return;
  const chosen = panel.versionSelect.value;
  panel.versionSelect.replaceChildren(...offered.map(v => el('option', { value: v }, 'v' + v)));
  if (offered.includes(chosen)) panel.versionSelect.value = chosen;
}

function percent(rollout) {
  const { total, updated } = rollout.counts;
  if (total === 0) return rollout.state === 'COMPLETED' ? 100 : 0;
  return Math.round(100 * updated / total);
}

function estimate(seconds) {
  if (seconds === null || seconds === undefined) return 'time left: measuring the first step';
  if (seconds < 60) return `about ${seconds} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

function drawStatus(panel, rollouts) {
  const rollout = rollouts.find(r => ACTIVE.includes(r.state)) || rollouts[rollouts.length - 1];
  if (!rollout) {
    panel.shownKey = null;
    panel.status.replaceChildren(el('p', { class: 'muted' }, 'No rollout yet.'));
    return;
  }
  // redrawn only when it changed, so a button is not replaced under the admin's pointer
  const key = JSON.stringify(rollout);
  if (key === panel.shownKey) return;
  panel.shownKey = key;
  const c = rollout.counts;
  const done = percent(rollout);
  const buttons = [];
  if (panel.ctx.admin) {
    const action = (label, verb) => el('button', { type: 'button', class: `secondary ${verb}`, 'data-action': verb,
      onclick: () => act(panel, rollout, verb) }, label);
    if (['SCHEDULED', 'RUNNING'].includes(rollout.state)) buttons.push(action('Pause', 'pause'));
    if (rollout.state === 'PAUSED') buttons.push(action('Resume', 'resume'));
    if (ACTIVE.includes(rollout.state)) buttons.push(action('Cancel', 'cancel'));
    if (!['CANCELLED', 'ROLLED_BACK'].includes(rollout.state) && !rollout.rolledBackBy) buttons.push(action('Roll back', 'rollback'));
  }
  panel.status.replaceChildren(
    el('p', {}, el('strong', {}, `v${rollout.fromVersion} → v${rollout.toVersion}`), ' ',
      el('span', { class: `state ${rollout.state}`, 'data-state': rollout.state }, rollout.state),
      rollout.pauseReason ? el('span', { class: 'muted' }, ' ', PAUSE_REASONS[rollout.pauseReason] || rollout.pauseReason,
        rollout.pauseDetail ? ': ' + rollout.pauseDetail : '') : '',
      el('span', { class: 'muted' }, ` · started by ${rollout.startedBy}`, rollout.begunAt ? ' ' + when(rollout.begunAt) : '',
        rollout.state === 'SCHEDULED' ? ' · starts ' + when(rollout.startAt) : '')),
    el('div', { class: 'bar' }, el('progress', { max: 100, value: done, 'aria-label': 'Rollout progress' }),
      el('span', { class: 'percent' }, done + '%')),
    el('p', { class: 'counts' }, `${c.updated} of ${c.total} updated · ${c.inProgress} in progress · `
      + `${c.waitingForLogoff} waiting for logoff · ${c.failed} failed · canary ${rollout.canary.toLowerCase()}`
      + (ACTIVE.includes(rollout.state) ? ' · ' + estimate(rollout.estimatedSecondsLeft) : '')),
    el('div', { class: 'actions' }, ...buttons, el('span', { class: 'field-error action-error', role: 'alert' })));
  panel.shownState = rollout.state;
}

async function act(panel, rollout, verb) {
  try {
    await api('POST', `/api/pools/${panel.pool.id}/rollouts/${rollout.id}/${verb}`, {});
  } catch (e) {
    const span = panel.status.querySelector('.action-error');
    if (span) span.textContent = e.message;
    return;
  }
  await panel.refresh();
}

function drawDesktops(panel, desktops) {
  panel.desktops.replaceChildren(...desktops.filter(d => d.poolId === panel.pool.id).map(d => el('tr', {},
    el('td', {}, d.id.substring(0, 8)), el('td', {}, el('span', { class: `state ${d.state}` }, d.state)),
    el('td', {}, d.assignedUser || d.owner || ''), el('td', { class: 'versions' }, versions(d)))));
}

/** Draws the panel of one pool into root and keeps it live while the screen is shown. */
export function rolloutPanel(root, ctx, poolId) {
  let panel = null;
  const refresh = async () => {
    const pool = await api('GET', `/api/pools/${encodeURIComponent(poolId)}`);
    const [template, desktops, rollouts] = await Promise.all([api('GET', `/api/templates/${pool.templateId}`),
      api('GET', `/api/desktops?poolId=${encodeURIComponent(poolId)}`), api('GET', `/api/pools/${pool.id}/rollouts`)]);
    if (!ctx.live) return;
    if (!panel) {
      panel = buildPanel(pool, ctx);
      panel.refresh = refresh;
      root.append(panel.card);
    }
    panel.pool = pool;
    panel.card.querySelector('.pool-version').textContent = `on v${pool.templateVersion}`;
    versionOptions(panel, template);
    drawStatus(panel, rollouts);
    drawDesktops(panel, desktops);
  };
  ctx.every(REFRESH_MS, refresh);
}
