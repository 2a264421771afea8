// The admin console: a single page whose screens are ES modules (registered in screens.js), reached by the URL hash
// (#/hosts, #/pools/ID, #/pools/ID/edit), so a reload or a shared link keeps the place. app.js draws the navigation,
// reads the hash, and gives the screen it shows a context whose timers stop when the admin moves on.
import { api, el, signOut } from '../api.js';
import { SCREENS } from './screens.js';

const root = document.getElementById('screen');
const nav = document.getElementById('screens');
let me;
let current = null;
let generation = 0;

/** What a screen's show() gets: who is signed in, navigation, and timers that end with the screen. */
class ScreenContext {
  constructor(me, generation) {
    this.me = me;
    this.generation = generation;
    this.timers = [];
  }

  get admin() {
    return this.me.roles.includes('ADMIN');
  }

  /** Whether the admin is still on this screen (an answer that arrives later must not draw over another screen). */
  get live() {
    return this.generation === generation;
  }

  /** Runs fn now and every ms milliseconds while the screen is shown; its errors go to the screen's error line. */
  every(ms, fn) {
    const run = () => Promise.resolve().then(fn).catch(e => this.live && this.error(e.message));
    run();
    this.timers.push(setInterval(() => { if (this.live) run(); }, ms));
  }

  /** Goes to another screen or object: go('pools', id, 'edit'). */
  go(...parts) {
    location.hash = '#/' + parts.map(p => encodeURIComponent(String(p))).join('/');
  }

  error(message) {
    const box = document.getElementById('screen-error');
    if (box) {
      box.textContent = message || '';
      box.hidden = !message;
    }
  }

  stop() {
    this.timers.forEach(clearInterval);
  }
}

function parse(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(p => p !== '').map(p => {
    try { return decodeURIComponent(p); } catch (e) { return ''; }
  });
  const screen = SCREENS.find(s => s.id === parts[0]) || SCREENS[0];
  return { screen, parts: screen.id === parts[0] ? parts.slice(1) : [] };
}

function drawNavigation(active) {
  nav.replaceChildren(...SCREENS.map(s => el('a', { href: '#/' + s.id, 'data-screen': s.id,
    class: s.id === active ? 'active' : '', ...(s.id === active ? { 'aria-current': 'page' } : {}) }, s.title)));
}

async function show() {
  const { screen, parts } = parse(location.hash);
  if (current) current.stop();
  generation++;
  const ctx = new ScreenContext(me, generation);
  current = ctx;
  drawNavigation(screen.id);
  root.dataset.screen = screen.id;
  root.replaceChildren(el('div', { class: 'error', id: 'screen-error', role: 'alert', hidden: '' }));
  const body = el('div', { class: 'screen-body' });
  root.append(body);
  document.title = `${screen.title} · Admin console · OpenVDI`;
  try {
    const module = (await screen.load()).default;
    if (!ctx.live) return;
    await module.show(body, ctx, parts);
  } catch (e) {
    if (ctx.live) ctx.error(e.message);
  }
}

async function start() {
  me = await api('GET', '/api/me');
  document.getElementById('who').textContent = `${me.name} (${me.roles.join(', ')})`;
  document.getElementById('audit-link').hidden = !me.roles.includes('AUDITOR');
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.body.classList.toggle('read-only', !me.roles.includes('ADMIN'));
  window.addEventListener('hashchange', show);
  await show();
}

start();
