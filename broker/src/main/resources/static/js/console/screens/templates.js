// Templates: the list (#/templates), registration from the short form or a descriptor in YAML or JSON
// (#/templates/new), and one template (#/templates/ID) with its descriptor, its versions (images) with publish and
// retire, and delete.
import { api, apiText, el, when } from '../../api.js';
import { actionButton, badge, confirmAction, form } from '../form.js';
import { eventHistory, facts, heading, readOnly } from '../parts.js';
import { dataTable } from '../table.js';

const REFRESH_MS = 4000;
const IMAGE_FIELDS = { IMAGE_PATH_NOT_ALLOWED: 'imagePath', IMAGE_UNREADABLE: 'imagePath', IMAGE_INVALID: 'imagePath',
  IMAGE_CHECKSUM_MISMATCH: 'sha256' };

const newest = t => t.versions.filter(v => !v.retired).map(v => v.version).pop();

function list(root, ctx) {
  root.append(heading('Templates', { actions: ctx.admin ? [el('a', { class: 'button new', href: '#/templates/new' },
    'Register a template')] : [] }));
  const table = dataTable(root, [
    { title: 'Name', field: 'name', grow: 2, node: t => el('a', { href: `#/templates/${t.id}`, class: 'open' }, t.name) },
    { title: 'vCPUs', field: 'vcpus', sorter: 'number' },
    { title: 'Memory (MiB)', field: 'memoryMiB', sorter: 'number' },
    { title: 'Versions', field: 'versionCount', sorter: 'number',
      node: t => `${t.versions.length}${newest(t) ? ` (newest v${newest(t)})` : ''}` },
    { title: 'Guest', field: 'guest', search: t => t.guest },
    { title: 'Registered', field: 'registeredAt', node: t => when(t.registeredAt), minWidth: 170 }
  ], { id: 'templates', label: 'templates', onOpen: t => ctx.go('templates', t.id), empty: 'No template yet' });
  ctx.every(REFRESH_MS, async () => table.set((await api('GET', '/api/templates')).map(t => ({ ...t,
    versionCount: t.versions.length, guest: t.descriptor && t.descriptor.guest ? t.descriptor.guest.os : '' }))));
}

/**
 * Sends a descriptor. Its refusals concern the descriptor box, whatever key inside it they name ("name",
 * "hardware.vcpus", the whole document): they are shown there, not at the short form's fields of the same name.
 */
async function registerDescriptor(descriptor) {
  try {
    return await apiText('POST', '/api/templates', descriptor,
      descriptor.startsWith('{') ? 'application/json' : 'application/yaml');
  } catch (e) {
    if (e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 403) {
      const errors = Array.isArray(e.problem.errors) ? e.problem.errors : [];
      const messages = errors.length ? errors.map(x => x.message) : [e.message];
      e.problem = { ...e.problem, errors: [...new Set(messages)].map(message => ({ field: 'descriptor', message })) };
    }
    throw e;
  }
}

function register(root, ctx) {
  root.append(heading('Register a template', { back: ['#/templates', 'Templates'] }));
  const registration = form([
    { legend: 'Short form', fields: [
      { name: 'name', label: 'Name', max: 100 },
      { name: 'vcpus', label: 'vCPUs', type: 'number', hint: '2' },
      { name: 'memoryMiB', label: 'Memory (MiB)', type: 'number', hint: '2048' }] },
    { legend: 'or a descriptor', note: 'A template descriptor (desktop-templates/NAME/template.yaml) in YAML or JSON; '
      + 'when given, the short form is not used.', fields: [
      { name: 'descriptor', label: 'Descriptor', type: 'textarea', wide: true, rows: 12,
        hint: 'name: Office desktop\nhardware:\n  vcpus: 2\n  memoryMiB: 2048' }] }
  ], {
    submit: 'Register',
    codeFields: { NAME_TAKEN: 'name' },
    cancel: () => ctx.go('templates'),
    onSubmit: async values => {
      const template = values.descriptor
        ? await registerDescriptor(values.descriptor)
        : await api('POST', '/api/templates', { name: values.name, vcpus: values.vcpus, memoryMiB: values.memoryMiB });
      ctx.go('templates', template.id);
    }
  });
  root.append(registration.element);
}

