/*
 * OpenVDI connect page: shows one desktop through the gateway's Guacamole WebSocket tunnel.
 * The broker links here with ?token=<one-time connect token>. With every tunnel the gateway hands the page
 * a one-time resume token (its own instruction openvdi-resume); when the tunnel is lost (network error,
 * abnormal close, gateway restart) the page reconnects in place with it, waiting longer after each failed
 * attempt, and gets the next one. The token lives in this page's memory only.
 * The gateway also hands the page notices (its own instruction openvdi-notice,<id>,<secondsLeft>,<text>): a
 * forced logoff ahead, with the admin's text. The page shows the latest in a banner with the time left, counting
 * down; the text is set as text, never parsed as markup. A hidden banner comes back with the next notice.
 * A pool being deleted sends the same kind of notice (id pool-deleted/<pool>), with its own wording. A message an
 * admin sends to the session (id message/<message>) shows in the same banner, as text, without a countdown.
 * Reloading the tab reconnects: the resume instruction also names the session, which the page keeps in its address
 * (?session=<id>, no token); a reloaded page without a token sends its user to the signed-in portal with that id,
 * and the portal asks the broker for a fresh one-time connect URL for it and comes back here with it. The page
 * never keeps a token that could open the desktop again.
 * The menu (button at the top right, or Ctrl+Alt+Shift) sends Ctrl-Alt-Del and keys the browser keeps for itself,
 * toggles fullscreen and the on-screen keyboard (Guacamole.OnScreenKeyboard with the layout keyboard/en-us-qwerty.json),
 * and holds the clipboard.
 * Shared sessions: the owner's page gets openvdi-viewers,<name>,<access>,... whenever someone starts or stops
 * watching, and shows who in a banner; a viewer's page gets openvdi-shared,<viewer>,<access> and says whose desktop it
 * shows. A view-only viewer's page sends no keys, mouse or clipboard (the gateway drops them anyway), and a viewer's
 * page keeps no session in its address: a reload cannot reopen someone else's desktop.
 * window.openvdiState tells a test or a curious human where the page is: 'connecting', 'connected',
 * 'reconnecting', 'reopening' (sent to the portal for a fresh link) or 'error:<CODE>', where CODE is the gateway's
 * failure name (third argument of its error instruction), STATUS_<guacamole status>, or RECONNECT_LIMIT.
 * window.openvdiKeysSent lists the key events the menu and the on-screen keyboard sent ([pressed, keysym]), for tests;
 * window.openvdiViewers, who watches ([name, access] pairs), and window.openvdiShared, the access of a viewer's page.
 */
