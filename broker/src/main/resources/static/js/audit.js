// The auditor's page (/audit, auditors only): the session history with cursor paging and exports, a timeline per
// user and per desktop (vis-timeline), the change log, the security log with the chain's verification, who held a
// desktop at an instant, the image versions a user had, and from each session its recordings. Every answer comes
// from /api/audit/* (each read is recorded by the broker as an event); every value goes into the page as text.
import { api, el, signOut, when } from './api.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Rows a timeline draws at most; it says so when there are more. */
const TIMELINE_ROWS = 2000;
const PAGE = 50;
const errorBox = document.getElementById('error');
const sessions = new Map();
let timeline;

function showError(message) {
  errorBox.textContent = message || '';
  errorBox.hidden = !message;
}

/** A datetime-local value (the browser's time zone) as an ISO instant, or null when empty or not a time. */
function instant(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An ISO instant as a datetime-local value in the browser's time zone. */
function local(iso) {
  const date = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The form's filled-in fields as query parameters; datetime-local fields become ISO instants. */
function filters(form) {
  const params = new URLSearchParams();
  for (const field of form.elements) {
    if (!field.name || !field.value.trim()) continue;
    const value = field.type === 'datetime-local' ? instant(field.value) : field.value.trim();
    if (value) params.set(field.name, value);
  }
  return params;
}

function short(id) {
  return id ? String(id).substring(0, 8) : '';
}

function link(text, onclick, href = '#') {
  return el('a', { href, onclick: e => { e.preventDefault(); onclick(); } }, text);
}

function image(s) {
  if (s.imageVersion === null || s.imageVersion === undefined) return '';
  return `${s.templateName || short(s.templateId)} v${s.imageVersion}`;
}

/** Only the broker's own player is linked, whatever a row says. */
function recordingHref(url) {
  return typeof url === 'string' && url.startsWith('/recordings.html?') ? url : null;
}

function json(node) {
  return node === null || node === undefined ? '' : el('code', {}, JSON.stringify(node));
}

/** Export links: the same filters as the list, every matching row streamed by the broker. */
function exports(ids, path, params) {
  for (const [id, format] of ids) {
    const query = new URLSearchParams(params);
    query.set('format', format);
    const anchor = document.getElementById(id);
    anchor.href = `${path}?${query}`;
    anchor.setAttribute('download', `${path.split('/').pop()}.${format}`);
  }
}

/**
 * One paged list: searching draws the first page, "More" appends the page its next link names (only links into
 * /api/audit/ are followed).
 */
function pagedList({ body, more, row, empty, columns }) {
  const tbody = document.getElementById(body);
  const button = document.getElementById(more);
  let next = null;
  async function load(path, append) {
    const page = await api('GET', path);
    const rows = page.items.map(row);
    if (append) tbody.append(...rows);
    else tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: String(columns) }, empty))]));
    next = typeof page.next === 'string' && page.next.startsWith('/api/audit/') ? page.next : null;
    button.hidden = !next;
    return page;
  }
  button.addEventListener('click', () => next && load(next, true).catch(e => showError(e.message)));
  return { load };
}

// ---- sessions -------------------------------------------------------------------------------------------------

function sessionRow(s) {
  sessions.set(s.sessionId, s);
  const recording = recordingHref(s.recordingUrl);
  return el('tr', { class: 'session-row', 'data-session': s.sessionId },
    el('td', {}, link(when(s.requestedAt), () => showDetail(s))),
    el('td', {}, link(s.user, () => showTimeline('user', s.user))),
    el('td', {}, s.poolName || short(s.poolId)),
    el('td', {}, s.desktopId ? link(short(s.desktopId), () => showTimeline('desktop', s.desktopId)) : ''),
    el('td', {}, image(s)),
    el('td', {}, el('span', { class: `state ${s.state}` }, s.state)),
    el('td', {}, when(s.connectedAt)),
    el('td', {}, when(s.endedAt), s.endReason ? el('div', { class: 'muted' }, s.endReason) : null),
    el('td', {}, s.clientAddress || ''),
    el('td', {}, recording ? el('a', { class: 'recording-link', href: recording }, 'Recordings') : ''));
}

const sessionList = pagedList({ body: 'sessions', more: 'sessions-more', row: sessionRow, empty: 'No sessions match.',
  columns: 10 });

async function searchSessions() {
  const params = filters(document.getElementById('sessions-form'));
  exports([['sessions-csv', 'csv'], ['sessions-json', 'json']], '/api/audit/sessions', params);
  params.set('limit', String(PAGE));
  const page = await sessionList.load(`/api/audit/sessions?${params}`, false);
  document.getElementById('sessions-count').textContent = page.next ? `First ${page.items.length} sessions` : '';
}

// ---- timeline -------------------------------------------------------------------------------------------------

