/*
 * OpenVDI connect page: shows one desktop through the gateway's Guacamole WebSocket tunnel.
 * The broker links here with ?token=<one-time token>. window.openvdiState tells a test or a curious
 * human where the page is: 'connecting', 'connected', 'reconnecting' or 'error:<CODE>', where CODE is
 * the gateway's failure name (third argument of its error instruction) or STATUS_<guacamole status>.
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
        failed: ['Could not connect to your desktop', 'Go back to the portal and open the desktop again.']
    };
    const SCREEN_BY_CODE = {
        TOKEN_MISSING: 'link', TOKEN_UNKNOWN: 'link', TOKEN_EXPIRED: 'link', TOKEN_ALREADY_USED: 'link',
        TOKEN_WRONG_USER: 'wrongUser', SESSION_ENDED: 'ended', DESKTOP_GONE: 'gone',
        GUACD_UNAVAILABLE: 'display', BROKER_UNAVAILABLE: 'broker', GATEWAY_ERROR: 'broker'
    };
    /* Failures after which a new link from the portal is likely to work at once. */
    const RECONNECT_CODES = ['DISPLAY_LOST', 'BROWSER_TOO_SLOW', 'GATEWAY_STOPPING'];
    const RECONNECT_LIMIT = 3;
    const RECONNECT_WINDOW_MS = 5 * 60 * 1000;

    const token = new URLSearchParams(window.location.search).get('token') || '';
    // The token is single use: keep it out of the address bar, history and any reload.
    window.history.replaceState(null, '', window.location.pathname);

    const portalUrl = fetch('connect/settings', { cache: 'no-store' })
        .then(response => response.ok ? response.json() : {})
        .then(settings => settings.portalUrl || null)
        .catch(() => null);

    const host = document.getElementById('display');
    const overlay = document.getElementById('status');
    const tunnel = new Guacamole.WebSocketTunnel('tunnel');
    const client = new Guacamole.Client(tunnel);
    const display = client.getDisplay();
    host.appendChild(display.getElement());

    let connectedOnce = false;
    let finished = false;
    let failureCode = null;

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

    /* The gateway's own error instruction names the failure in a third argument: remember it. */
    const handleInstruction = tunnel.oninstruction;
    tunnel.oninstruction = function (opcode, args) {
        if (opcode === 'error' && args.length > 2) {
            failureCode = args[2];
        }
        handleInstruction(opcode, args);
    };

    function fail(status) {
        if (finished) {
            return;
        }
        finished = true;
        const code = failureCode;
        if (RECONNECT_CODES.includes(code) || (!code && connectedOnce)) {
            reconnect();
            return;
        }
        const screen = SCREENS[SCREEN_BY_CODE[code] || 'failed'];
        setState('error:' + (code || 'STATUS_' + status.code));
        show(screen[0], code ? screen[1] : (status.message ? status.message + '. ' : '') + screen[1], true);
        client.disconnect();
    }

    /* A network blip or a lost display: tokens are single use, so the portal issues a fresh link. */
    function reconnect() {
        client.disconnect();
        const now = Date.now();
        const recent = JSON.parse(sessionStorage.getItem('openvdi.reconnects') || '[]')
            .filter(time => now - time < RECONNECT_WINDOW_MS);
        if (recent.length >= RECONNECT_LIMIT) {
            setState('error:RECONNECT_LIMIT');
            show('The connection keeps dropping', 'Go back to the portal and open the desktop again.', true);
            return;
        }
        sessionStorage.setItem('openvdi.reconnects', JSON.stringify(recent.concat(now)));
        setState('reconnecting');
        show('Connection lost — reconnecting…', 'You will be back in a moment.', true);
        portalUrl.then(url => url && window.setTimeout(() => waitForNetworkThenGo(url), 1500));
    }

    function waitForNetworkThenGo(url) {
        fetch(url, { mode: 'no-cors', cache: 'no-store' })
            .then(() => window.location.assign(url))
            .catch(() => window.setTimeout(() => waitForNetworkThenGo(url), 3000));
    }

    client.onerror = fail;
    tunnel.onerror = fail;
    client.onstatechange = function (state) {
        if (state === 3) {          // CONNECTED: the first frame arrived
            connectedOnce = true;
            sessionStorage.removeItem('openvdi.reconnects');
            setState('connected');
            overlay.hidden = true;
            fit();
        } else if (state === 5) {   // DISCONNECTED without an error first: the stream ended
            fail({ code: 0, message: '' });
        }
    };

    /* Scale the remote screen to the window, and tell the desktop the size we would like. */
    function fit() {
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
    display.onresize = fit;
    let resizeTimer = null;
    window.addEventListener('resize', function () {
        fit();
        window.clearTimeout(resizeTimer);
        resizeTimer = window.setTimeout(function () {
            const size = optimalSize();
            client.sendSize(size.width, size.height);
        }, 200);
    });
    display.oncursor = () => host.classList.add('remote-cursor');

    /* Mouse and keyboard; keys typed into the clipboard panel stay in the page. */
    const mouse = new Guacamole.Mouse(display.getElement());
    mouse.onEach(['mousedown', 'mouseup', 'mousemove'], event => client.sendMouseState(event.state, true));
    const panel = document.getElementById('clipboard');
    const keyboard = new Guacamole.Keyboard(document);
    const typingInPanel = () => panel.contains(document.activeElement);
    keyboard.onkeydown = function (keysym) {
        if (typingInPanel()) {
            return true;
        }
        client.sendKeyEvent(1, keysym);
        return false;
    };
    keyboard.onkeyup = function (keysym) {
        if (!typingInPanel()) {
            client.sendKeyEvent(0, keysym);
        }
    };
    window.addEventListener('blur', () => keyboard.reset());

    /* Clipboard both ways: the panel always works; the system clipboard where the browser permits it. */
    const clipboardText = document.getElementById('clipboard-text');
    const toggle = document.getElementById('clipboard-toggle');
    toggle.addEventListener('click', function () {
        const collapsed = panel.classList.toggle('collapsed');
        toggle.setAttribute('aria-expanded', String(!collapsed));
    });
    client.onclipboard = function (stream, mimetype) {
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
    };
    function sendClipboard(text) {
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
        finished = true;            // leaving on purpose: no error screen, no reconnect
        client.disconnect();
    });

    setState('connecting');
    const size = optimalSize();
    client.connect(new URLSearchParams({
        token: token, width: size.width, height: size.height, dpi: size.dpi
    }).toString());
}());
