// Hosts: the list (#/hosts), registration (#/hosts/new) and one host (#/hosts/ID) with cordon, uncordon, drain,
// probe and delete, its facts updated live and its event history.
import { api, el, when } from '../../api.js';
import { actionButton, badge, confirmAction, form } from '../form.js';
import { eventHistory, facts, heading } from '../parts.js';
import { dataTable } from '../table.js';

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
    // host labels (placement rules) go into this section
    { legend: 'Placement', className: 'placement', fields: [], note: 'Every pool may place desktops on this host.' }
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

function detail(root, ctx, id) {
  const title = el('span', {}, 'Host');
  const actions = el('div', { class: 'host-actions actions' });
  const body = el('div', { class: 'card' });
  root.append(heading(title, { back: ['#/hosts', 'Hosts'], actions: [actions] }), body);
  let shown = '';
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
      ['Registered', when(host.registeredAt)], ['Id', el('code', {}, host.id)]]));
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
    else if (parts[0]) detail(root, ctx, parts[0]);
    else list(root, ctx);
  }
};
