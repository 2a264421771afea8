// Events: the raw event history of one aggregate (#/events/ID: a host, template, pool, desktop or session), narrowed
// to a time window and by type or actor with the list's filter. Each read is recorded in the audit log, so the
// history is read when asked for and on "Reload", not polled.
import { api, el, when } from '../../api.js';
import { form } from '../form.js';
import { heading } from '../parts.js';
import { dataTable } from '../table.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toInstant(local) {
  return local ? new Date(local).getTime() : null;
}

export default {
  title: 'Events',
  show(root, ctx, parts) {
    const id = parts[0] || '';
    root.append(heading('Events'));
    const lookup = form([{ legend: 'Browse the events of one object', className: 'event-lookup', fields: [
      { name: 'aggregateId', label: 'Id of a host, template, pool, desktop or session', required: true, wide: true,
        hint: '00000000-0000-0000-0000-000000000000' },
      { name: 'from', label: 'From', type: 'datetime-local' },
      { name: 'to', label: 'To', type: 'datetime-local' }] }], {
      submit: 'Show events',
      onSubmit: async values => {
        if (!UUID.test(values.aggregateId || '')) {
          throw Object.assign(new Error('Not an id'), { problem: { errors: [{ field: 'aggregateId', message: 'must be an id (UUID)' }] } });
        }
        window.sessionStorage.setItem('openvdi.events.window', JSON.stringify({ from: values.from, to: values.to }));
        if (values.aggregateId === id) await load(values);
        else ctx.go('events', values.aggregateId);
      }
    });
    root.append(lookup.element);
    const summary = el('p', { class: 'muted events-summary' });
    root.append(summary);
    const table = dataTable(root, [
      { title: '#', field: 'sequence', sorter: 'number', width: 70 },
      { title: 'When', field: 'timestamp', node: e => when(e.timestamp), minWidth: 170 },
      { title: 'Event', field: 'type', minWidth: 200 },
      { title: 'By', field: 'actor', minWidth: 90 },
      { title: 'Details', field: 'details', node: e => el('code', {}, e.details), grow: 3, sortable: false }
    ], { id: 'events', label: 'the events', pageSize: 20, empty: 'Pick an object to see its events' });

    async function load(values) {
      const events = await api('GET', `/api/events?aggregateId=${encodeURIComponent(values.aggregateId)}`);
      if (!ctx.live) return;
      const from = toInstant(values.from);
      const to = toInstant(values.to);
      const shown = events.filter(e => {
        const at = new Date(e.timestamp).getTime();
        return (from === null || at >= from) && (to === null || at <= to);
      });
      table.set(shown.map(e => ({ id: e.sequence, ...e, details: JSON.stringify(e.payload) })));
      summary.textContent = `${shown.length} of ${events.length} events of ${values.aggregateId}`
        + (from !== null || to !== null ? ' in the time window' : '');
    }

    if (id) {
      const window_ = JSON.parse(window.sessionStorage.getItem('openvdi.events.window') || '{}');
      const values = { aggregateId: id, from: window_.from || null, to: window_.to || null };
      lookup.set(values);
      load(values).catch(e => ctx.error(e.message));
    }
  }
};
