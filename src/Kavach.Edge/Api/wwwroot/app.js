// Kavach Edge status page: live data from live.js (loaded first; shared with the cab display). When live.js says the
// data is stale the page turns grey with a banner: a stale page must never look like "all clear". Text only via textContent.
'use strict';
let current = null, live = null;

const num = (v, unit, digits = 0) => v == null ? '?' : `${v.toFixed(digits)} ${unit}`;

function showLevel(level, reasons) {
  $('level-box').className = 'level ' + level;
  set('level', level);
  set('reasons', (reasons || []).join('; ') || '—');
}

function renderStatus(s) {
  current = s;
  set('device', `Kavach Edge · ${s.device} · ${s.version}`);
  showLevel(s.level, s.reasons);
  const v = s.visibility;
  set('visibility', v.m == null ? 'unknown' : `${v.bound ? '≤ ' : ''}${v.m.toFixed(0)} m`);
  set('fog', `fog class ${v.fogClass} (${v.source})`);
  const o = s.obstacle;
  set('obstacle', o.present ? `${num(o.rangeM, 'm')}${o.closingSpeedMps == null ? '' : ', ' + num(o.closingSpeedMps, 'm/s', 1)}` : 'none');
  set('ttc', o.present ? `time to collision ${o.ttcS == null ? '—' : num(o.ttcS, 's', 1)} (${o.source})` : 'time to collision —');
  set('outputs', `${s.outputs.pattern} pattern: green ${s.outputs.green} · amber ${s.outputs.amber} · red ${s.outputs.red}`);
  set('buzzer', s.outputs.buzzerSilenced ? 'buzzer SILENCED (acknowledged)' : `buzzer ${s.outputs.buzzer}`);
  set('uplink', `uplink ${s.uplink.state}`);
  set('model', `model ${s.model.state}`);
  set('commissioning', s.commissioning ? `${s.commissioning.state}${s.commissioning.hash ? ' (record ' + s.commissioning.hash + ')' : ''}` : '');
  set('degradations', (s.degradations || []).length ? 'DEGRADED: ' + s.degradations.join('; ') : '');
  set('faults', s.faults.length ? 'faults: ' + s.faults.join('; ') : '');
  const rows = s.sensors.map(x => {
    const tr = document.createElement('tr');
    const state = !x.everSeen ? 'no data' : x.frozen ? 'FROZEN' : x.stale ? 'STALE' : 'live';
    for (const [text, cls] of [[x.name], [x.kind], [x.connection, x.connection === 'connected' ? 'good' : 'bad'],
      [state + (x.required ? '' : ' (optional)'), state === 'live' ? 'good' : 'bad'], [String(x.frames)], [String(x.rejects), x.rejects ? 'bad' : ''],
      [x.lastFrameAgeS == null ? '—' : `${x.lastFrameAgeS.toFixed(1)} s ago`]]) {
      const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td);
    }
    return tr;
  });
  $('sensors').replaceChildren(...rows);
  const a = s.alarm;
  set('maintenance', a.maintenance ? `IN MAINTENANCE until ${new Date(a.maintenanceUntil).toLocaleTimeString()}` : 'not in maintenance');
  $('ack').disabled = !((s.level === 'HIGH' || s.level === 'FAULT') && !a.buzzerSilenced);
}

function stale(on) {
  document.body.classList.toggle('stale', on);
  set('conn', on ? 'CONNECTION LOST' : 'live');
  $('conn').className = 'conn ' + (on ? 'bad' : 'ok');
  if (!on) return;
  $('level-box').className = 'level stale';
  set('level', 'NO DATA');
  set('reasons', current ? `last known ${current.level} — connection lost, data is stale` : 'no connection to the daemon');
  $('ack').disabled = true;
}

async function loadEvents() {
  try {
    const r = await live.api('GET', '/api/events?limit=10');
    if (!r.ok) return;
    const page = await r.json();
    $('events').replaceChildren(...page.events.map(e => {
      const li = document.createElement('li');
      li.textContent = `${new Date(e.utc).toLocaleTimeString()} ${e.previous || '-'} → ${e.level}: ${e.reasons.join('; ')}`;
      li.className = 'lv-' + e.level;
      if (e.level !== 'LOW' && e.run != null) { // an alarm: its printable incident report (report.html)
        const a = document.createElement('a');
        a.href = `/report.html#${e.run}-${e.change}`; a.className = 'report-link'; a.textContent = 'incident report';
        li.append(' ', a);
      }
      return li;
    }));
  } catch { /* the next level change retries */ }
}

function who() {
  const by = $('by').value.trim();
  if (!by) { $('by').focus(); return null; }
  localStorage.setItem('kavach.by', by);
  return by;
}

async function command(path, body, resultId) {
  const by = who();
  if (!by) { set(resultId, 'enter your name first'); return; }
  try {
    const r = await live.api('POST', path, { ...body, by });
    const j = await r.json();
    set(resultId, r.ok ? `done: ${j.reason}` : `refused: ${j.reason || j.detail || j.error}`);
    const s = await live.api('GET', '/api/status');
    if (s.ok) renderStatus(await s.json());
  } catch (e) { set(resultId, 'failed: ' + e.message); }
}

$('by').value = localStorage.getItem('kavach.by') || '';
$('ack').addEventListener('click', () => command('/api/alarm/ack', current ? { episode: current.alarm.episode } : {}, 'ack-result'));
$('maint-start').addEventListener('click', () => command('/api/maintenance', { minutes: Number($('minutes').value) }, 'maint-result'));
$('maint-end').addEventListener('click', () => command('/api/maintenance', { end: true }, 'maint-result'));
live = kavachLive({
  status: s => { renderStatus(s); kavachTrends.status(s); },
  level: m => {
    showLevel(m.level, m.reasons);
    $('ack').disabled = true; // until the next status (≤ 1 s) names this alarm's episode: never acknowledge a stale one
    loadEvents();
  },
  operator: m => set('ack-result', `${m.kind} by ${m.by} (${m.source}): ${m.detail}`),
  stale,
  started: () => { loadEvents(); kavachTrends.started(live); },
});
