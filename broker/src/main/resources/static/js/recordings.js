// The session recording player: /recordings.html?id=<recording id> plays one recording with
// guacamole-common-js's Guacamole.SessionRecording (seek with the slider); /recordings.html?sessionId=<session id>
// lists a session's recordings with a link to each. Auditors only (the broker answers 403 to anyone else).
import { api, el, signOut, when } from './api.js';

const params = new URLSearchParams(location.search);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function showError(message) {
  const box = document.getElementById('error');
  box.textContent = message;
  box.hidden = false;
}

function clock(millis) {
  const seconds = Math.floor(millis / 1000);
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return (h > 0 ? h + ':' : '') + mm + ':' + String(s).padStart(2, '0');
}

function bytes(size) {
  if (size === null || size === undefined) return '';
  if (size < 1024) return size + ' B';
  if (size < 1024 * 1024) return (size / 1024).toFixed(1) + ' KiB';
  return (size / 1024 / 1024).toFixed(1) + ' MiB';
}

async function list(sessionId) {
  document.getElementById('list').hidden = false;
  document.getElementById('list-session').textContent = sessionId;
  const recordings = await api('GET', '/api/recordings?sessionId=' + encodeURIComponent(sessionId));
  const body = document.getElementById('recordings');
  body.replaceChildren(...recordings.map(r => el('tr', {},
    el('td', {}, when(r.startedAt)), el('td', {}, r.user), el('td', {}, r.state), el('td', {}, bytes(r.sizeBytes)),
    el('td', {}, r.plays),
    el('td', {}, r.state === 'STORED' ? el('a', { href: '/recordings.html?id=' + encodeURIComponent(r.id) }, 'Play') : ''))));
  if (recordings.length === 0) body.append(el('tr', {}, el('td', { colspan: '6' }, 'No recordings')));
}

function facts(r) {
  const rows = [['Recording', r.id], ['Session', r.sessionId], ['User', r.user], ['Desktop', r.desktopId],
    ['Started', when(r.startedAt)], ['State', r.state], ['Size', bytes(r.sizeBytes)], ['SHA-256', r.sha256 || '']];
  document.getElementById('facts').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

async function play(id) {
  const player = document.getElementById('player');
  player.hidden = false;
  const recording = await api('GET', '/api/recordings/' + encodeURIComponent(id));
  facts(recording);
  const status = document.getElementById('status');
  if (recording.state !== 'STORED') {
    status.textContent = recording.state === 'DELETED' ? 'This recording was deleted.' : 'This recording cannot be played (' + recording.state + ').';
    return;
  }
  const tunnel = new Guacamole.StaticHTTPTunnel('/api/recordings/' + encodeURIComponent(id) + '/file');
  const session = new Guacamole.SessionRecording(tunnel);
  const display = session.getDisplay();
  const screen = document.getElementById('screen');
  screen.append(display.getElement());
  const fit = () => {
    const width = display.getWidth();
    if (width > 0) display.scale(Math.min(1, (screen.parentElement.clientWidth || width) / width));
  };
  display.onresize = fit;
  window.addEventListener('resize', fit);

  const button = document.getElementById('play');
  const slider = document.getElementById('seek');
  const position = document.getElementById('position');
  const duration = document.getElementById('duration');
  let dragging = false;

  const showDuration = millis => { slider.max = String(millis); duration.textContent = clock(millis); };
  const showPosition = millis => { if (!dragging) slider.value = String(millis); position.textContent = clock(millis); };

  session.onprogress = millis => { showDuration(millis); slider.disabled = false; button.disabled = false; };
  session.onload = () => {
    showDuration(session.getDuration());
    status.textContent = 'Loaded';
    player.dataset.loaded = 'true';
    slider.disabled = false;
    button.disabled = false;
  };
  session.onerror = message => { status.textContent = ''; showError('The recording cannot be played: ' + message); };
  session.onplay = () => { button.textContent = 'Pause'; player.dataset.playing = 'true'; };
  session.onpause = () => { button.textContent = 'Play'; player.dataset.playing = 'false'; };
  session.onseek = millis => showPosition(millis);

  button.addEventListener('click', () => session.isPlaying() ? session.pause() : session.play());
  slider.addEventListener('input', () => { dragging = true; position.textContent = clock(Number(slider.value)); });
  slider.addEventListener('change', () => {
    const target = Number(slider.value);
    status.textContent = 'Seeking…';
    session.seek(target, () => {
      dragging = false;
      showPosition(session.getPosition());
      status.textContent = session.isPlaying() ? 'Playing' : 'Paused';
      player.dataset.seekedTo = String(session.getPosition());
    });
  });
  session.connect();
}

async function main() {
  document.getElementById('sign-out').addEventListener('click', signOut);
  try {
    const me = await api('GET', '/api/me');
    document.getElementById('who').textContent = me.name;
  } catch (e) { /* the page still works without the name */ }
  const id = params.get('id');
  const sessionId = params.get('sessionId');
  try {
    if (id && UUID.test(id)) await play(id);
    else if (sessionId && UUID.test(sessionId)) await list(sessionId);
    else showError('Open this page with ?id=<recording id> or ?sessionId=<session id>.');
  } catch (e) {
    showError(e.status === 403 ? 'Only auditors may play recordings.' : e.message);
  }
}

main();
