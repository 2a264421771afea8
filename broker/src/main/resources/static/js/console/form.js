// Forms of the console: labelled fields, each with its own error line, and a summary line for what concerns no field.
// The API's problem+json answers carry "errors": [{ field, message }] with the field's JSON path
// ("sessionLimits.idleLimit", "entitledUsers[2]", "sparePolicy"); each message goes next to the closest field,
// anything else to the summary. Confirmations for destructive actions use the page's <dialog>.
import { el } from '../api.js';

let sequence = 0;

/**
 * One field. spec: { name, label, type (text, number, select, textarea, checkbox, datetime-local), options:
 * [[value, label]], hint, help, required, editor: { element, get(), set(value) } for a composite value }.
 */
export function field(spec) {
  const id = `f-${spec.name.replace(/[^A-Za-z0-9_-]/g, '-')}-${++sequence}`;
  let input;
  if (spec.editor) {
    input = spec.editor.element;
    input.dataset.editor = spec.name;
  } else if (spec.type === 'select') {
    input = el('select', {}, ...(spec.options || []).map(([value, label]) => el('option', { value }, label)));
  } else if (spec.type === 'textarea') {
    input = el('textarea', { rows: spec.rows || 8, spellcheck: 'false' });
  } else {
    input = el('input', { type: spec.type || 'text' });
    if (spec.type === 'number') input.setAttribute('step', spec.step || '1');
  }
  if (!spec.editor) {
    input.name = spec.name;
    input.id = id;
    if (spec.hint) input.placeholder = spec.hint;
    if (spec.required) input.required = true;
    if (spec.max) input.setAttribute('maxlength', spec.max);
  }
  const label = spec.editor ? el('span', { class: 'label', id }, spec.label) : el('label', { for: id }, spec.label);
  if (spec.editor) input.setAttribute('aria-labelledby', id);
  return el('div', { class: `field${spec.type === 'checkbox' ? ' checkbox' : ''}${spec.wide ? ' wide' : ''}`,
    'data-field': spec.name }, label, input,
    spec.help ? el('span', { class: 'muted help' }, spec.help) : null,
    el('span', { class: 'field-error', 'data-error-for': spec.name, role: 'alert' }));
}

/**
 * A form of fieldsets: sections [{ legend, fields: [spec], note }]. onSubmit(values) may throw the API's error,
 * which is shown at its fields. Returns { element, values(), set(values), showProblem(error) }.
 */
export function form(sections, { submit = 'Save', onSubmit, cancel, codeFields = {}, className = '' } = {}) {
  const specs = sections.flatMap(s => s.fields);
  const button = el('button', { type: 'submit', class: 'primary submit' }, submit);
  const summary = el('div', { class: 'field-error form-summary', 'data-error-for': 'form', role: 'alert' });
  const element = el('form', { class: `console-form ${className}`, novalidate: '' },
    ...sections.map(s => el('fieldset', { class: s.className || '' }, s.legend ? el('legend', {}, s.legend) : null,
      s.note ? el('p', { class: 'muted note' }, s.note) : null, ...s.fields.map(field))),
    el('div', { class: 'form-actions' }, button,
      cancel ? el('button', { type: 'button', class: 'secondary cancel', onclick: cancel }, 'Cancel') : null),
    summary);

  const input = name => element.querySelector(`[name="${CSS.escape(name)}"]`);
  const values = () => {
    const out = {};
    for (const spec of specs) {
      if (spec.editor) { out[spec.name] = spec.editor.get(); continue; }
      const i = input(spec.name);
      if (spec.type === 'checkbox') out[spec.name] = i.checked;
      else if (spec.type === 'number') out[spec.name] = i.value.trim() === '' ? null : Number(i.value);
      else out[spec.name] = i.value.trim() === '' ? null : i.value.trim();
    }
    return out;
  };
  const set = data => {
    for (const spec of specs) {
      if (!(spec.name in data)) continue;
      const value = data[spec.name];
      if (spec.editor) { spec.editor.set(value); continue; }
      const i = input(spec.name);
      if (spec.type === 'checkbox') i.checked = !!value;
      else i.value = value === null || value === undefined ? '' : String(value);
    }
  };
  const showProblem = error => showErrors(element, error, codeFields);
  element.addEventListener('submit', async event => {
    event.preventDefault();
    button.disabled = true;
    try {
      showErrors(element, null);
      await onSubmit(values());
    } catch (e) {
      showErrors(element, e, codeFields);
    } finally {
      button.disabled = false;
    }
  });
  return { element, values, set, showProblem };
}

/** Clears the form's errors, then places error's field errors next to their fields and the rest in the summary. */
export function showErrors(formElement, error, codeFields = {}) {
  formElement.querySelectorAll('.field-error').forEach(span => { span.textContent = ''; });
  formElement.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
  if (!error) return;
  const problem = error.problem || {};
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  let placed = false;
  for (const e of errors) {
    const span = errorSpan(formElement, String(e.field || ''));
    if (span) {
      span.textContent = span.textContent ? `${span.textContent}; ${e.message}` : e.message;
      const input = span.parentElement.querySelector('input, select, textarea');
      if (input) input.setAttribute('aria-invalid', 'true');
      placed = true;
    }
  }
  if (!placed && codeFields[error.code]) {
    const span = errorSpan(formElement, codeFields[error.code]);
    if (span) { span.textContent = error.message; placed = true; }
  }
  if (!placed) formElement.querySelector('[data-error-for="form"]').textContent = error.message;
}

/** The error line of the field at path, or of the closest field above it (a.b[2].c, a.b[2], a.b, a). */
function errorSpan(formElement, path) {
  let p = path;
  while (p) {
    const span = formElement.querySelector(`[data-error-for="${CSS.escape(p)}"]`);
    if (span) return span;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.substring(0, cut) : '';
  }
  return null;
}

/** Asks in the page's dialog; resolves true when the admin confirms. */
export function confirmAction(text, confirmLabel = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** A button that runs action and shows its error in the screen's error line; disabled while it runs. */
export function actionButton(label, action, { className = 'secondary', data = {}, ctx } = {}) {
  const attrs = { type: 'button', class: className };
  for (const [k, v] of Object.entries(data)) attrs[`data-${k}`] = v;
  const button = el('button', attrs, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action();
      if (ctx) ctx.error('');
    } catch (e) {
      if (ctx) ctx.error(e.message);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** A state badge: the enum's value, coloured by app.css. */
export function badge(state, extra = '') {
  return el('span', { class: `state ${state}`, 'data-state': state }, state, extra);
}