/** Every session of a user or a desktop, page after page, up to TIMELINE_ROWS. */
async function allSessions(params) {
  const rows = [];
  params.set('limit', '500');
  let path = `/api/audit/sessions?${params}`;
  while (path && rows.length < TIMELINE_ROWS) {
    const page = await api('GET', path);
    rows.push(...page.items);
    path = typeof page.next === 'string' && page.next.startsWith('/api/audit/') ? page.next : null;
  }
  return { rows: rows.slice(0, TIMELINE_ROWS), more: path !== null || rows.length > TIMELINE_ROWS };
}

function sessionTitle(s) {
  const lines = [`${s.user} on desktop ${short(s.desktopId)} (${s.poolName || short(s.poolId)})`,
    `image ${image(s) || 'not assigned'}`, `requested ${when(s.requestedAt)}`,
    s.connectedAt ? `connected ${when(s.connectedAt)}` : 'never connected',
    s.disconnectedAt ? `disconnected ${when(s.disconnectedAt)}` : null,
    s.endedAt ? `ended ${when(s.endedAt)}${s.endReason ? ' (' + s.endReason + ')' : ''}` : `still ${s.state}`];
  return el('div', { class: 'timeline-tip' }, ...lines.filter(Boolean).map(line => el('div', {}, line)));
}

function timelineItems(rows, of) {
  const now = new Date();
  const groups = new Map();
  const items = [];
  for (const s of rows) {
    sessions.set(s.sessionId, s);
    const key = of === 'user' ? (s.desktopId || 'unassigned') : s.user;
    if (!groups.has(key)) {
      const label = of === 'user' ? (s.desktopId ? `desktop ${short(s.desktopId)}` : 'no desktop') : s.user;
      groups.set(key, { id: key, content: el('span', {}, label, el('div', { class: 'muted' }, s.poolName || '')) });
    }
    const start = new Date(s.requestedAt);
    let end = s.endedAt ? new Date(s.endedAt) : now;
    if (end <= start) end = new Date(start.getTime() + 1000);
    items.push({ id: s.sessionId, group: key, start, end, type: 'range',
      className: `session ${String(s.state).toLowerCase()}`, title: sessionTitle(s),
      content: el('span', { 'data-session': s.sessionId },
        `${of === 'user' ? '' : s.user + ' · '}${image(s) || s.state}${s.connectedAt ? '' : ' · never connected'}`) });
    if (s.connectedAt) {
      const connectedEnd = new Date(s.disconnectedAt && s.state !== 'CONNECTED' ? s.disconnectedAt : (s.endedAt || now));
      items.push({ id: `${s.sessionId}:connected`, group: key, type: 'background', className: 'connected',
        start: new Date(s.connectedAt), end: connectedEnd > new Date(s.connectedAt) ? connectedEnd
          : new Date(new Date(s.connectedAt).getTime() + 1000) });
    }
  }
  return { items, groups: [...groups.values()] };
}

async function drawTimeline() {
  const form = document.getElementById('timeline-form');
  const of = form.elements.of.value;
  const subject = form.elements.subject.value.trim();
  if (of === 'desktop' && !UUID.test(subject)) throw new Error('A desktop is named by its id (a UUID).');
  const params = filters(form);
  params.delete('of');
  params.delete('subject');
  params.set(of, subject);
  const { rows, more } = await allSessions(params);
  document.getElementById('timeline-title').textContent = of === 'user' ? `Timeline of ${subject}`
    : `Timeline of desktop ${subject}`;
  const { items, groups } = timelineItems(rows, of);
  const container = document.getElementById('timeline');
  if (!timeline) {
    timeline = new vis.Timeline(container, new vis.DataSet([]), {
      stack: true, orientation: 'top', zoomMin: 10_000, selectable: true, showCurrentTime: true,
      tooltip: { followMouse: true, overflowMethod: 'cap' }, margin: { item: 6 }, maxHeight: 520 });
    timeline.on('select', props => {
      const id = props.items[0];
      if (id && sessions.has(id)) showDetail(sessions.get(id));
    });
  }
  timeline.setGroups(new vis.DataSet(groups));
  timeline.setItems(new vis.DataSet(items));
  container.dataset.sessions = String(rows.length);
  container.dataset.subject = subject;
  if (rows.length) timeline.fit({ animation: false });
  document.getElementById('timeline-count').textContent = rows.length === 0 ? 'No sessions.'
    : `${rows.length} session${rows.length === 1 ? '' : 's'}${more ? ` (the first ${TIMELINE_ROWS}: narrow the time range)` : ''}.`;
}

async function showTimeline(of, subject) {
  const form = document.getElementById('timeline-form');
  form.elements.of.value = of;
  form.elements.subject.value = subject;
  selectTab('timeline');
  await drawTimeline().catch(e => showError(e.message));
}

// ---- session detail -------------------------------------------------------------------------------------------