(function () {
    'use strict';

    /* What to tell the employee, per gateway failure code. */
    const SCREENS = {
        link: ['This link has expired', 'Go back to the portal and open the desktop again.'],
        wrongUser: ['This link is not yours', 'Sign in to the portal as yourself and open your desktop again.'],
        ended: ['Your desktop session has ended', 'Go back to the portal to start a new one.'],
        gone: ['This desktop no longer exists', 'Go back to the portal and open a desktop again.'],
        display: ['The display service is unavailable', 'Try again in a minute.'],
        broker: ['The desktop service is unavailable', 'Try again in a minute.'],
        failed: ['Could not connect to your desktop', 'Go back to the portal and open the desktop again.'],
        resume: ['Your connection could not be restored', 'Go back to the portal and open the desktop again.'],
        dropping: ['The connection keeps dropping', 'Go back to the portal and open the desktop again.'],
        rollout: ['Your session was ended for a desktop update',
            'Your administrator moved this desktop to a new version. Go back to the portal to start a new session.'],
        unreachable: ['Your desktop\'s display does not answer',
            'Its host may be unreachable or restarting. Your desktop is kept for you: try again in a minute.'],
        shareRevoked: ['Sharing stopped', 'The person who shared this desktop stopped sharing it.'],
        shareExpired: ['The shared desktop\'s time is up', 'Ask its owner for a new link to go on watching.'],
        shareEnded: ['The shared session has ended', 'Its owner\'s desktop session is over.'],
        ownerAbsent: ['The owner is not connected', 'The person who shared this desktop is not connected right now, '
            + 'and this tab stopped waiting for them. Ask them for a new link once they are back.'],
        idle: ['Disconnected for inactivity',
            'There was no keyboard or mouse input for a while. Your desktop is kept as it is: open it again from the portal.']
    };
    const SCREEN_BY_CODE = {
        TOKEN_MISSING: 'link', TOKEN_UNKNOWN: 'link', TOKEN_EXPIRED: 'link', TOKEN_ALREADY_USED: 'link',
        TOKEN_WRONG_USER: 'wrongUser', SESSION_ENDED: 'ended', SESSION_ENDED_BY_ROLLOUT: 'rollout', DESKTOP_GONE: 'gone',
        IDLE_DISCONNECTED: 'idle', GUACD_UNAVAILABLE: 'display', BROKER_UNAVAILABLE: 'broker', GATEWAY_ERROR: 'broker',
        DISPLAY_UNREACHABLE: 'unreachable', SHARE_REVOKED: 'shareRevoked', SHARE_EXPIRED: 'shareExpired',
        SHARE_OWNER_ABSENT: 'ownerAbsent'
    };
    /* Failures after which no reconnect can help: the token, the session or the desktop is done for. */
    const FINAL_CODES = ['TOKEN_MISSING', 'TOKEN_UNKNOWN', 'TOKEN_EXPIRED', 'TOKEN_ALREADY_USED', 'TOKEN_WRONG_USER',
        'SESSION_ENDED', 'SESSION_ENDED_BY_ROLLOUT', 'DESKTOP_GONE', 'IDLE_DISCONNECTED', 'SHARE_REVOKED', 'SHARE_EXPIRED'];
    /*
     * How long to wait before each reconnect attempt (the last wait repeats), and how many attempts to make.
     * Attempts count from the last tunnel that showed the desktop for a minute, so a flapping one gives up too.
     */
    const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];
    const RETRY_LIMIT = 20;
    const STABLE_MS = 60 * 1000;
    const RESUME_OPCODE = 'openvdi-resume';
    const NOTICE_OPCODE = 'openvdi-notice';
    const VIEWERS_OPCODE = 'openvdi-viewers';
    const SHARED_OPCODE = 'openvdi-shared';

    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const POOL_DELETED_NOTICE = 'pool-deleted/';
    const query = new URLSearchParams(window.location.search);
    const linkToken = query.get('token') || '';
    let sessionId = UUID.test(query.get('session') || '') ? query.get('session') : null;
    // The token is single use: keep it out of the address bar, history and any reload; keep only the session's id.
    function keepSession() {
        window.history.replaceState(null, '', window.location.pathname + (sessionId ? '?session=' + sessionId : ''));
    }
    keepSession();
    window.openvdiKeysSent = [];

    const portalUrl = fetch('connect/settings', { cache: 'no-store' })
        .then(response => response.ok ? response.json() : {})
        .then(settings => settings.portalUrl || null)
        .catch(() => null);

    const host = document.getElementById('display');
    const overlay = document.getElementById('status');

    let client = null;          // the Guacamole client of the current tunnel
    let display = null;
    let resumeToken = null;     // what the next reconnect presents, once the gateway handed one over
    let attempt = 0;            // reconnect attempts since the desktop last showed for a while
    let shownSince = null;      // when the current tunnel first showed the desktop
    let leaving = false;
    let viewOnly = false;       // a viewer who may only watch: no input leaves the page
    window.openvdiViewers = [];
    window.openvdiShared = null;

    /* Who watches this desktop (the owner's page), or whose desktop this is (a viewer's page). */
    const sharing = document.getElementById('sharing');
    function showViewers(args) {
        const viewers = [];
        for (let i = 0; i + 1 < args.length; i += 2) {
            viewers.push([args[i], args[i + 1]]);
        }
        window.openvdiViewers = viewers;
        sharing.textContent = viewers.length === 0 ? '' : 'Watching your desktop: ' + viewers.map(v =>
            v[0] + (v[1] === 'CONTROL' ? ' (with control)' : ' (view only)')).join(', ');
        sharing.hidden = viewers.length === 0;
    }
    function showShared(access) {
        window.openvdiShared = access;
        viewOnly = access !== 'CONTROL';
        sessionId = null;       // a viewer's reload must not ask the portal for the owner's session
        keepSession();
        sharing.textContent = viewOnly ? 'You are watching a shared desktop (view only).'
            : 'You are using a shared desktop: its owner sees what you do.';
        sharing.hidden = false;
    }

    function setState(state) {
        window.openvdiState = state;
        document.body.dataset.state = state;
    }

    function show(title, text, withPortalLink) {
        document.getElementById('status-title').textContent = title;
        document.getElementById('status-text').textContent = text;
        const action = document.getElementById('status-action');
        action.hidden = true;
        if (withPortalLink) {
            portalUrl.then(url => {
                if (url) {
                    action.href = url;
                    action.hidden = false;
                }
            });
        }
        overlay.hidden = false;
    }

    /* The latest notice of a forced logoff: the admin's text as text, and the time left, counting down. */
    const notice = document.getElementById('notice');
    let noticeDeadline = null;
    let noticeTimer = null;
    function showNotice(id, secondsLeft, text) {
        if (!Number.isFinite(secondsLeft) || secondsLeft < 0) {
            return;
        }
        noticeDeadline = Date.now() + secondsLeft * 1000;
        const deletion = String(id).startsWith(POOL_DELETED_NOTICE);
        document.getElementById('notice-text').textContent = text || (deletion
            ? 'Your administrator is removing this desktop pool. Save your work.'
            : 'Your administrator is updating this desktop. Save your work.');
        notice.dataset.noticeId = id;
        notice.hidden = false;
        countDown();
        window.clearInterval(noticeTimer);
        noticeTimer = window.setInterval(countDown, 1000);
    }
    function countDown() {
        const left = Math.max(0, Math.round((noticeDeadline - Date.now()) / 1000));
        const minutes = Math.floor(left / 60);
        const seconds = String(left % 60).padStart(2, '0');
        // the notice id names what it is about: a rollout's forced logoff, the pool's deletion, or its idle or
        // maximum length limit
        const about = (notice.dataset.noticeId || '').split('/')[0];
        const time = minutes + ':' + seconds;
        if (about === 'message') {
            document.getElementById('notice-time').textContent = 'Message from your administrator';
            notice.dataset.secondsLeft = '0';
            window.clearInterval(noticeTimer);
            return;
        }
        const why = about === 'pool-deleted' ? ' because its desktop pool is being removed.' : ' for a desktop update.';
        document.getElementById('notice-time').textContent = about === 'idle'
            ? (left > 0 ? 'Disconnecting in ' + time + '.' : 'Disconnecting now.')
            : about === 'max-length'
                ? (left > 0 ? 'Your session ends in ' + time + '.' : 'Your session is ending.')
                : left > 0
                    ? 'Your session will be ended in ' + time + why
                    : 'Your session is being ended' + why;
        notice.dataset.secondsLeft = String(left);
        if (left === 0) {
            window.clearInterval(noticeTimer);
        }
    }
    function hideNotice() {
        notice.hidden = true;
        window.clearInterval(noticeTimer);
    }
    document.getElementById('notice-dismiss').addEventListener('click', () => { notice.hidden = true; });
    /* An idle warning is answered by using the desktop: any input hides it (the gateway reports the input). */
    function inputSeen() {
        if (!notice.hidden && (notice.dataset.noticeId || '').startsWith('idle/')) {
            hideNotice();
        }
    }
    ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart'].forEach(type =>
        window.addEventListener(type, inputSeen, { capture: true, passive: true }));

    /* One tunnel, presenting the link's token or a resume token; every attempt gets a new client and display. */
    function connect(token, resuming) {
        const tunnel = new Guacamole.WebSocketTunnel('tunnel');
        const next = new Guacamole.Client(tunnel);
        let failureCode = null;
        let over = false;

        /* The gateway's own instructions: the next resume token, and the failure name (third argument of its error). */
        const handleInstruction = tunnel.oninstruction;
        tunnel.oninstruction = function (opcode, args) {
            if (opcode === RESUME_OPCODE) {
                resumeToken = args[0];
                if (UUID.test(args[1] || '')) {
                    sessionId = args[1];
                    keepSession();
                }
                return;
            }
            if (opcode === VIEWERS_OPCODE) {
                showViewers(args);
                return;
            }
            if (opcode === SHARED_OPCODE) {
                showShared(args[1]);
                return;
            }
            if (opcode === NOTICE_OPCODE) {
                showNotice(args[0], Number(args[1]), args[2] || '');
                return;
            }
            if (opcode === 'error' && args.length > 2) {
                failureCode = args[2];
            }
            handleInstruction(opcode, args);
        };

        function lost(status) {
            if (over || leaving) {
                return;
            }
            over = true;
            next.disconnect();
            ended(failureCode, status, resuming);
        }
        next.onerror = lost;
        tunnel.onerror = lost;
        next.onstatechange = function (state) {
            if (state === 3) {          // CONNECTED: the first frame arrived
                shownSince = Date.now();
                setState('connected');
                overlay.hidden = true;
                fit();
            } else if (state === 5) {   // DISCONNECTED without an error first: the stream ended
                lost({ code: 0, message: '' });
            }
        };
        next.onclipboard = receiveClipboard;

        if (display) {
            host.removeChild(display.getElement());
        }
        client = next;
        display = next.getDisplay();
        display.onresize = fit;
        display.oncursor = () => host.classList.add('remote-cursor');
        host.appendChild(display.getElement());
        const mouse = new Guacamole.Mouse(display.getElement());
        mouse.onEach(['mousedown', 'mouseup', 'mousemove'], event => viewOnly || next.sendMouseState(event.state, true));

        const size = optimalSize();
        next.connect(new URLSearchParams({
            token: token, width: size.width, height: size.height, dpi: size.dpi
        }).toString());
    }

    /* A lost tunnel reconnects in place while the page holds a resume token; a final failure gets its screen. */
    function ended(code, status, resuming) {
        if (!code && status && status.code === Guacamole.Status.Code.SESSION_TIMEOUT) {
            // the gateway's idle disconnect, whose error instruction a display frame kept from being sent
            code = 'IDLE_DISCONNECTED';
        }
        if (resumeToken && !FINAL_CODES.includes(code)) {
            reconnect();
            return;
        }
        const viewersEnd = window.openvdiShared && code === 'SESSION_ENDED';
        const screen = SCREENS[resuming && /^TOKEN_/.test(code) ? 'resume'
            : viewersEnd ? 'shareEnded' : SCREEN_BY_CODE[code] || 'failed'];
        hideNotice();
        setState('error:' + (code || 'STATUS_' + status.code));
        show(screen[0], code ? screen[1] : (status.message ? status.message + '. ' : '') + screen[1], true);
    }

    function reconnect() {
        if (shownSince !== null && Date.now() - shownSince >= STABLE_MS) {
            attempt = 0;
        }
        shownSince = null;
        attempt += 1;
        if (attempt > RETRY_LIMIT) {
            setState('error:RECONNECT_LIMIT');
            show(SCREENS.dropping[0], SCREENS.dropping[1], true);
            return;
        }
        setState('reconnecting');
        show('Reconnecting…, attempt ' + attempt,
            'The connection to your desktop was lost. Your desktop keeps running; you will be back in a moment.', true);
        const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1];
        window.setTimeout(() => leaving || connect(resumeToken, true), delay);
    }

    /* Scale the remote screen to the window, and tell the desktop the size we would like. */
    function fit() {
        if (!display) {
            return;
        }
        const width = display.getWidth();
        const height = display.getHeight();
        if (width && height) {
            display.scale(Math.min(host.clientWidth / width, host.clientHeight / height));
        }
    }
    function optimalSize() {
        const density = window.devicePixelRatio || 1;
        return {
            width: Math.floor(host.clientWidth * density),
            height: Math.floor(host.clientHeight * density),
            dpi: Math.floor(96 * density)
        };
    }
    let resizeTimer = null;
    window.addEventListener('resize', function () {
        fit();
        window.clearTimeout(resizeTimer);
        resizeTimer = window.setTimeout(function () {
            const size = optimalSize();
            if (client) {
                client.sendSize(size.width, size.height);
            }
        }, 200);
    });

    /*
     * The keyboard (the mouse belongs to each display); keys typed into the clipboard text stay in the page.
     * Ctrl+Alt+Shift opens or closes the menu instead of reaching the desktop.
     */
    const menu = document.getElementById('menu');
    const menuToggle = document.getElementById('menu-toggle');
    const clipboardText = document.getElementById('clipboard-text');
    const keyboard = new Guacamole.Keyboard(document);
    const typingInPanel = () => document.activeElement === clipboardText;
    const down = new Set();
    const CTRL = [65507, 65508], ALT = [65513, 65514], SHIFT = [65505, 65506];
    const held = keys => keys.some(k => down.has(k));
    keyboard.onkeydown = function (keysym) {
        if (typingInPanel() || !client) {
            return true;
        }
        if (viewOnly) {
            return false;
        }
        down.add(keysym);
        client.sendKeyEvent(1, keysym);
        if (held(CTRL) && held(ALT) && held(SHIFT)) {
            down.forEach(k => client.sendKeyEvent(0, k));
            down.clear();
            keyboard.reset();
            toggleMenu();
        }
        return false;
    };
    keyboard.onkeyup = function (keysym) {
        down.delete(keysym);
        if (!typingInPanel() && client && !viewOnly) {
            client.sendKeyEvent(0, keysym);
        }
    };
    window.addEventListener('blur', () => { keyboard.reset(); down.clear(); });

    function toggleMenu() {
        const collapsed = menu.classList.toggle('collapsed');
        menuToggle.setAttribute('aria-expanded', String(!collapsed));
    }
    menuToggle.addEventListener('click', () => { toggleMenu(); menuToggle.blur(); });

    /* Presses the keys in order and releases them in reverse, as a person would. */
    function sendKeys(keysyms) {
        if (!client || viewOnly) {
            return;
        }
        keysyms.forEach(k => { client.sendKeyEvent(1, k); window.openvdiKeysSent.push([1, k]); });
        keysyms.slice().reverse().forEach(k => { client.sendKeyEvent(0, k); window.openvdiKeysSent.push([0, k]); });
    }
    document.getElementById('ctrl-alt-del').addEventListener('click', function () {
        sendKeys([65507, 65513, 65535]);
        this.blur();
    });
    document.querySelectorAll('#keys button').forEach(button => button.addEventListener('click', function () {
        sendKeys(button.dataset.keys.split(',').map(Number));
        button.blur();
    }));

    /*
     * The on-screen keyboard, built on first use from its JSON layout; its keys go to the desktop like typed ones.
     * Modifiers (Shift, Ctrl, Alt, Win) stay down until pressed again.
     */
    const osk = document.getElementById('osk');
    const oskToggle = document.getElementById('osk-toggle');
    let onScreenKeyboard = null;
    function sendOskKey(pressed, keysym) {
        if (client && !viewOnly) {
            client.sendKeyEvent(pressed, keysym);
            window.openvdiKeysSent.push([pressed, keysym]);
        }
    }
    function fitOsk() {
        if (onScreenKeyboard) {
            onScreenKeyboard.resize(Math.min(window.innerWidth - 24, 960));
        }
    }
    function buildOsk() {
        return fetch('keyboard/en-us-qwerty.json', { cache: 'no-store' })
            .then(response => response.json())
            .then(function (layout) {
                onScreenKeyboard = new Guacamole.OnScreenKeyboard(new Guacamole.OnScreenKeyboard.Layout(layout));
                onScreenKeyboard.onkeydown = keysym => sendOskKey(1, keysym);
                onScreenKeyboard.onkeyup = keysym => sendOskKey(0, keysym);
                osk.appendChild(onScreenKeyboard.getElement());
            });
    }
    oskToggle.addEventListener('click', function () {
        const showing = osk.hidden;
        (onScreenKeyboard ? Promise.resolve() : buildOsk()).then(function () {
            osk.hidden = !showing;
            oskToggle.setAttribute('aria-pressed', String(showing));
            if (showing) {
                fitOsk();
            }
        }).catch(error => console.debug('On-screen keyboard not available', error));
        oskToggle.blur();
    });
    window.addEventListener('resize', fitOsk);

    /* Fullscreen of the whole page (display, notice and menu); the button shows whether it is on. */
    const fullscreen = document.getElementById('fullscreen');
    fullscreen.addEventListener('click', function () {
        const on = document.fullscreenElement !== null && document.fullscreenElement !== undefined;
        const change = on ? document.exitFullscreen() : document.documentElement.requestFullscreen();
        Promise.resolve(change).catch(error => console.debug('Fullscreen refused', error));
        fullscreen.blur();
    });
    document.addEventListener('fullscreenchange', function () {
        fullscreen.setAttribute('aria-pressed', String(Boolean(document.fullscreenElement)));
        fit();
    });

    /* Clipboard both ways: the menu's text always works; the system clipboard where the browser permits it. */
    function receiveClipboard(stream, mimetype) {
        if (!/^text\//.test(mimetype)) {
            return;
        }
        const reader = new Guacamole.StringReader(stream);
        let text = '';
        reader.ontext = part => { text += part; };
        reader.onend = function () {
            clipboardText.value = text;
            if (navigator.clipboard && navigator.clipboard.writeText) {
                navigator.clipboard.writeText(text).catch(error => console.debug('System clipboard not writable', error));
            }
        };
    }
    function sendClipboard(text) {
        if (!client || viewOnly) {
            return;
        }
        const writer = new Guacamole.StringWriter(client.createClipboardStream('text/plain'));
        writer.sendText(text);
        writer.sendEnd();
    }
    document.getElementById('clipboard-send').addEventListener('click', () => sendClipboard(clipboardText.value));
    let lastLocalClipboard = null;
    window.addEventListener('focus', function () {
        if (!navigator.permissions || !navigator.clipboard || !navigator.clipboard.readText) {
            return;
        }
        navigator.permissions.query({ name: 'clipboard-read' })
            .then(permission => permission.state === 'granted' ? navigator.clipboard.readText() : null)
            .then(function (text) {
                if (text && text !== lastLocalClipboard) {
                    lastLocalClipboard = text;
                    clipboardText.value = text;
                    sendClipboard(text);
                }
            })
            .catch(error => console.debug('System clipboard not readable', error));
    });

    window.addEventListener('pagehide', function () {
        leaving = true;             // leaving on purpose: no error screen, no reconnect
        if (client) {
            client.disconnect();
        }
    });

    /* A reloaded tab has no token: the signed-in portal gets a fresh link for its session and sends it back here. */
    function reopen() {
        setState('reopening');
        show('Reopening your desktop…', 'Asking the portal for a fresh link.', false);
        portalUrl.then(function (url) {
            if (!url) {
                ended('TOKEN_MISSING', { code: 0, message: '' }, false);
                return;
            }
            const target = new URL(url, window.location.href);
            target.searchParams.set('reconnect', sessionId);
            leaving = true;
            window.location.replace(target.toString());
        });
    }

    if (!linkToken && sessionId) {
        reopen();
    } else {
        setState('connecting');
        connect(linkToken, false);
    }
}());
