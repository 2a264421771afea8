// Small pieces the screens share: headings with actions, facts lists, an object's event history.
import { api, el, when } from '../api.js';
import { dataTable } from './table.js';

/** A screen heading with a link back to its list and the actions on the right. */
export function heading(title, { back, actions = [] } = {}) {
  return el('div', { class: 'screen-heading' },
    back ? el('a', { class: 'back', href: back[0] }, '← ', back[1]) : null,
    el('h2', {}, title), el('div', { class: 'heading-actions' }, ...actions));
}

/** A list of facts: [[term, value or Node]]. */
export function facts(pairs) {
  return el('dl', { class: 'facts' }, ...pairs.flatMap(([term, value]) => [el('dt', {}, term),
    el('dd', { 'data-fact': term }, value === null || value === undefined || value === '' ? '–' : value)]));
}

/**
 * The raw events of one aggregate (host, template, pool, desktop, session), read once when shown and again on
 * "Reload" (each read is recorded in the audit log, so it is not polled).
 */
export function eventHistory(root, aggregateId) {
  const section = el('section', { class: 'history' });
  root.append(section);
  const reload = el('button', { type: 'button', class: 'secondary reload-history' }, 'Reload');
  section.append(el('h3', {}, 'Event history ', reload));
  const table = dataTable(section, [
    { title: '#', field: 'sequence', sorter: 'number', width: 70 },
    { title: 'When', field: 'timestamp', node: e => when(e.timestamp), minWidth: 170 },
    { title: 'Event', field: 'type', minWidth: 200 },
    { title: 'By', field: 'actor', minWidth: 90 },
    { title: 'Details', field: 'details', node: e => el('code', {}, e.details), grow: 3, sortable: false }
  ], { label: 'the events', pageSize: 10, empty: 'No events' });
  const load = async () => {
    const events = await api('GET', `/api/events?aggregateId=${encodeURIComponent(aggregateId)}`);
    table.set(events.map(e => ({ id: e.sequence, ...e, details: JSON.stringify(e.payload) })));
  };
  reload.addEventListener('click', () => load().catch(() => {}));
  return load();
}

/** A read-only role at a form's address: draws what it may read instead, and says why there is no form. */
export function readOnly(ctx, what, draw) {
  draw();
  ctx.error(`Only an admin can ${what}; your role reads this console only.`);
}
