// Shared by the status page (/) and the cab display (/cab): /api/status once, then live over /ws/alerts (status every
// second, level changes and operator events at once); reconnects by itself (1 s, doubling to 5 s). No message for
// STALE_MS, or the socket down, and the page is told it is stale: a stale page must never look like "all clear".
// The key: when the API answers 401 the page's #login dialog asks for it once and trades it for the session cookie.
// A kiosk with no keyboard may carry it in the URL's fragment (/cab#key=KEY: never sent to the server); it is kept in
// sessionStorage and traded again after a daemon restart ends the session; a wrong one falls back to the dialog.
'use strict';
const $ = id => document.getElementById(id);
const set = (id, text) => { $(id).textContent = text; };

// handlers: status(s), level(m), operator(m), stale(on), started() — all but status optional.
function kavachLive(handlers) {
  const STALE_MS = 3500, KEY = 'kavach.key';
  let ws = null, lastMessage = 0, retryMs = 1000, locked = false;
  const call = (name, arg) => { if (handlers[name]) handlers[name](arg); };

  if (location.hash.startsWith('#key=')) {
    sessionStorage.setItem(KEY, decodeURIComponent(location.hash.slice(5)));
    history.replaceState(null, '', location.pathname + location.search);
  }

  setInterval(() => call('stale', !ws || ws.readyState !== WebSocket.OPEN || Date.now() - lastMessage > STALE_MS), 500);

  async function api(method, path, body) {
    const r = await fetch(path, { method, cache: 'no-store', credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    if (r.status === 401) { unauthorized(); throw new Error('unauthorized'); }
    return r;
  }

  const trade = key => fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key }) });

  async function unauthorized() {
    if (locked) return;
    locked = true;
    const key = sessionStorage.getItem(KEY);
    if (key) {
      try {
        const r = await trade(key);
        if (r.ok) { locked = false; setTimeout(start, 0); return; }
        if (r.status === 429) { locked = false; setTimeout(start, 1000 * Number(r.headers.get('Retry-After') || 60)); return; }
        sessionStorage.removeItem(KEY); // wrong: never guess again with it
      } catch { locked = false; setTimeout(start, retryMs); return; }
    }
    $('login').showModal();
  }

  $('login-form').addEventListener('submit', async ev => {
    ev.preventDefault();
    const r = await trade($('key').value);
    if (!r.ok) { set('login-error', r.status === 429 ? `too many wrong keys: try again in ${r.headers.get('Retry-After') || 60} s` : 'wrong key'); return; }
    $('key').value = ''; set('login-error', '');
    $('login').close(); locked = false; start();
  });

  function connect() {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/alerts`);
    ws = socket;
    socket.onmessage = e => {
      lastMessage = Date.now(); retryMs = 1000;
      const m = JSON.parse(e.data);
      if (m.type === 'status') call('status', m.status);
      else if (m.type === 'level') call('level', m);
      else if (m.type === 'operator') call('operator', m);
    };
    socket.onclose = () => {
      if (ws === socket) ws = null;
      call('stale', true);
      setTimeout(start, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  async function start() {
    if (locked) return;
    try {
      const r = await api('GET', '/api/status');
      if (r.ok) call('status', await r.json());
    } catch (e) {
      if (!locked) setTimeout(start, retryMs);
      return;
    }
    call('started');
    connect();
  }

  call('stale', true);
  start();
  return { api };
}
