// Pools: the list (#/pools), creation (#/pools/new), editing (#/pools/ID/edit, a merge patch of the form's fields),
// and one pool (#/pools/ID/TAB) with its desktops filling live, its rollouts, its forecast and backtest charts, its
// event history, and deletion with a deadline and a notice to its users.
import { api, el, versions, when } from '../../api.js';
import { actionButton, badge, confirmAction, form } from '../form.js';
import { eventHistory, facts, heading, readOnly } from '../parts.js';
import { dataTable } from '../table.js';
import { namesEditor, sessionLimitsEditor, sparePolicyEditor } from './pool-editors.js';
import { rolloutPanel } from './pool-rollouts.js';
import { poolCharts } from './pool-charts.js';

const REFRESH_MS = 2000;
const TABS = [['desktops', 'Desktops'], ['rollouts', 'Rollouts'], ['forecast', 'Forecast & backtest'], ['history', 'History']];

function spares(policy) {
  if (!policy) return '';
  if (policy.type === 'STATIC') return `STATIC ${policy.spares}`;
  if (policy.type === 'SCHEDULE') return `SCHEDULE ${policy.windows.length} window${policy.windows.length === 1 ? '' : 's'}, otherwise ${policy.otherwise}`;
  return `PREDICTIVE ×${1 + policy.safetyMargin} in [${policy.minSpare}, ${policy.maxSpare}]${policy.forecastOnly ? ' (forecast only)' : ''}`;
}

function state(pool) {
  if (pool.state === 'DRAINING' && pool.drain) return el('span', {}, badge(pool.state), ' sessions end ' + when(pool.drain.deadline));
  return badge(pool.state);
}

const entitled = pool => [...pool.entitledUsers, ...pool.entitledGroups.map(g => 'group ' + g)].join(', ');

function list(root, ctx) {
  root.append(heading('Pools', { actions: ctx.admin ? [el('a', { class: 'button new', href: '#/pools/new' }, 'Create a pool')] : [] }));
  const table = dataTable(root, [
    { title: 'Name', field: 'name', grow: 2, node: p => el('a', { href: `#/pools/${p.id}`, class: 'open' }, p.name) },
    { title: 'State', field: 'state', node: state },
    { title: 'Type', field: 'type' },
    { title: 'Version', field: 'templateVersion', sorter: 'number', node: p => 'v' + p.templateVersion },
    { title: 'Spare target', field: 'target', sorter: 'number', node: p => p.spareTarget ? p.spareTarget.spares : p.minSpare },
    { title: 'Ready', field: 'readySpares', sorter: 'number' },
    { title: 'Provisioning', field: 'provisioning', sorter: 'number' },
    { title: 'Desktops', field: 'desktops', sorter: 'number', node: p => `${p.desktops} / ${p.maxSize}` },
    { title: 'Entitled', field: 'entitled', grow: 2, search: entitled, node: entitled }
  ], { id: 'pools', label: 'pools', onOpen: p => ctx.go('pools', p.id), empty: 'No pool yet',
    rowClass: p => `pool-${p.state}` });
  ctx.every(REFRESH_MS, async () => table.set((await api('GET', '/api/pools')).map(p => ({ ...p,
    target: p.spareTarget ? p.spareTarget.spares : p.minSpare, entitled: entitled(p) }))));
}

