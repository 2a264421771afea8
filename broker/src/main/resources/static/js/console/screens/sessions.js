// Sessions: everyone's sessions (#/sessions, newest first, live, of one state or all) and one session (#/sessions/ID) where an admin sends
// its user a message (shown in their desktop tab) or ends it with a reason; its messages and event history.
import { api, el, when } from '../../api.js';
import { actionButton, badge, confirmAction, form } from '../form.js';
import { eventHistory, facts, heading } from '../parts.js';
import { dataTable } from '../table.js';

const REFRESH_MS = 3000;
const PAGE = 200;
const MOST = 1000;
const OPEN = ['REQUESTED', 'READY', 'CONNECTED', 'DISCONNECTED'];

function short(id) {
  return id ? String(id).substring(0, 8) : '';
}

/** One page of everyone's sessions, and whether more follow (the API's Link: rel="next"). */
async function page(limit, state) {
  const response = await fetch(`/api/sessions?all=true&limit=${limit}${state ? `&state=${state}` : ''}`, { credentials: 'same-origin',
    headers: { Accept: 'application/json' } });
  if (response.status === 401) { location.href = '/login'; return { rows: [], more: false }; }
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return { rows: body, more: /rel="next"/.test(response.headers.get('Link') || '') };
}

function endSession(s, done) {
  return async () => {
    if (await confirmAction(`End ${s.user}'s session ${short(s.id)}? Their desktop tab closes.`, 'End session')) {
      await api('DELETE', `/api/sessions/${s.id}`);
      done();
    }
  };
}

function list(root, ctx) {
  root.append(heading('Sessions'));
  let limit = PAGE;
  const state = el('select', { id: 'session-state', 'aria-label': 'Sessions in state' }, el('option', { value: '' }, 'Every state'),
    ...OPEN.concat(['ENDED', 'FAILED']).map(s => el('option', { value: s }, s)));
  root.append(el('label', { class: 'inline-option' }, 'Show ', state));
  const more = el('p', { class: 'muted more', hidden: '' });
  let refresh = () => {};
  const table = dataTable(root, [
    { title: 'Session', field: 'id', node: s => el('a', { href: `#/sessions/${s.id}`, class: 'open' }, short(s.id)), minWidth: 100 },
    { title: 'User', field: 'user' },
    { title: 'Pool', field: 'poolName', grow: 2 },
    { title: 'State', field: 'state', node: s => badge(s.state) },
    { title: 'Desktop', field: 'desktopId', node: s => s.desktopId ? el('a', { href: `#/desktops/${s.desktopId}` }, short(s.desktopId)) : '' },
    { title: 'Requested', field: 'requestedAt', node: s => when(s.requestedAt), minWidth: 170 },
    { title: 'Reason', field: 'reason', grow: 2 },
    { title: 'Actions', field: 'actions', sortable: false, minWidth: 200, node: s => !ctx.admin || !OPEN.includes(s.state) ? ''
        : el('span', { class: 'actions' },
          el('a', { class: 'button secondary', href: `#/sessions/${s.id}`, 'data-action': 'message', 'data-id': s.id }, 'Message'),
          actionButton('End', endSession(s, () => refresh()), { ctx, className: 'danger', data: { action: 'end', id: s.id } })) }
  ], { id: 'sessions', label: 'sessions', onOpen: s => ctx.go('sessions', s.id), empty: 'No session', pageSize: 20 });
  const loadMore = el('button', { type: 'button', class: 'secondary load-more' }, 'Load older sessions');
  loadMore.addEventListener('click', () => { limit = Math.min(MOST, limit + PAGE * 2); refresh().catch(e => ctx.error(e.message)); });
  more.append(el('span', {}), ' ', loadMore);
  root.append(more);
  refresh = async () => {
    const [answer, pools] = await Promise.all([page(limit, state.value), api('GET', '/api/pools')]);
    if (!ctx.live) return;
    const names = new Map(pools.map(p => [p.id, p.name]));
    table.set(answer.rows.map(s => ({ ...s, poolName: names.get(s.poolId) || short(s.poolId) })));
    more.hidden = !answer.more;
    more.firstChild.textContent = limit < MOST ? `Showing the newest ${answer.rows.length}; older sessions exist.`
      : `Showing the newest ${answer.rows.length}; search older ones in the audit log (/api/audit/sessions).`;
    loadMore.hidden = limit >= MOST;
  };
  state.addEventListener('change', () => { limit = PAGE; refresh().catch(e => ctx.error(e.message)); });
  ctx.every(REFRESH_MS, refresh);
}

