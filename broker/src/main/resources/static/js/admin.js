import { api, el, signOut, versions, when } from './api.js';
import { refreshDemand, startForecasts } from './demand.js';

const errorBox = document.getElementById('error');
let me;

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

function hostRow(host) {
  const actions = me.roles.includes('ADMIN') ? el('button', { class: 'secondary', onclick: async () => {
    await act(() => api('POST', `/api/hosts/${host.id}/${host.cordoned ? 'uncordon' : 'cordon'}`, {}));
  } }, host.cordoned ? 'Uncordon' : 'Cordon') : '';
  const type = host.virtType === 'AUTO' ? `AUTO → ${host.effectiveVirtType || 'probing'}` : host.virtType;
  return el('tr', {}, el('td', {}, host.name), el('td', {}, host.uri),
    el('td', {}, type, host.accelerationReason ? el('div', { class: 'muted' }, host.accelerationReason) : ''),
    el('td', {}, el('span', { class: `state ${host.state}` }, host.state), host.cordoned ? ' cordoned' : '',
      host.stateReason ? el('div', { class: 'muted' }, host.stateReason) : ''),
    el('td', {}, `${host.activeDesktops} / ${host.maxDesktops}`), el('td', {}, actions));
}

/** ACTIVE; DRAINING with the deadline of its sessions; DELETED with when. */
function poolState(pool) {
  const badge = el('span', { class: `state ${pool.state}` }, pool.state);
  if (pool.state === 'DRAINING') return [badge, ' sessions end ' + when(pool.drain.deadline)];
  if (pool.state === 'DELETED' && pool.drain && pool.drain.deletedAt) return [badge, ' ' + when(pool.drain.deletedAt)];
  return [badge];
}

function poolRow(pool) {
  return el('tr', { 'data-pool': pool.id, 'data-state': pool.state }, el('td', {}, pool.name), el('td', {}, poolState(pool)),
    el('td', {}, pool.type), el('td', {}, 'v' + pool.templateVersion),
    el('td', {}, pool.minSpare), el('td', {}, pool.readySpares), el('td', {}, pool.provisioning),
    el('td', {}, `${pool.desktops} / ${pool.maxSize}`),
    el('td', {}, [...pool.entitledUsers, ...pool.entitledGroups.map(g => 'group ' + g)].join(', ')));
}

function desktopRow(desktop, poolsById) {
  return el('tr', {}, el('td', {}, el('a', { href: '#', onclick: e => { e.preventDefault(); history(desktop.id); } },
      desktop.id.substring(0, 8))),
    el('td', {}, poolsById[desktop.poolId] || desktop.poolId),
    el('td', {}, el('span', { class: `state ${desktop.state}` }, desktop.state),
      desktop.failureReason ? el('div', { class: 'muted' }, desktop.failureReason) : ''),
    el('td', {}, desktop.assignedUser || desktop.owner || ''), el('td', {}, versions(desktop)),
    el('td', {}, when(desktop.updatedAt)));
}

async function history(id) {
  document.getElementById('aggregate').value = id;
  const events = await api('GET', `/api/events?aggregateId=${encodeURIComponent(id)}`);
  document.getElementById('history').replaceChildren(...events.map(e => el('tr', {},
    el('td', {}, e.sequence), el('td', {}, when(e.timestamp)), el('td', {}, e.type), el('td', {}, e.actor || ''),
    el('td', {}, el('code', {}, JSON.stringify(e.payload)), recordingsLink(e)))));
}

/** Auditors get a link from a session's connections to its recordings (the player, recordings.html). */
function recordingsLink(event) {
  if (!me || !me.roles.includes('AUDITOR') || event.type !== 'ConnectionTokenRedeemedEvent') return null;
  return el('div', {}, el('a', { class: 'recordings-link',
    href: '/recordings.html?sessionId=' + encodeURIComponent(event.payload.sessionId) }, 'Recordings of this session'));
}

async function act(action) {
  try { await action(); showError(''); } catch (e) { showError(e.message); }
  await refresh();
}

async function refresh() {
  try {
    const [hosts, pools, desktops] = await Promise.all([api('GET', '/api/hosts'), api('GET', '/api/pools'),
      api('GET', '/api/desktops'), refreshDemand()]);
    const poolsById = Object.fromEntries(pools.map(p => [p.id, p.name]));
    document.getElementById('hosts').replaceChildren(...hosts.map(hostRow));
    document.getElementById('pools').replaceChildren(...pools.map(poolRow));
    document.getElementById('desktops').replaceChildren(...desktops.map(d => desktopRow(d, poolsById)));
  } catch (e) {
    showError(e.message);
  }
}

async function start() {
  me = await api('GET', '/api/me');
  document.getElementById('who').textContent = `${me.name} (${me.roles.join(', ')})`;
  document.getElementById('audit-link').hidden = !me.roles.includes('AUDITOR');
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('history-form').addEventListener('submit', e => {
    e.preventDefault();
    history(document.getElementById('aggregate').value.trim()).catch(err => showError(err.message));
  });
  await refresh();
  startForecasts(await api('GET', '/api/pools'), me, showError).catch(e => showError(e.message));
  setInterval(refresh, 4000);
}

start();
