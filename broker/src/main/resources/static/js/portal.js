import { api, el, signOut, when } from './api.js';

const STEPS = ['REQUESTED', 'READY', 'CONNECTED'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const errorBox = document.getElementById('error');
let pools = [];
let me = null;

/** Only admins and employees may ask for desktops; auditors never do. */
function mayOpenDesktops() {
  return me.roles.includes('EMPLOYEE') || me.roles.includes('ADMIN');
}

/** A pool the signed-in user is entitled to by name or group (admins and auditors see every pool). */
function entitled(pool) {
  return pool.entitledUsers.includes(me.name) || pool.entitledGroups.some(g => me.groups.includes(g));
}

/** How long from now until an instant, in words: "12 min", "1 h 5 min", "less than a minute". */
function timeLeft(instant) {
  const minutes = Math.floor((new Date(instant) - Date.now()) / 60000);
  if (minutes < 1) return 'less than a minute';
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function clock(instant) {
  return new Date(instant).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

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
    case 'DISCONNECTED': return session.keptUntil
      ? `Disconnected: your desktop is kept for you until ${clock(session.keptUntil)} (${timeLeft(session.keptUntil)} left). Open it again to carry on.`
      : 'Disconnected: your desktop is kept for you for a while.';
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

/**
 * Shares the running session through a one-time link, shown here once (the broker keeps only its hash): the first
 * signed-in colleague who opens it watches (VIEW) or may also type (CONTROL), for 15 minutes unused.
 */
async function share(session, mode) {
  try {
    const made = await api('POST', `/api/sessions/${session.id}/shares`, { mode });
    document.getElementById('share-text').textContent = (mode === 'VIEW'
      ? 'Send this one-time link to the colleague who should watch your desktop'
      : 'Send this one-time link to the colleague who should use your desktop with you')
      + ` (valid once, until ${clock(made.expiresAt)}):`;
    document.getElementById('share-link').value = made.link;
    document.getElementById('share').hidden = false;
    document.getElementById('share-link').select();
  } catch (e) {
    showError(e.message);
  }
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
      ? el('button', { class: 'secondary', onclick: () => logOff(session), 'data-action': 'logoff' }, 'Log off') : null,
    session.state === 'CONNECTED' ? ' ' : null,
    session.state === 'CONNECTED'
      ? el('button', { class: 'secondary', onclick: () => share(session, 'VIEW'), 'data-action': 'share-view' }, 'Share (view only)') : null,
    session.state === 'CONNECTED' ? ' ' : null,
    session.state === 'CONNECTED'
      ? el('button', { class: 'secondary', onclick: () => share(session, 'CONTROL'), 'data-action': 'share-control' }, 'Share with control') : null);
}

function poolCard(pool) {
  const draining = pool.state === 'DRAINING';
  return el('div', { class: 'card', 'data-pool': pool.id, 'data-state': pool.state },
    el('h3', {}, pool.name),
    el('p', { class: 'muted' }, `${pool.type === 'PERSISTENT' ? 'Personal desktop, kept between sessions' : 'Fresh desktop every session'}`
      + (draining ? '' : ` · ${pool.readySpares} ready now`)),
    pool.recording ? el('p', { class: 'muted', 'data-recorded': 'true' }, 'Sessions of this pool are recorded for audit.') : null,
    draining
      ? el('p', { class: 'muted', 'data-draining': 'true' }, `This pool is being removed: open sessions end at `
        + `${clock(pool.drain.deadline)}. It takes no new sessions.`)
      : el('button', { onclick: () => request(pool), 'data-action': 'request' }, 'Open a desktop'));
}

/** Admins and auditors who have no desktop to open here get the way to their console instead. */
function consoleCard() {
  const links = [];
  if (me.roles.includes('ADMIN')) links.push(el('a', { class: 'button', href: '/admin', 'data-console': 'admin' }, 'Open the admin console'));
  if (me.roles.includes('AUDITOR')) links.push(el('a', { class: 'button', href: '/audit', 'data-console': 'audit' }, 'Open the audit console'));
  return [el('h3', {}, 'Nothing to open here'),
    el('p', { class: 'muted' }, 'You are not entitled to any desktop pool. Your work is in your console.'), ...links];
}

document.getElementById('share-done').addEventListener('click', () => {
  document.getElementById('share').hidden = true;
  document.getElementById('share-link').value = '';
});

async function refresh() {
  try {
    pools = await api('GET', '/api/pools');
    const sessions = (await api('GET', '/api/sessions')).filter(s => s.state !== 'ENDED').slice(0, 12);
    // only what this user may open: pools they are entitled to, active or still draining (never deleted ones)
    const mine = mayOpenDesktops() ? pools.filter(p => entitled(p) && p.state !== 'DELETED') : [];
    const showConsole = !mine.length && !sessions.length && (me.roles.includes('ADMIN') || me.roles.includes('AUDITOR'));
    document.getElementById("console").hidden = !showConsole;
    document.getElementById("desktops").hidden = showConsole;
    if (showConsole) {
      document.getElementById('console-card').replaceChildren(...consoleCard());
      return;
    }
    document.getElementById('sessions').replaceChildren(...(sessions.length ? sessions.map(sessionCard)
      : [el('p', { class: 'muted' }, 'No open sessions.')]));
    document.getElementById('pools').replaceChildren(...(mine.length ? mine.map(poolCard)
      : [el('p', { class: 'muted' }, 'You are not entitled to any desktop pool yet. Ask your administrator.')]));
  } catch (e) {
    showError(e.message);
  }
}

/**
 * The desktop tab was reloaded: it sent its user here with its session's id, and gets a fresh one-time connect
 * URL for it through this signed-in page (the tab itself keeps no token that could open it again).
 */
async function reconnect(sessionId) {
  try {
    const { connectUrl } = await api('POST', `/api/sessions/${sessionId}/connect`);
    location.replace(connectUrl);
    return true;
  } catch (e) {
    showError(e.status === 410 ? 'This desktop session has ended. Open a desktop again below.' : e.message);
    return false;
  }
}

async function start() {
  me = await api('GET', '/api/me');
  const asked = new URLSearchParams(location.search).get('reconnect');
  if (asked !== null) {
    history.replaceState(null, '', '/');
  }
  if (asked && UUID.test(asked) && await reconnect(asked)) {
    return;
  }
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