function bytes(size) {
  if (size === null || size === undefined) return '';
  if (size < 1024) return size + ' B';
  return size < 1024 * 1024 ? (size / 1024).toFixed(1) + ' KiB' : (size / 1024 / 1024).toFixed(1) + ' MiB';
}

async function showDetail(s) {
  const detail = document.getElementById('detail');
  detail.hidden = false;
  detail.dataset.session = s.sessionId;
  document.getElementById('detail-id').textContent = s.sessionId;
  const facts = [['User', s.user], ['Pool', `${s.poolName || ''} (${s.poolId})`], ['Desktop', s.desktopId || ''],
    ['Host', s.hostName ? `${s.hostName} (${s.hostId})` : ''], ['Image', image(s)], ['Image SHA-256', s.imageSha256 || ''],
    ['Client address', s.clientAddress || ''], ['State', s.state], ['Requested', when(s.requestedAt)],
    ['Assigned', when(s.assignedAt)], ['Connected', when(s.connectedAt)], ['Disconnected', when(s.disconnectedAt)],
    ['Ended', when(s.endedAt)], ['End reason', s.endReason || ''], ['Ended by', s.endedBy || ''],
    ['Connections', s.connections]];
  document.getElementById('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const links = [link(`Timeline of ${s.user}`, () => showTimeline('user', s.user)),
    link(`Image versions of ${s.user}`, () => showImages(s.user))];
  if (s.desktopId) {
    links.push(link('Timeline of this desktop', () => showTimeline('desktop', s.desktopId)),
      link('Who held this desktop then', () => showHolders(s.desktopId, s.connectedAt || s.assignedAt || s.requestedAt)));
  }
  const recording = recordingHref(s.recordingUrl);
  if (recording) links.push(el('a', { href: recording }, 'All recordings of this session'));
  document.getElementById('detail-links').replaceChildren(...links);
  const list = document.getElementById('detail-recordings');
  list.replaceChildren('None');
  if (!recording) return;
  try {
    const recordings = await api('GET', `/api/recordings?sessionId=${encodeURIComponent(s.sessionId)}`);
    if (detail.dataset.session !== s.sessionId) return;
    list.replaceChildren(...(recordings.length ? recordings.map(r => el('div', { class: 'recording' },
      r.state === 'STORED' ? el('a', { class: 'play', href: `/recordings.html?id=${encodeURIComponent(r.id)}` }, 'Play')
        : el('span', { class: `state ${r.state}` }, r.state),
      ` ${when(r.startedAt)} · ${bytes(r.sizeBytes)} · played ${r.plays} time${r.plays === 1 ? '' : 's'}`,
      r.deletedAt ? ` · deleted ${when(r.deletedAt)} by ${r.deletedBy || ''}` : '')) : ['None']));
  } catch (e) {
    list.replaceChildren(e.message);
  }
}

// ---- changes, security, holders, images -----------------------------------------------------------------------

const changeList = pagedList({ body: 'changes', more: 'changes-more', empty: 'No changes match.', columns: 6,
  row: c => el('tr', {}, el('td', {}, when(c.at)), el('td', {}, c.actor),
    el('td', {}, `${c.objectType} ${c.objectName || ''}`, el('div', { class: 'muted' }, c.objectId)),
    el('td', {}, c.action), el('td', {}, json(c.before)), el('td', {}, json(c.after))) });

async function searchChanges() {
  const params = filters(document.getElementById('changes-form'));
  exports([['changes-csv', 'csv'], ['changes-json', 'json']], '/api/audit/changes', params);
  params.set('limit', String(PAGE));
  await changeList.load(`/api/audit/changes?${params}`, false);
}

const securityList = pagedList({ body: 'security', more: 'security-more', empty: 'No security events match.', columns: 5,
  row: e => el('tr', {}, el('td', {}, when(e.at)), el('td', {}, e.kind), el('td', {}, e.actor || ''),
    el('td', {}, e.clientAddress || ''), el('td', {}, json(e.detail))) });

async function searchSecurity() {
  const params = filters(document.getElementById('security-form'));
  exports([['security-csv', 'csv'], ['security-json', 'json']], '/api/audit/security', params);
  params.set('limit', String(PAGE));
  await securityList.load(`/api/audit/security?${params}`, false);
}

async function verifyChain() {
  const result = document.getElementById('verify-result');
  result.textContent = 'Verifying…';
  const report = await api('POST', '/api/audit/verify', {});
  result.className = `verdict ${report.verdict}`;
  result.textContent = report.verdict === 'INTACT'
    ? `Intact: ${report.eventsChecked} events and ${report.checkpointsChecked} signed checkpoints checked`
      + (report.signedCheckpoints ? '' : ' (no checkpoint key is configured)')
    : `${report.verdict}: ${report.finding ? report.finding.detail : ''}`;
}