async function editor(root, ctx, id) {
  const [templates, pool] = await Promise.all([api('GET', '/api/templates'),
    id ? api('GET', `/api/pools/${encodeURIComponent(id)}`) : null]);
  if (!ctx.live) return;
  root.append(heading(pool ? `Edit ${pool.name}` : 'Create a pool', { back: pool ? [`#/pools/${pool.id}`, pool.name] : ['#/pools', 'Pools'] }));
  const users = namesEditor('entitledUsers', 'alice, bob');
  const groups = namesEditor('entitledGroups', 'staff');
  const sparePolicy = sparePolicyEditor();
  const sessionLimits = sessionLimitsEditor();
  const creation = pool ? [] : [
    { name: 'templateId', label: 'Template', type: 'select', options: templates.map(t => [t.id, t.name]) },
    { name: 'templateVersion', label: 'Version', type: 'select', options: [] },
    { name: 'type', label: 'Type', type: 'select', options: [['FLOATING', 'FLOATING: recycled after each session'],
      ['PERSISTENT', 'PERSISTENT: stays with its user']] }];
  const poolForm = form([
    { legend: 'Pool', fields: [
      { name: 'name', label: 'Name', max: 100 }, ...creation,
      { name: 'powerPolicy', label: 'At logoff', type: 'select', options: [['KEEP_RUNNING', 'KEEP_RUNNING'],
        ['POWER_OFF_AT_LOGOFF', 'POWER_OFF_AT_LOGOFF (persistent)']] },
      { name: 'maxSize', label: 'Max desktops', type: 'number' },
      { name: 'recording', label: 'Record connections', type: 'checkbox' }] },
    { legend: 'Entitlements', fields: [
      { name: 'entitledUsers', label: 'Users', editor: users, wide: true },
      { name: 'entitledGroups', label: 'Groups', editor: groups, wide: true }] },
    { legend: 'Spare desktops', className: 'spares', fields: [{ name: 'sparePolicy', label: 'Spare policy', editor: sparePolicy, wide: true }] },
    { legend: 'Session and idle limits', className: 'limits', fields: [{ name: 'sessionLimits', label: 'Limits (ISO-8601 durations, empty for none)',
      editor: sessionLimits, wide: true }] },
    { legend: 'Placement', className: 'placement', note: "Terms a host's labels must all meet: key, key=value, key!=value, !key. None: any host.",
      fields: [{ name: 'hostSelector', label: 'Host selector', editor: namesEditor('hostSelector', 'site=berlin, !gpu'), wide: true }] }
  ], {
    submit: pool ? 'Save' : 'Create',
    codeFields: { NAME_TAKEN: 'name', SPARE_POLICY_INVALID: 'sparePolicy', POOL_LIMITS_INVALID: 'sessionLimits',
      TEMPLATE_VERSION_RETIRED: 'templateVersion', TEMPLATE_VERSION_NOT_FOUND: 'templateVersion', TEMPLATE_NOT_FOUND: 'templateId' },
    cancel: () => pool ? ctx.go('pools', pool.id) : ctx.go('pools'),
    onSubmit: async values => {
      const body = { ...values };
      if (!pool && body.templateVersion !== null) body.templateVersion = Number(body.templateVersion);
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
      const saved = pool ? await api('PATCH', `/api/pools/${pool.id}`, body) : await api('POST', '/api/pools', body);
      ctx.go('pools', saved.id);
    }
  });
  root.append(poolForm.element);
  if (!pool) {
    const template = poolForm.element.querySelector('[name="templateId"]');
    const version = poolForm.element.querySelector('[name="templateVersion"]');
    const offer = () => {
      const chosen = templates.find(t => t.id === template.value);
      const offered = chosen ? chosen.versions.filter(v => !v.retired).map(v => v.version).reverse() : [];
      version.replaceChildren(...offered.map(v => el('option', { value: v }, 'v' + v)));
    };
    template.addEventListener('change', offer);
    offer();
    poolForm.set({ powerPolicy: 'KEEP_RUNNING', maxSize: 10, type: 'FLOATING' });
    sparePolicy.set({ type: 'STATIC', spares: 1 });
  } else {
    poolForm.set(pool);
  }
}

