// Hosts: the list (#/hosts), registration (#/hosts/new) and one host (#/hosts/ID) with cordon, uncordon, drain,
// probe and delete, its facts updated live and its event history.
import { api, el, when } from '../../api.js';
import { actionButton, badge, confirmAction, form } from '../form.js';
import { eventHistory, facts, heading, readOnly } from '../parts.js';
import { dataTable } from '../table.js';
import { namesEditor } from './pool-editors.js';

const REFRESH_MS = 3000;

function virtType(host) {
  return host.virtType === 'AUTO' ? `AUTO → ${host.effectiveVirtType || 'probing'}` : host.virtType;
}

function state(host) {
  return el('span', {}, badge(host.state), host.draining ? ' draining' : host.cordoned ? ' cordoned' : '');
}

function list(root, ctx) {
  root.append(heading('Hosts', { actions: ctx.admin ? [el('a', { class: 'button new', href: '#/hosts/new' },
    'Register a host')] : [] }));
  const table = dataTable(root, [
    { title: 'Name', field: 'name', grow: 2, node: h => el('a', { href: `#/hosts/${h.id}`, class: 'open' }, h.name) },
    { title: 'URI', field: 'uri', grow: 2 },
    { title: 'Type', field: 'virtType', node: virtType, search: virtType },
    { title: 'State', field: 'state', node: state, search: h => `${h.state} ${h.draining ? 'draining' : ''} ${h.cordoned ? 'cordoned' : ''}` },
    { title: 'Desktops', field: 'activeDesktops', sorter: 'number', node: h => `${h.activeDesktops} / ${h.maxDesktops}` },
    { title: 'Registered', field: 'registeredAt', node: h => when(h.registeredAt), minWidth: 170 }
  ], { id: 'hosts', label: 'hosts', onOpen: h => ctx.go('hosts', h.id), empty: 'No host yet' });
  ctx.every(REFRESH_MS, async () => table.set(await api('GET', '/api/hosts')));
}

function register(root, ctx) {
  root.append(heading('Register a host', { back: ['#/hosts', 'Hosts'] }));
  const registration = form([
    { legend: 'Host', fields: [
      { name: 'name', label: 'Name', required: true, max: 100 },
      { name: 'uri', label: 'libvirt URI', required: true, hint: 'qemu+ssh://root@kvm1/system', wide: true },
      { name: 'virtType', label: 'Virtualization', type: 'select',
        options: [['QEMU', 'QEMU (software emulation)'], ['KVM', 'KVM (hardware)'], ['AUTO', 'AUTO (probe)']] },
      { name: 'maxDesktops', label: 'Max desktops', type: 'number', hint: '10' },
      { name: 'storagePool', label: 'Storage pool', hint: 'openvdi' },
      { name: 'displayAddress', label: 'Display address', hint: '127.0.0.1' }] },
    { legend: 'Placement', className: 'placement', note: 'Pools whose host selector these labels meet may place desktops here.',
      fields: [{ name: 'labels', label: 'Labels', editor: namesEditor('labels', 'site=berlin, gpu'), wide: true }] }
  ], {
    submit: 'Register',
    codeFields: { NAME_TAKEN: 'name', HOST_URI_NOT_ALLOWED: 'uri' },
    cancel: () => ctx.go('hosts'),
    onSubmit: async values => {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
      const host = await api('POST', '/api/hosts', body);
      ctx.go('hosts', host.id);
    }
  });
  registration.set({ virtType: 'QEMU', maxDesktops: 10 });
  root.append(registration.element);
}

