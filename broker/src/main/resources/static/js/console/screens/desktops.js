// Desktops: the list (#/desktops, every pool's, live) and one desktop (#/desktops/ID) with recycle, power off and
// power on, its facts updated live and its event history. Actions are offered where the desktop's state allows them;
// the API's refusal (a desktop in use names its session) shows in the screen's error line.
import { api, el, when, versions } from '../../api.js';
import { actionButton, badge, confirmAction } from '../form.js';
import { eventHistory, facts, heading } from '../parts.js';
import { dataTable } from '../table.js';

const REFRESH_MS = 3000;
const RESTING = ['POWERED_OFF', 'SUSPENDING', 'SUSPENDED'];
const GONE = ['RECYCLING', 'DESTROYED', 'FAILED', 'LOST'];

/** Names of pools and hosts by id, read again with each refresh of the list. */
async function names() {
  const [pools, hosts] = await Promise.all([api('GET', '/api/pools'), api('GET', '/api/hosts')]);
  return { pools: new Map(pools.map(p => [p.id, p.name])), hosts: new Map(hosts.map(h => [h.id, h.name])) };
}

function short(id) {
  return id ? String(id).substring(0, 8) : '';
}

function user(d) {
  return d.assignedUser || d.owner || '';
}

/** The buttons a desktop's state allows; done() runs after an action so the view refreshes at once. */
function desktopActions(ctx, d, done) {
  if (!ctx.admin || d.state === 'DESTROYED') return [];
  const post = (verb, query = '') => api('POST', `/api/desktops/${d.id}/${verb}${query}`).then(done);
  const buttons = [];
  if (d.state === 'READY' && d.owner) {
    buttons.push(actionButton('Power off', () => post('power-off'), { ctx, data: { action: 'power-off', id: d.id } }));
  }
  if (RESTING.includes(d.state)) {
    buttons.push(actionButton('Power on', () => post('power-on'), { ctx, data: { action: 'power-on', id: d.id } }));
  }
  if (!GONE.includes(d.state)) {
    buttons.push(actionButton('Recycle', async () => {
      const persistent = !!d.owner;
      const text = persistent
        ? `Recycle ${d.owner}'s persistent desktop ${short(d.id)}? It is destroyed with its user disk; ${d.owner} gets a new desktop next time.`
        : `Recycle desktop ${short(d.id)}? It is destroyed and its pool provisions a fresh one.`;
      if (await confirmAction(text, 'Recycle')) await post('recycle', persistent ? '?force=true' : '');
    }, { ctx, className: 'danger', data: { action: 'recycle', id: d.id } }));
  }
  return buttons;
}

function list(root, ctx) {
  root.append(heading('Desktops'));
  const destroyed = el('input', { type: 'checkbox', id: 'include-destroyed' });
  root.append(el('label', { class: 'inline-option' }, destroyed, ' Show destroyed desktops'));
  let refresh = () => {};
  const table = dataTable(root, [
    { title: 'Desktop', field: 'id', node: d => el('a', { href: `#/desktops/${d.id}`, class: 'open' }, short(d.id)), minWidth: 100 },
    { title: 'Pool', field: 'poolName', grow: 2 },
    { title: 'Host', field: 'hostName' },
    { title: 'Version', field: 'templateVersion', sorter: 'number', node: versions, search: versions },
    { title: 'State', field: 'state', node: d => badge(d.state) },
    { title: 'User', field: 'user' },
    { title: 'Updated', field: 'updatedAt', node: d => when(d.updatedAt), minWidth: 170 },
    { title: 'Actions', field: 'actions', sortable: false, minWidth: 220, node: d => el('span', { class: 'actions' },
        ...desktopActions(ctx, d, () => refresh())) }
  ], { id: 'desktops', label: 'desktops', onOpen: d => ctx.go('desktops', d.id), empty: 'No desktop', pageSize: 20 });
  refresh = async () => {
    const [desktops, known] = await Promise.all([
      api('GET', `/api/desktops?includeDestroyed=${destroyed.checked}`), names()]);
    if (!ctx.live) return;
    table.set(desktops.map(d => ({ ...d, poolName: known.pools.get(d.poolId) || short(d.poolId),
      hostName: known.hosts.get(d.hostId) || short(d.hostId), user: user(d) })));
  };
  destroyed.addEventListener('change', () => refresh().catch(e => ctx.error(e.message)));
  ctx.every(REFRESH_MS, refresh);
}

function detail(root, ctx, id) {
  const title = el('span', {}, 'Desktop');
  const actions = el('div', { class: 'desktop-actions actions' });
  const body = el('div', { class: 'card' });
  root.append(heading(title, { back: ['#/desktops', 'Desktops'], actions: [actions] }), body);
  let shown = '';
  const load = async () => {
    const [d, known] = await Promise.all([api('GET', `/api/desktops/${encodeURIComponent(id)}`), names()]);
    if (!ctx.live) return;
    const json = JSON.stringify(d);
    if (json === shown) return;
    shown = json;
    title.textContent = `Desktop ${short(d.id)}`;
    body.replaceChildren(facts([
      ['State', badge(d.state)], ['Pool', known.pools.get(d.poolId) || d.poolId], ['Host', known.hosts.get(d.hostId) || d.hostId],
      ['Version', 'v' + d.templateVersion], ['Owner', d.owner], ['In use by', d.assignedUser],
      ['Session', d.sessionId ? el('a', { href: `#/sessions/${d.sessionId}` }, d.sessionId) : null],
      ['Failure', d.failureReason], ['Requested', when(d.requestedAt)], ['Ready', when(d.readyAt)],
      ['Updated', when(d.updatedAt)], ['Id', el('code', {}, d.id)]]));
    actions.replaceChildren(...desktopActions(ctx, d, () => load()));
  };
  ctx.every(REFRESH_MS, load);
  eventHistory(root, id).catch(e => ctx.error(e.message));
}

export default {
  title: 'Desktops',
  show(root, ctx, parts) {
    if (parts[0]) detail(root, ctx, parts[0]);
    else list(root, ctx);
  }
};