function detail(root, ctx, id) {
  const title = el('span', {}, 'Session');
  const body = el('div', { class: 'card' });
  const controls = el('div', { class: 'session-controls' });
  const messages = el('section', { class: 'messages' }, el('h3', {}, 'Messages to the user'));
  root.append(heading(title, { back: ['#/sessions', 'Sessions'] }), body, controls, messages);
  const messageTable = dataTable(messages, [
    { title: 'Sent', field: 'sentAt', node: m => when(m.sentAt), minWidth: 170 },
    { title: 'By', field: 'sentBy' },
    { title: 'Text', field: 'text', grow: 4 }
  ], { id: 'messages', label: 'the messages', pageSize: 10, empty: 'No message sent' });
  let shown = '';
  let drawnControls = null;
  const load = async () => {
    const [s, sent] = await Promise.all([api('GET', `/api/sessions/${encodeURIComponent(id)}`),
      api('GET', `/api/sessions/${encodeURIComponent(id)}/messages`)]);
    if (!ctx.live) return;
    messageTable.set(sent);
    const json = JSON.stringify(s);
    if (json === shown) return;
    shown = json;
    title.textContent = `${s.user}'s session ${short(s.id)}`;
    body.replaceChildren(facts([
      ['State', badge(s.state)], ['User', s.user], ['Pool', s.poolId],
      ['Desktop', s.desktopId ? el('a', { href: `#/desktops/${s.desktopId}` }, s.desktopId) : null],
      ['Requested', when(s.requestedAt)], ['Connected', when(s.connectedAt)], ['Disconnected', when(s.disconnectedAt)],
      ['Kept until', when(s.keptUntil)], ['Ended', when(s.endedAt)], ['Reason', s.reason], ['Id', el('code', {}, s.id)]]));
    const open = ctx.admin && OPEN.includes(s.state);
    if (open !== drawnControls) {
      drawnControls = open;
      controls.replaceChildren(...(open ? sessionForms(ctx, s, load) : []));
    }
  };
  ctx.every(REFRESH_MS, load);
  eventHistory(root, id).catch(e => ctx.error(e.message));
}

/** The message form and the end form of an open session. */
function sessionForms(ctx, s, reload) {
  const message = form([{ legend: 'Send the user a message', note: 'Shown as text in their desktop tab.', fields: [
    { name: 'text', label: 'Message', required: true, max: 500, wide: true, hint: 'The desktop restarts at 18:00: save your work.' }] }], {
    submit: 'Send', className: 'message-form',
    onSubmit: async values => {
      await api('POST', `/api/sessions/${s.id}/messages`, { text: values.text || '' });
      message.set({ text: '' });
      await reload();
    }
  });
  const end = form([{ legend: 'End the session', fields: [
    { name: 'reason', label: 'Reason (optional)', max: 200, wide: true, hint: 'Host maintenance' }] }], {
    submit: 'End session', className: 'end-form',
    onSubmit: async values => {
      if (await confirmAction(`End ${s.user}'s session? Their desktop tab closes.`, 'End session')) {
        const query = values.reason ? `?reason=${encodeURIComponent(values.reason)}` : '';
        await api('DELETE', `/api/sessions/${s.id}${query}`);
        await reload();
      }
    }
  });
  return [message.element, end.element];
}

export default {
  title: 'Sessions',
  show(root, ctx, parts) {
    if (parts[0]) detail(root, ctx, parts[0]);
    else list(root, ctx);
  }
};