/** What still keeps a draining host from being drained, in words. */
function blockers(host) {
  const b = host.drainBlockers;
  if (!b) return '';
  const parts = [[b.inUse, 'in use'], [b.moving, 'moving'], [b.awaitingPowerOff, 'waiting for power-off'],
    [b.awaitingMove, 'waiting to move'], [b.settling, 'being built or torn down']]
    .filter(([ids]) => ids && ids.length).map(([ids, what]) => `${ids.length} ${what}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

/** The host's labels, replaced whole (each change an event naming the admin). */
function labelsForm(ctx, id) {
  const labels = namesEditor('labels', 'site=berlin, gpu');
  const edit = form([{ legend: 'Labels', className: 'placement', fields: [{ name: 'labels', label: 'Labels', editor: labels, wide: true }],
    note: "Pools whose host selector these labels meet may place desktops here; the others' desktops move away." }], {
    submit: 'Save labels',
    className: 'host-labels',
    onSubmit: async values => { await api('PUT', `/api/hosts/${encodeURIComponent(id)}/labels`, { labels: values.labels }); }
  });
  return edit;
}

function detail(root, ctx, id) {
  const title = el('span', {}, 'Host');
  const actions = el('div', { class: 'host-actions actions' });
  const body = el('div', { class: 'card' });
  root.append(heading(title, { back: ['#/hosts', 'Hosts'], actions: [actions] }), body);
  const labels = ctx.admin ? labelsForm(ctx, id) : null;
  if (labels) root.append(labels.element);
  let shown = '';
  let labelsSet = false;
  ctx.every(REFRESH_MS, async () => {
    const host = await api('GET', `/api/hosts/${encodeURIComponent(id)}`);
    const json = JSON.stringify(host);
    if (json === shown) return;
    shown = json;
    title.textContent = host.name;
    body.replaceChildren(facts([
      ['State', state(host)], ['Why', host.stateReason], ['URI', host.uri], ['Type', virtType(host)],
      ['Acceleration', host.accelerationReason], ['Desktops', `${host.activeDesktops} / ${host.maxDesktops}`],
      ['Storage pool', host.storagePool], ['Display address', host.displayAddress],
      ['Labels', host.labels.join(', ')], ['Drain blocked by', host.draining ? blockers(host) : ''],
      ['Registered', when(host.registeredAt)], ['Id', el('code', {}, host.id)]]));
    if (labels && !labelsSet) { labels.set({ labels: host.labels }); labelsSet = true; }
    if (ctx.admin) actions.replaceChildren(...hostActions(ctx, host));
  });
  eventHistory(root, id).catch(e => ctx.error(e.message));
}

function hostActions(ctx, host) {
  const post = verb => api('POST', `/api/hosts/${host.id}/${verb}`, verb === 'probe' ? undefined : {});
  const buttons = [];
  if (host.cordoned) buttons.push(actionButton('Uncordon', () => post('uncordon'), { ctx, data: { action: 'uncordon' } }));
  else buttons.push(actionButton('Cordon', () => post('cordon'), { ctx, data: { action: 'cordon' } }));
  if (!host.draining) {
    buttons.push(actionButton('Drain', async () => {
      if (await confirmAction(`Drain ${host.name}? No new desktops are placed on it and its idle desktops move to other hosts.`, 'Drain')) {
        await post('drain');
      }
    }, { ctx, data: { action: 'drain' } }));
  }
  if (host.virtType === 'AUTO') buttons.push(actionButton('Probe', () => post('probe'), { ctx, data: { action: 'probe' } }));
  buttons.push(actionButton('Delete', async () => {
    if (await confirmAction(`Delete ${host.name} for good? Only a drained host with no desktop can be deleted.`, 'Delete')) {
      await api('DELETE', `/api/hosts/${host.id}`);
      ctx.go('hosts');
    }
  }, { ctx, className: 'danger', data: { action: 'delete' } }));
  return buttons;
}

export default {
  title: 'Hosts',
  show(root, ctx, parts) {
    if (parts[0] === 'new' && ctx.admin) register(root, ctx);
    // a read-only role at the form's address: the list, and why there is no form (not an error about an id "new")
    else if (parts[0] === 'new') readOnly(ctx, 'register hosts', () => list(root, ctx));
    else if (parts[0]) detail(root, ctx, parts[0]);
    else list(root, ctx);
  }
};
