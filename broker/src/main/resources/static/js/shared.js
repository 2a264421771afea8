// Opens a share link: the link's secret (?share=...) is taken out of the address at once, presented once to the
// broker as the signed-in user, and the one-time gateway URL of the answer replaces this page. A link works once.
// While the owner is not connected the broker refuses the link (SHARE_OWNER_ABSENT) and leaves it good: the page says
// so and presents it again every few seconds, for a while, until the owner is back.
import { api } from './api.js';

const MESSAGES = {
  SHARE_NOT_FOUND: 'This share link is not valid.',
  SHARE_ALREADY_USED: 'This share link was used already. Ask for a new one.',
  SHARE_EXPIRED: 'This share link has run out. Ask for a new one.',
  SHARE_REVOKED: 'The owner stopped sharing with this link.',
  SHARE_NOT_FOR_YOU: 'This share link is not for you.',
  SESSION_ENDED: 'The shared session has ended.',
  SHARE_OWNER_ABSENT: 'The person who shared this desktop is not connected right now. This page waits for them and '
    + 'opens the desktop as soon as they are back.',
  VALIDATION_FAILED: 'This share link is incomplete.'
};

const share = new URLSearchParams(location.search).get('share') || '';
history.replaceState(null, '', location.pathname);

function fail(code, detail) {
  document.getElementById('state').hidden = true;
  const error = document.getElementById('error');
  error.textContent = MESSAGES[code] || detail || 'The shared desktop could not be opened.';
  error.dataset.code = code || '';
  error.hidden = false;
  document.getElementById('portal-link').hidden = false;
  window.openvdiShareState = 'error:' + (code || 'UNKNOWN');
}

const RETRY_MS = 5000;
const WAIT_FOR_OWNER_MS = 30 * 60 * 1000;
const started = Date.now();

async function open() {
  try {
    const joined = await api('POST', '/api/sessions/join', { share });
    window.openvdiShareState = 'joined';
    location.replace(joined.connectUrl);
  } catch (e) {
    if (e.code === 'SHARE_OWNER_ABSENT' && Date.now() - started < WAIT_FOR_OWNER_MS) {
      document.getElementById('state').textContent = MESSAGES.SHARE_OWNER_ABSENT;
      window.openvdiShareState = 'waiting';
      setTimeout(open, RETRY_MS);
      return;
    }
    fail(e.code, e.message);
  }
}

await open();