function detail(root, ctx, id) {
  const title = el('span', {}, 'Template');
  const actions = el('div', { class: 'actions' });
  const summary = el('div', { class: 'card' });
  const descriptor = el('pre', { class: 'descriptor card' });
  root.append(heading(title, { back: ['#/templates', 'Templates'], actions: [actions] }), summary);
  const versions = el('section', { class: 'versions' }, el('h3', {}, 'Versions'));
  root.append(versions);
  const table = dataTable(versions, [
    { title: 'Version', field: 'version', sorter: 'number', node: v => 'v' + v.version, width: 100 },
    { title: 'State', field: 'retired', node: v => badge(v.retired ? 'RETIRED' : 'PUBLISHED') },
    { title: 'Image', field: 'imagePath', grow: 3 },
    { title: 'Format', field: 'format' },
    { title: 'Size (MiB)', field: 'sizeBytes', sorter: 'number', node: v => (v.sizeBytes / 1048576).toFixed(1) },
    { title: 'SHA-256', field: 'sha256', node: v => el('code', { title: v.sha256 }, v.sha256.substring(0, 12) + '…') },
    { title: 'Published', field: 'publishedAt', node: v => when(v.publishedAt), minWidth: 170 },
    { title: '', field: 'actions', sortable: false, node: v => ctx.admin && !v.retired
      ? actionButton('Retire', async () => {
        if (await confirmAction(`Retire v${v.version}? No new desktop is made from it.`, 'Retire')) {
          await api('POST', `/api/templates/${id}/versions/${v.version}/retire`, {});
          await refresh();
        }
      }, { ctx, data: { action: 'retire', version: v.version } }) : '' }
  ], { id: 'versions', label: 'the versions', empty: 'No version published yet' });
  if (ctx.admin) {
    const publish = form([{ legend: 'Publish a new version', fields: [
      { name: 'imagePath', label: 'Image path', wide: true, hint: '/var/lib/openvdi/images/desktop-v2.qcow2' },
      { name: 'sha256', label: 'SHA-256 (optional)', hint: 'from the build manifest' },
      { name: 'format', label: 'Format', type: 'select', options: [['', 'detect'], ['raw', 'raw'], ['qcow2', 'qcow2']] }] }],
    { submit: 'Publish', className: 'publish', codeFields: IMAGE_FIELDS, onSubmit: async values => {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
      await api('POST', `/api/templates/${id}/versions`, body);
      publish.set({ imagePath: '', sha256: '' });
      await refresh();
    } });
    versions.append(publish.element);
  }
  root.append(el('section', {}, el('h3', {}, 'Descriptor'), descriptor));
  let shown = '';
  async function refresh() {
    const template = await api('GET', `/api/templates/${encodeURIComponent(id)}`);
    table.set(template.versions.map(v => ({ ...v, id: v.version })));
    const json = JSON.stringify({ ...template, versions: null });
    if (json === shown) return;
    shown = json;
    title.textContent = template.name;
    summary.replaceChildren(facts([['vCPUs', template.vcpus], ['Memory (MiB)', template.memoryMiB],
      ['Guest', template.descriptor && template.descriptor.guest ? template.descriptor.guest.os : ''],
      ['Registered', when(template.registeredAt)], ['Id', el('code', {}, template.id)]]));
    descriptor.textContent = JSON.stringify(template.descriptor, null, 2);
    if (ctx.admin) {
      actions.replaceChildren(actionButton('Delete', async () => {
        if (await confirmAction(`Delete ${template.name} and its versions for good? Only a template no pool uses can be deleted.`, 'Delete')) {
          await api('DELETE', `/api/templates/${template.id}`);
          ctx.go('templates');
        }
      }, { ctx, className: 'danger', data: { action: 'delete' } }));
    }
  }
  ctx.every(REFRESH_MS, refresh);
  eventHistory(root, id).catch(e => ctx.error(e.message));
}

export default {
  title: 'Templates',
  show(root, ctx, parts) {
    if (parts[0] === 'new' && ctx.admin) register(root, ctx);
    // a read-only role at the form's address: the list, and why there is no form (not an error about an id "new")
    else if (parts[0] === 'new') readOnly(ctx, 'register templates', () => list(root, ctx));
    else if (parts[0]) detail(root, ctx, parts[0]);
    else list(root, ctx);
  }
};