function detail(root, ctx, id, tab) {
  const title = el('span', {}, 'Pool');
  const actions = el('div', { class: 'actions' });
  const summary = el('div', { class: 'card' });
  root.append(heading(title, { back: ['#/pools', 'Pools'], actions: [actions] }), summary);
  const deletion = el('div', { class: 'deletion' });
  root.append(deletion);
  const current = TABS.some(([t]) => t === tab) ? tab : 'desktops';
  root.append(el('nav', { class: 'tabs' }, ...TABS.map(([t, label]) => el('a', { href: `#/pools/${id}/${t}`, 'data-tab': t,
    class: t === current ? 'active' : '' }, label))));
  const body = el('div', { class: 'tab-body', 'data-tab': current });
  root.append(body);
  let shown = '';
  ctx.every(REFRESH_MS, async () => {
    const pool = await api('GET', `/api/pools/${encodeURIComponent(id)}`);
    const json = JSON.stringify(pool);
    if (json === shown) return;
    shown = json;
    title.textContent = pool.name;
    summary.replaceChildren(facts([['State', state(pool)], ['Type', pool.type], ['Version', 'v' + pool.templateVersion],
      ['Spare policy', spares(pool.sparePolicy)], ['Spare target', pool.spareTarget ? `${pool.spareTarget.spares} (${pool.spareTarget.reason})` : ''],
      ['Ready spares', String(pool.readySpares)], ['Provisioning', String(pool.provisioning)],
      ['Desktops', `${pool.desktops} / ${pool.maxSize}`], ['Entitled', entitled(pool)], ['At logoff', pool.powerPolicy],
      ['Recording', pool.recording ? 'on' : 'off'], ['Host selector', (pool.hostSelector || []).join(', ') || 'any host'],
      ['Placement', pool.placementProblem || ''], ['Id', el('code', {}, pool.id)]]));
    if (ctx.admin && pool.state === 'ACTIVE') {
      actions.replaceChildren(el('a', { class: 'button secondary edit', href: `#/pools/${pool.id}/edit`, 'data-action': 'edit' }, 'Edit'),
        actionButton('Delete', () => showDeletion(deletion, ctx, pool), { ctx, className: 'danger', data: { action: 'delete' } }));
    } else {
      actions.replaceChildren();
    }
  });
  if (current === 'desktops') desktops(body, ctx, id);
  if (current === 'rollouts') rolloutPanel(body, ctx, id);
  if (current === 'forecast') poolCharts(body, ctx, id);
  if (current === 'history') eventHistory(body, id).catch(e => ctx.error(e.message));
}

function desktops(root, ctx, id) {
  const table = dataTable(root, [
    { title: 'Desktop', field: 'id', node: d => el('code', {}, d.id.substring(0, 8)), search: d => d.id },
    { title: 'State', field: 'state', node: d => el('span', {}, badge(d.state), d.failureReason ? el('div', { class: 'muted' }, d.failureReason) : '') },
    { title: 'User', field: 'user' },
    { title: 'Version', field: 'templateVersion', sorter: 'number', node: versions },
    { title: 'Host', field: 'hostId', node: d => d.hostId ? el('a', { href: `#/hosts/${d.hostId}` }, d.hostId.substring(0, 8)) : '' },
    { title: 'Since', field: 'updatedAt', node: d => when(d.updatedAt), minWidth: 170 }
  ], { id: 'pool-desktops', label: 'the desktops', empty: 'No desktop yet' });
  ctx.every(REFRESH_MS, async () => table.set((await api('GET', `/api/desktops?poolId=${encodeURIComponent(id)}`))
    .map(d => ({ ...d, user: d.assignedUser || d.owner || '' }))));
}

function showDeletion(root, ctx, pool) {
  const deletionForm = form([{ legend: `Delete ${pool.name}`, note: 'The pool stops taking sessions and its idle desktops are '
    + 'destroyed at once; open sessions get the notice and end at the deadline.', fields: [
    { name: 'deadline', label: 'Sessions end', hint: 'now, PT30M or 2030-01-01T18:00:00Z' },
    { name: 'message', label: 'Notice to users', max: 500, wide: true, hint: 'This pool is retired at 18:00; save your work.' },
    ...(pool.type === 'PERSISTENT' ? [{ name: 'userDisks', label: 'User disks', type: 'select',
      options: [['KEEP', 'KEEP on their hosts'], ['DELETE', 'DELETE']] }] : [])] }], {
    submit: 'Delete the pool',
    className: 'delete-pool',
    cancel: () => root.replaceChildren(),
    onSubmit: async values => {
      if (!await confirmAction(`Delete ${pool.name}? This cannot be undone.`, 'Delete')) return;
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
      await api('DELETE', `/api/pools/${pool.id}`, body);
      root.replaceChildren();
    }
  });
  deletionForm.element.querySelector('button.submit').classList.add('danger');
  root.replaceChildren(deletionForm.element);
}

export default {
  title: 'Pools',
  show(root, ctx, parts) {
    if (parts[0] === 'new' && ctx.admin) return editor(root, ctx, null);
    // a read-only role at a form's address: the list, and why there is no form (not an error about an id "new")
    if (parts[0] === 'new') return readOnly(ctx, 'create pools', () => list(root, ctx));
    if (parts[0] && parts[1] === 'edit' && ctx.admin) return editor(root, ctx, parts[0]);
    if (parts[0]) return detail(root, ctx, parts[0], parts[1]);
    return list(root, ctx);
  }
};