async function askHolders() {
  const form = document.getElementById('holders-form');
  const desktop = form.elements.desktop.value.trim();
  const at = instant(form.elements.at.value);
  if (!UUID.test(desktop) || !at) throw new Error('Name the desktop by its id and give an instant.');
  const page = await api('GET', `/api/audit/desktops/${encodeURIComponent(desktop)}/holders?at=${encodeURIComponent(at)}`);
  document.getElementById('holders').replaceChildren(...(page.items.length ? page.items.map(h => el('tr', {},
    el('td', {}, h.user), el('td', {}, link(short(h.sessionId), () => openSession(h.sessionId))),
    el('td', {}, when(h.heldFrom)), el('td', {}, h.heldUntil ? when(h.heldUntil) : 'still holds it')))
    : [el('tr', {}, el('td', { colspan: '4' }, 'Nobody held this desktop then.'))]));
}

async function showHolders(desktop, at) {
  const form = document.getElementById('holders-form');
  form.elements.desktop.value = desktop;
  form.elements.at.value = local(at);
  selectTab('holders');
  await askHolders().catch(e => showError(e.message));
}

const imageList = pagedList({ body: 'images', more: 'images-more', empty: 'No sessions with an image.', columns: 7,
  row: i => el('tr', {}, el('td', {}, when(i.requestedAt)), el('td', {}, when(i.endedAt)),
    el('td', {}, i.poolName || short(i.poolId)), el('td', {}, i.templateName || short(i.templateId)),
    el('td', {}, 'v' + i.imageVersion), el('td', {}, el('code', {}, i.imageSha256 || '')),
    el('td', {}, link(short(i.sessionId), () => openSession(i.sessionId)))) });

async function searchImages() {
  const form = document.getElementById('images-form');
  const user = form.elements.user.value.trim();
  const params = filters(form);
  params.delete('user');
  const path = `/api/audit/users/${encodeURIComponent(user)}/images`;
  exports([['images-csv', 'csv']], path, params);
  params.set('limit', String(PAGE));
  await imageList.load(`${path}?${params}`, false);
}

async function showImages(user) {
  document.getElementById('images-form').elements.user.value = user;
  selectTab('holders');
  await searchImages().catch(e => showError(e.message));
}

/** A session named by id only (from a holder or an image row): its history entry is looked up by its desktop. */
async function openSession(sessionId) {
  if (sessions.has(sessionId)) return showDetail(sessions.get(sessionId));
  showError('Search the session history for this session first (by user, desktop or time).');
}

// ---- page -----------------------------------------------------------------------------------------------------

function selectTab(name) {
  for (const button of document.querySelectorAll('#tabs button')) {
    button.classList.toggle('active', button.dataset.tab === name);
  }
  for (const section of document.querySelectorAll('section.tab')) section.hidden = section.id !== `tab-${name}`;
  showError('');
}

function onSubmit(id, action) {
  document.getElementById(id).addEventListener('submit', e => {
    e.preventDefault();
    showError('');
    action().catch(err => showError(err.message));
  });
}

async function loadPools() {
  try {
    const pools = await api('GET', '/api/pools');
    document.querySelector('#sessions-form select[name=pool]')
      .append(...pools.map(p => el('option', { value: p.id }, p.name)));
  } catch (e) { /* the pool filter still takes none */ }
}

async function start() {
  document.getElementById('sign-out').addEventListener('click', signOut);
  for (const button of document.querySelectorAll('#tabs button')) {
    button.addEventListener('click', () => selectTab(button.dataset.tab));
  }
  document.getElementById('detail-close').addEventListener('click', () => { document.getElementById('detail').hidden = true; });
  document.getElementById('verify').addEventListener('click', () => verifyChain().catch(e => {
    document.getElementById('verify-result').textContent = '';
    showError(e.message);
  }));
  onSubmit('sessions-form', searchSessions);
  onSubmit('timeline-form', drawTimeline);
  onSubmit('changes-form', searchChanges);
  onSubmit('security-form', searchSecurity);
  onSubmit('holders-form', askHolders);
  onSubmit('images-form', searchImages);
  try {
    const me = await api('GET', '/api/me');
    document.getElementById('who').textContent = `${me.name} (${me.roles.join(', ')})`;
    if (!me.roles.includes('AUDITOR')) {
      showError('Only auditors read audit data.');
      return;
    }
  } catch (e) {
    showError(e.message);
    return;
  }
  await loadPools();
  const params = new URLSearchParams(location.search);
  if (params.get('user') && !params.get('timeline')) document.querySelector('#sessions-form [name=user]').value = params.get('user');
  if (params.get('timeline') === 'user' || params.get('timeline') === 'desktop') {
    const subject = params.get(params.get('timeline'));
    if (subject) await showTimeline(params.get('timeline'), subject);
  }
}

start();
