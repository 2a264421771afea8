import { api, el, signOut, when } from './api.js';

const STEPS = ['REQUESTED', 'READY', 'CONNECTED'];
const errorBox = document.getElementById('error');
let pools = [];

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

function progress(session) {
  const reached = session.state === 'CONNECTED' ? STEPS.length
    : session.state === 'DISCONNECTED' ? 1 : STEPS.indexOf(session.state);
  return el('div', { class: 'progress', title: session.state },
    STEPS.map((step, i) => el('span', { class: i < reached ? 'done' : i === reached ? 'now' : '' })));
}

function poolName(id) {
  const pool = pools.find(p => p.id === id);
  return pool ? pool.name : 'Desktop';
}

function describe(session) {
  const pool = pools.find(p => p.id === session.poolId);
  switch (session.state) {
    case 'REQUESTED':
      return pool && pool.provisioning > 0
        ? `Preparing your desktop (${pool.provisioning} being started)…` : 'Finding a desktop for you…';
    case 'READY': return 'Your desktop is ready.';
    case 'CONNECTED': return 'Open in another tab.';
    case 'DISCONNECTED': return 'Disconnected: your desktop is kept for you for a while.';
    case 'FAILED': return session.reason || 'This request could not be served.';
    default: return session.reason || '';
  }
}

/** Opens a tab at once (so no pop-up blocker interferes), then sends it to a fresh one-time connect URL. */
async function openDesktop(session, tab) {
  const target = tab || window.open('', '_blank');
  if (target) target.document.title = 'Opening your desktop…';
  try {
    const { connectUrl } = await api('POST', `/api/sessions/${session.id}/connect`);
    if (target) target.location.href = connectUrl; else location.href = connectUrl;
  } catch (e) {
    if (target) target.close();
    showError(e.message);
  }
}

async function request(pool) {
  showError('');
  const tab = window.open('', '_blank');
  try {
    let session = await api('POST', '/api/sessions', { poolId: pool.id });
    while (session.state === 'REQUESTED') {
      await refresh();
      await new Promise(r => setTimeout(r, 1000));
      session = await api('GET', `/api/sessions/${session.id}`);
    }
    await refresh();
    if (session.state === 'FAILED' || session.state === 'ENDED') {
      if (tab) tab.close();
      showError(describe(session));
      return;
    }
    await openDesktop(session, tab);
  } catch (e) {
    if (tab) tab.close();
    showError(e.message);
  }
}

async function logOff(session) {
  try {
    await api('DELETE', `/api/sessions/${session.id}`);
  } catch (e) {
    showError(e.message);
  }
  await refresh();
}

function sessionCard(session) {
  const open = ['READY', 'CONNECTED', 'DISCONNECTED'].includes(session.state);
  return el('div', { class: 'card', 'data-session': session.id },
    el('h3', {}, poolName(session.poolId)),
    el('span', { class: `state ${session.state}` }, session.state),
    progress(session),
    el('p', { class: 'muted' }, describe(session)),
    el('p', { class: 'muted' }, 'Requested ' + when(session.requestedAt)),
    open ? el('button', { onclick: () => openDesktop(session), 'data-action': 'open' }, 'Open desktop') : null,
    ' ',
    open || session.state === 'REQUESTED'
      ? el('button', { class: 'secondary', onclick: () => logOff(session), 'data-action': 'logoff' }, 'Log off') : null);
}

function poolCard(pool) {
  return el('div', { class: 'card', 'data-pool': pool.id },
    el('h3', {}, pool.name),
    el('p', { class: 'muted' }, `${pool.type === 'PERSISTENT' ? 'Personal desktop, kept between sessions' : 'Fresh desktop every session'}`
      + ` · ${pool.readySpares} ready now`),
    pool.recording ? el('p', { class: 'muted', 'data-recorded': 'true' }, 'Sessions of this pool are recorded for audit.') : null,
    el('button', { onclick: () => request(pool), 'data-action': 'request' }, 'Open a desktop'));
}

async function refresh() {
  try {
    pools = await api('GET', '/api/pools');
    const sessions = (await api('GET', '/api/sessions')).filter(s => s.state !== 'ENDED').slice(0, 12);
    document.getElementById('sessions').replaceChildren(...(sessions.length ? sessions.map(sessionCard)
      : [el('p', { class: 'muted' }, 'No open sessions.')]));
    document.getElementById('pools').replaceChildren(...(pools.length ? pools.map(poolCard)
      : [el('p', { class: 'muted' }, 'You are not entitled to any desktop pool yet. Ask your administrator.')]));
  } catch (e) {
    showError(e.message);
  }
}

async function start() {
  const me = await api('GET', '/api/me');
  document.getElementById('who').textContent = me.name;
  if (me.roles.includes('AUDITOR') && !me.roles.includes('EMPLOYEE')) {
    // an auditor has no desktops here: their page is the audit page
    location.replace('/audit');
    return;
  }
  document.getElementById('admin-link').hidden = !(me.roles.includes('ADMIN') || me.roles.includes('AUDITOR'));
  document.getElementById('audit-link').hidden = !me.roles.includes('AUDITOR');
  document.getElementById('sign-out').addEventListener('click', signOut);
  await refresh();
  setInterval(refresh, 3000);
}

start();
