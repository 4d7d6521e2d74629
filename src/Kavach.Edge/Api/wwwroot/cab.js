// Kavach Edge cab display (/cab, docs/cab-display.md): an 800x480 kiosk screen. Live data from live.js (loaded first;
// shared with the status page). Never a stale number: an untrusted speed shows as "—" with the reason, a lost connection
// blanks every figure under a grey NO DATA band, and "position unknown" shows no landmark distances. Text via textContent.
'use strict';
const THEME = 'kavach.cab.theme';
let current = null;

const TRUST = {
  'never-seen': 'no GNSS data yet', 'no-fix': 'GNSS has no fix', 'dead-reckoning': 'GNSS dead reckoning only',
  'poor-geometry': 'poor GNSS geometry', stale: 'GNSS silent (stale)',
};
// why the position is unknown (status cab.route.reason), in the crew's words
const UNKNOWN = {
  'no-fix': 'no GNSS fix', 'gnss-not-trusted': 'GNSS not trusted', stale: 'GNSS silent', acquiring: 'finding the line',
  'off-route': 'off the route', outliers: 'GNSS jumping',
};
const KINDS = {
  signal: 'SIG', 'level-crossing': 'LC', station: 'STN', 'speed-restriction': 'SR', bridge: 'BR',
  'neutral-section': 'NS', custom: '•',
};

const whole = v => v == null ? '—' : String(Math.round(v));
const metres = m => m == null ? '—' : m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
const mmss = s => {
  if (s == null || !isFinite(s)) return '--:--';
  const t = Math.max(0, Math.round(s));
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};

function showLevel(level, reasons) {
  $('level-box').className = 'band ' + level;
  set('level', level);
  set('reasons', (reasons || []).join('; ') || '—');
}

// s: the /api/status object, or null (stale): every figure blanked.
function render(s) {
  current = s || current;
  const cab = s ? s.cab : null;
  if (s) {
    set('device', `${s.device} · advisory, not a signal`);
    showLevel(s.level, s.reasons);
  }

  const trusted = cab != null && cab.speedTrust === 'trusted' && cab.ownSpeedKmh != null;
  set('speed', trusted ? whole(cab.ownSpeedKmh) : '—');
  $('speed-box').classList.toggle('untrusted', !trusted);
  $('speed-box').classList.toggle('over', !!(cab && cab.overSpeed));
  set('trust', !s ? 'no data'
    : s.cab === undefined ? 'not a locomotive unit'
    : cab == null ? 'no assessment from the floor'
    : trusted ? 'GNSS speed' : `SPEED UNKNOWN: ${TRUST[cab.speedTrust] || cab.speedTrust}`);

  set('sight-speed', cab ? whole(cab.sightSpeedKmh) : '—');
  set('sight-distance', !cab || cab.sightDistanceM == null ? 'visibility unknown'
    : `stops within ${metres(cab.sightDistanceM)} · ${cab.limitedBy === 'reach' ? 'sensor reach' : 'visibility'}`);
  $('overspeed').hidden = !(cab && cab.overSpeed);
  set('overspeed', cab && cab.sightSpeedKmh != null ? `OVER SPEED · SLOW TO ${whole(cab.sightSpeedKmh)}` : 'OVER SPEED');
  $('sight-box').classList.toggle('over', !!(cab && cab.overSpeed));

  renderRoute(cab ? cab.route : null, !s);

  const v = s ? s.visibility : null;
  set('visibility', !v || v.m == null ? '—' : `${v.bound ? '≤ ' : ''}${Math.round(v.m)} m`);
  set('fog', v ? `fog ${v.fogClass}` : '—');
  const o = s ? s.obstacle : null;
  set('obstacle', !o ? '—' : o.present ? `${metres(o.rangeM)} · ${s.level}` : 'none');
  set('obstacle-source', !o ? '—' : o.present ? `${o.source}${o.ttcS == null ? '' : ` · ${o.ttcS.toFixed(0)} s`}` : 'track ahead clear');
  const out = s ? s.outputs : null;
  for (const c of ['green', 'amber', 'red']) $('lamp-' + c).classList.toggle('on', !!out && out[c] === 'on');
  set('buzzer', !out ? 'buzzer —' : out.buzzerSilenced ? 'buzzer SILENCED' : out.buzzer === 'on' ? 'BUZZER ON' : 'buzzer off');
}

function renderRoute(route, blank) {
  const box = $('route-box');
  const rows = [];
  let state;
  if (blank) state = '—';
  else if (!route || route.state === 'no-route') state = 'no route loaded';
  else if (route.state === 'position-unknown') state = 'POSITION UNKNOWN' + (route.reason ? ` · ${UNKNOWN[route.reason] || route.reason}` : '');
  else {
    state = '';
    for (const l of (route.next || []).slice(0, 3)) {
      const li = document.createElement('li');
      const kind = l.kind === 'speed-restriction' && l.speedLimitKmh != null ? `SR ${l.speedLimitKmh}` : KINDS[l.kind] || String(l.kind).toUpperCase();
      for (const [text, cls] of [[kind, 'kind ' + l.kind], [l.name, 'name'], [metres(l.distanceM), 'dist'], [mmss(l.timeS), 'time']]) {
        const span = document.createElement('span'); span.className = cls; span.textContent = text; li.appendChild(span);
      }
      rows.push(li);
    }
    if (!rows.length) state = 'no landmark ahead';
  }
  box.className = 'panel route' + (state.startsWith('POSITION UNKNOWN') ? ' unknown' : rows.length ? '' : ' idle');
  set('route-title', route && route.state === 'on-route' && route.line ? `Next · ${route.line} ${route.direction || ''}` : 'Next landmarks');
  set('route-state', state);
  $('landmarks').replaceChildren(...rows);
}

function stale(on) {
  document.body.classList.toggle('stale', on);
  set('conn', on ? 'CONNECTION LOST' : 'live');
  $('conn').className = 'conn ' + (on ? 'bad' : 'ok');
  if (!on || $('level').textContent === 'NO DATA') return;
  render(null);
  $('level-box').className = 'band stale';
  set('level', 'NO DATA');
  set('reasons', current ? `last known ${current.level} · connection lost` : 'no connection to the daemon');
}

function theme(name) {
  const night = name === 'night';
  document.body.classList.toggle('night', night);
  document.body.classList.toggle('day', !night);
  set('theme', night ? 'DAY' : 'NIGHT');
  localStorage.setItem(THEME, night ? 'night' : 'day');
}

const asked = new URLSearchParams(location.search).get('theme');
theme(asked === 'night' || asked === 'day' ? asked : localStorage.getItem(THEME) || 'day');
$('theme').addEventListener('click', () => theme(document.body.classList.contains('night') ? 'day' : 'night'));
kavachLive({
  status: render,
  level: m => showLevel(m.level, m.reasons),
  stale,
});
