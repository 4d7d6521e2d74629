// Kavach Edge incident report (/report.html#RUN-CHANGE): renders GET /api/incidents/{id} for reading and printing (A4, print CSS).
// No live connection. Text only via textContent. When the API answers 401 it asks for the key once and trades it for the
// session cookie, like the status page (the key kept in sessionStorage by a kiosk is tried first).
'use strict';
const $ = id => document.getElementById(id);
const set = (id, text) => { $(id).textContent = text; };
const KEY = 'kavach.key';
const utc = t => t == null ? '—' : t.replace('T', ' ').replace('Z', '');
const n = (v, unit, digits = 0) => v == null ? '—' : `${v.toFixed(digits)}${unit ? ' ' + unit : ''}`;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
const level = l => el('span', l, 'lv ' + l);
function row(cells, cls) {
  const tr = el('tr', null, cls);
  for (const c of cells) { const td = el('td'); if (c instanceof Node) td.appendChild(c); else td.textContent = c ?? '—'; tr.appendChild(td); }
  return tr;
}
function lines(...parts) {
  const d = el('div');
  parts.filter(p => p != null && p !== '').forEach((p, i) => { if (i) d.appendChild(el('br')); d.appendChild(p instanceof Node ? p : document.createTextNode(p)); });
  return d;
}

function render(r) {
  document.title = `Incident ${r.id} · ${r.device} — Kavach Edge`;
  set('id', r.id);
  set('device', `${r.device} · report made ${utc(new Date(r.generatedUtc).toISOString())} UTC · window ${utc(r.from)} to ${utc(r.to)}`);
  const end = r.end.how === 'ongoing' ? 'ongoing (the level has not returned to LOW)'
    : r.end.how === 'low' ? `${utc(r.end.utc)} — back to LOW (change ${r.end.change})`
    : r.end.how === 'restart' ? `${utc(r.end.utc)} — the daemon restarted above LOW (next run ${r.end.run})`
    : `${utc(r.end.utc)} — the run's last stored change; the daemon stopped above LOW`;
  const dur = r.end.utc ? (new Date(r.end.utc) - new Date(r.start.utc)) / 1000 : null;
  const acks = r.operator.filter(o => o.inIncident && o.kind === 'ack');
  const kv = [
    ['Highest level', level(r.peak)],
    ['Started', `${utc(r.start.utc)} (run ${r.run}, change ${r.start.change}, ${r.start.level}${r.start.seq != null ? ', alert seq ' + r.start.seq : ''})`],
    ['Ended', end],
    ['Duration', dur == null ? '—' : `${Math.floor(dur / 60)} min ${Math.round(dur % 60)} s`],
    ['Acknowledged', acks.length ? acks.map(a => `${a.by} at ${utc(a.utc)} (${a.source})`).join('; ') : 'not acknowledged'],
    ['Software', r.software],
    ['Configuration hash', r.configHash],
    ['Commissioning record', r.commissioning ?? 'not commissioned'],
    ['Clock', r.clockSynced ? 'NTP-synchronised at every change' : el('span', 'NOT synchronised at some change: the times may be wrong', 'warn')],
  ];
  for (const b of r.otherBuilds) kv.push(['Also in the window', `from ${utc(b.firstUtc)}: software ${b.software}, configuration ${b.configHash}, commissioning ${b.commissioning ?? 'none'}`]);
  if (r.truncated) kv.push(['Truncated', el('span', 'some lists were cut at 1000 rows', 'warn')]);
  $('summary').replaceChildren(...kv.map(([k, v]) => { const tr = row([v]); tr.prepend(el('th', k)); return tr; }));

  $('operator').replaceChildren(...(r.operator.length ? r.operator.map(o =>
    row([utc(o.utc), o.kind, o.by, o.source, `${o.run}-${o.episode}`, o.detail], o.inIncident ? 'op' : 'op outside'))
    : [row(['none in the window', '', '', '', '', ''])]));

  $('levels').replaceChildren(...r.levels.map(l => {
    const f = l.floor, m = l.model, o = l.obstacle;
    const floor = f ? lines(level(f.level), f.reasons.join('; '), `visibility from ${f.visibilitySource ?? '?'}${f.visibilityIsBound ? ' (a bound)' : ''}`) : 'not assessed';
    const model = !m ? 'no model running'
      : m.abstained ? lines(level(m.level), m.abstained)
      : lines(level(m.level), `p(obstacle) ${m.obstacleProbability ?? '—'}`, `fog ${m.fogClass ?? '?'}, visibility ${n(m.visibilityM, 'm')}`);
    const seen = lines(`visibility ${l.visibilityBound ? '≤ ' : ''}${n(l.visibilityM, 'm')} (${l.fogClass ?? '?'})`,
      o ? `obstacle ${n(o.rangeM, 'm', 1)} by ${o.source}${o.ttcS != null ? ', TTC ' + n(o.ttcS, 's', 1) : ''}` : 'no obstacle',
      l.sensors.length ? l.sensors.map(s => `${s.name} ${s.state}`).join(', ') : '');
    const out = lines(l.outputs.pattern + (l.maintenance ? ' (maintenance)' : ''),
      `green ${l.outputs.green} · amber ${l.outputs.amber} · red ${l.outputs.red} · buzzer ${l.outputs.buzzer}`);
    const lv = lines(level(l.level), `from ${l.previous ?? '—'}`, `raised by ${l.raisedBy}`, (l.reasons || []).join('; '),
      l.faults.length ? 'faults: ' + l.faults.join('; ') : '');
    return row([utc(l.utc), `${l.run ?? '?'}-${l.change ?? '?'}${l.opensEpisode ? ' (episode)' : ''}`, lv, floor, model, seen, out],
      l.inIncident ? 'in' : 'outside');
  }));
  set('outputs-note', 'Outputs: ' + r.outputs);

  $('health').replaceChildren(...(r.health.length ? r.health.map(h => row([utc(h.utc), h.sensor, h.state, h.previous, n(h.ageS, 's ago', 1)]))
    : [row(['no change in the window', '', '', '', ''])]));

  set('summaries-note', r.summaries.sensors.length
    ? `Stored per-second summaries, ${r.summaries.stepS} s per stored point, merged further to at most 30 rows per sensor: frames summed, nearest the least, the rest averaged, state the worst.`
    : 'No per-second summaries stored for the window (they are kept for Storage.RetentionDays).');
  $('summaries').replaceChildren(...r.summaries.sensors.map(series));
}

