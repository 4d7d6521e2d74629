// kavach-central's fleet page: /api/fleet every REFRESH_MS, one post's history from /api/devices/{id}/alerts. When the
// central cannot be reached (or answers with an error) the page turns grey with a banner: a stale list must never look
// like "all clear". Levels are told by text and glyph as well as colour. Text only via textContent.
'use strict';
const REFRESH_MS = 2000;
const GLYPH = { LOW: '●', MEDIUM: '▲', FAULT: '✖', HIGH: '◆' };
const $ = (id) => document.getElementById(id);
let selected = null;   // the device whose history is shown
let oldest = null;     // `next` of the history's last page
let lastOk = 0;
let paged = false;   // older pages shown: the history is not refreshed under the reader's eyes

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function levelBadge(level) {
  return level ? el('span', `${GLYPH[level] || '?'} ${level}`, `lv lv-${level}`) : el('span', '– none yet', 'lv lv-none');
}

function ago(s) {
  if (s === null || s === undefined) return 'never';
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function stale(on, why) {
  document.body.classList.toggle('stale', on);
  const c = $('conn');
  c.className = on ? 'conn bad' : 'conn ok';
  c.textContent = on ? `UNREACHABLE (${why}) — last update ${lastOk ? new Date(lastOk).toLocaleTimeString() : 'never'}` : `live, ${new Date(lastOk).toLocaleTimeString()}`;
}

function row(d) {
  const tr = el('tr');
  tr.dataset.device = d.deviceId;
  tr.dataset.online = String(d.online);
  tr.dataset.level = d.level || '';
  tr.dataset.attention = d.attention;
  tr.className = `rank-${d.attention}`;
  const name = el('button', d.deviceId, 'device');
  name.type = 'button';
  name.addEventListener('click', () => showHistory(d.deviceId));
  const first = el('td'); first.append(name); tr.append(first);
  const lv = el('td'); lv.append(levelBadge(d.level)); tr.append(lv);
  const link = d.online ? 'ONLINE' : d.state === 'silent' ? 'OFFLINE (silent)' : d.state === 'conflict' ? 'OFFLINE (id conflict)' : 'OFFLINE';
  tr.append(el('td', d.online ? `● ${link}` : `⊘ ${link}`, d.online ? 'link link-on' : 'link link-off'));
  tr.append(el('td', ago(d.silentS)));
  const ep = d.episode;
  tr.append(ep ? el('td', `${GLYPH[ep.level] || ''} ${ep.level} since seq ${ep.seq}: ${ep.acknowledged ? 'acknowledged' : 'NOT ACKNOWLEDGED'}`, ep.acknowledged ? 'acked' : 'unacked') : el('td', '—'));
  tr.append(el('td', d.openGaps ? `${d.missingAlerts} alert(s) in ${d.openGaps} gap(s)` : '—'));
  tr.append(el('td', d.software || '—'));
  return tr;
}

async function refresh() {
  try {
    const r = await fetch('/api/fleet', { cache: 'no-store', signal: AbortSignal.timeout(REFRESH_MS * 2) });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const f = await r.json();
    lastOk = Date.now();
    const high = f.fleet.filter((d) => d.attention === 'high-unacknowledged').length;
    $('summary').textContent = `${f.devices} post(s): ${f.online} online, ${f.devices - f.online} offline, ${high} HIGH not acknowledged (offline after ${f.offlineAfterS} s of silence)`;
    $('fleet-body').replaceChildren(...f.fleet.map(row));
    stale(false);
    if (selected && !paged) await loadHistory(false);
  } catch (e) {
    stale(true, e.name === 'TimeoutError' ? 'no answer' : e.message);
  }
}

async function loadHistory(append) {
  const q = new URLSearchParams({ limit: '50' });
  if (append && oldest) q.set('before', oldest);
  const r = await fetch(`/api/devices/${encodeURIComponent(selected)}/alerts?${q}`, { cache: 'no-store' });
  if (!r.ok) { $('history-body').replaceChildren(el('tr', `cannot read the history: HTTP ${r.status}`)); return; }
  const h = await r.json();
  const rows = h.alerts.map((a) => {
    const tr = el('tr');
    tr.dataset.seq = String(a.seq);
    tr.append(el('td', a.ts.replace('T', ' ').replace('Z', '') + (a.clockSynced ? '' : ' (clock not synced)')));
    const lv = el('td'); lv.append(levelBadge(a.level)); tr.append(lv);
    tr.append(el('td', a.previous ? `${GLYPH[a.previous] || ''} ${a.previous}` : '—'));
    tr.append(el('td', String(a.seq)));
    tr.append(el('td', (a.reasons || []).join('; ') + (a.maintenance ? ' [maintenance]' : '')));
    return tr;
  });
  if (append) $('history-body').append(...rows); else $('history-body').replaceChildren(...rows);
  oldest = h.next;
  if (append) paged = true;
  $('older').disabled = !h.next;
}

function showHistory(id) {
  selected = id;
  oldest = null;
  paged = false;
  $('history-device').textContent = id;
  $('history').hidden = false;
  loadHistory(false).catch(() => stale(true, 'history'));
}

$('older').addEventListener('click', () => loadHistory(true).catch(() => stale(true, 'history')));
$('close').addEventListener('click', () => { selected = null; $('history').hidden = true; });
refresh();
setInterval(refresh, REFRESH_MS);