const STATES = ['never seen', 'live', 'stale', 'frozen'];
const COLUMNS = [['frames', 'frames', 0, ''], ['noReturnRatio', 'no return', 2, ''], ['minM', 'nearest', 1, 'm'], ['medianM', 'median', 1, 'm'],
  ['strength', 'strength', 0, ''], ['snrDb', 'SNR', 1, 'dB'], ['speedMps', 'closing', 1, 'm/s'], ['visibilityM', 'visibility', 0, 'm']];

function series(s) {
  const k = Math.max(1, Math.ceil(s.points.length / 30)), merged = [];
  for (let i = 0; i < s.points.length; i += k) {
    const g = s.points.slice(i, i + k), mean = key => { const v = g.map(p => p[key]).filter(v => v != null); return v.length ? v.reduce((a, b) => a + b) / v.length : null; };
    const mins = g.map(p => p.minM).filter(v => v != null);
    merged.push({ t: g[0].t, state: Math.max(...g.map(p => p.state)), frames: g.reduce((a, p) => a + p.frames, 0), minM: mins.length ? Math.min(...mins) : null,
      noReturnRatio: mean('noReturnRatio'), medianM: mean('medianM'), strength: mean('strength'), snrDb: mean('snrDb'), speedMps: mean('speedMps'), visibilityM: mean('visibilityM') });
  }
  const cols = COLUMNS.filter(([key]) => key === 'frames' || merged.some(p => p[key] != null));
  const box = el('div', null, 'series');
  box.appendChild(el('h3', `${s.name} (${s.kind})`));
  const table = el('table'), head = el('tr');
  for (const h of ['from (UTC)', 'state', ...cols.map(c => c[1] + (c[3] ? ` (${c[3]})` : ''))]) head.appendChild(el('th', h));
  table.appendChild(el('thead')).appendChild(head);
  const body = table.appendChild(el('tbody'));
  for (const p of merged) body.appendChild(row([utc(new Date(p.t * 1000).toISOString()), STATES[p.state] ?? String(p.state), ...cols.map(([key, , d]) => n(p[key], '', d))]));
  box.appendChild(table);
  return box;
}

const trade = key => fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key }) });

async function load() {
  const id = decodeURIComponent(location.hash.slice(1)) || new URLSearchParams(location.search).get('id') || '';
  if (!id) { set('load', 'no incident named: open /report.html#RUN-CHANGE (the status page links each alarm)'); return; }
  let r;
  try { r = await fetch('/api/incidents/' + encodeURIComponent(id), { cache: 'no-store', credentials: 'same-origin' }); }
  catch (e) { set('load', 'the unit cannot be reached: ' + e.message); return; }
  if (r.status === 401) {
    const key = sessionStorage.getItem(KEY);
    if (key && (await trade(key)).ok) return load();
    set('load', 'the API key is needed'); $('login').showModal(); return;
  }
  const j = await r.json();
  if (!r.ok) { set('load', `${r.status}: ${j.detail || j.error}`); return; }
  render(j);
  set('load', '');
  document.body.dataset.loaded = j.id;
}

$('login-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const r = await trade($('key').value);
  if (!r.ok) { set('login-error', r.status === 429 ? `too many wrong keys: try again in ${r.headers.get('Retry-After') || 60} s` : 'wrong key'); return; }
  $('key').value = ''; set('login-error', ''); $('login').close(); load();
});
$('print').addEventListener('click', () => window.print());
window.addEventListener('hashchange', load);
load();
