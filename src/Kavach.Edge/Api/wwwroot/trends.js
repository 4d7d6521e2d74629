// Trends on the status page (docs/api.md "The status page"): charts drawn by uPlot (npm, embedded at build time).
// "Last 15 min (live)": seeded by /api/trends (1 s steps) and re-seeded every minute from storage; between seeds each
// WebSocket status (1 Hz) appends the floor's visibility, the obstacle's range and time to collision, the level and each
// sensor's frame rate (from its frame count). Other periods come from /api/trends alone (downsampled in SQL).
// window.kavachTrends.data() returns what each chart draws (tests read it back).
'use strict';
const kavachTrends = (() => {
  const LIVE_S = 900, RESEED_MS = 60000;
  const LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'FAULT'];
  const LEVEL_FILL = { LOW: '#006b2d', MEDIUM: '#ffbf00', HIGH: '#c4000a' };
  const LEVEL_TEXT = { LOW: '#fff', MEDIUM: '#000', HIGH: '#fff', FAULT: '#fff' };
  // IMD fog bands (docs/protocols.md §5), metres: very dense ≤ 50, dense ≤ 200, moderate ≤ 500, shallow ≤ 1000.
  const FOG = [[0, 50, 'very dense', '#8a8a8a'], [50, 200, 'dense', '#b0b0b0'], [200, 500, 'moderate', '#d0d0d0'], [500, 1000, 'shallow', '#ececec']];
  const SENSOR_STYLE = [{ stroke: '#0040c0', dash: undefined }, { stroke: '#000', dash: [12, 6] }, { stroke: '#8000a0', dash: [3, 4] }, { stroke: '#a05000', dash: [16, 4, 3, 4] }];
  const FONT = 'bold 14px system-ui, sans-serif';
  let api = null, mode = 'live', page = null, charts = {}, sensorNames = [], mediumM = 500, lastFrames = null, reseed = null, firstDrawMs = null, loading = 0;

  const axis = (extra = {}) => ({ stroke: '#000', font: FONT, labelFont: FONT, grid: { stroke: '#bbb', width: 1 }, ticks: { stroke: '#000' }, ...extra });
  const opts = (title, series, extra = {}) => ({
    title, width: width(), height: 190, series: [{}, ...series],
    scales: { x: { time: true }, ...(extra.scales || {}) },
    axes: [axis(), axis({ size: 64, ...(extra.yAxis || {}) }), ...(extra.moreAxes || [])],
    legend: { live: false }, cursor: { drag: { x: false, y: false } },
    hooks: { ...(extra.hooks || {}), draw: [...((extra.hooks || {}).draw || []), () => { if (firstDrawMs == null && page && page.t.length) firstDrawMs = performance.now(); }] },
  });
  const width = () => Math.max(280, ($('trends').clientWidth || 600) - 24);
  const line = (label, stroke, dash, more = {}) => ({ label, stroke, width: 3, dash, spanGaps: false, points: { show: false }, ...more });

  function fillBands(u) { // fog bands behind the visibility line, with their names; the MEDIUM line on top
    const { ctx, bbox } = u;
    ctx.save();
    ctx.font = FONT;
    for (const [lo, hi, name, colour] of FOG) {
      const y0 = u.valToPos(Math.max(lo, u.scales.y.min), 'y', true), y1 = u.valToPos(Math.min(hi, u.scales.y.max), 'y', true);
      if (y0 <= y1) continue;
      ctx.fillStyle = colour;
      ctx.fillRect(bbox.left, y1, bbox.width, y0 - y1);
      ctx.fillStyle = '#000';
      if (y0 - y1 > 16) ctx.fillText(name, bbox.left + 6, y1 + 15);
    }
    ctx.restore();
  }
  function mediumLine(u) {
    const { ctx, bbox } = u, y = u.valToPos(mediumM, 'y', true);
    ctx.save();
    ctx.strokeStyle = '#c4000a'; ctx.lineWidth = 3; ctx.setLineDash([10, 6]);
    ctx.beginPath(); ctx.moveTo(bbox.left, y); ctx.lineTo(bbox.left + bbox.width, y); ctx.stroke();
    ctx.font = FONT; ctx.fillStyle = '#c4000a';
    ctx.fillText(`MEDIUM ≤ ${mediumM} m`, bbox.left + bbox.width - 150, y - 6);
    ctx.restore();
  }

  let stripes = null;
  function faultPattern(ctx) { // FAULT: black/amber stripes, as on the level box
    if (stripes) return stripes;
    const c = document.createElement('canvas'); c.width = c.height = 24;
    const g = c.getContext('2d');
    g.fillStyle = '#000'; g.fillRect(0, 0, 24, 24);
    g.strokeStyle = '#ffbf00'; g.lineWidth = 8;
    g.beginPath(); g.moveTo(-6, 30); g.lineTo(30, -6); g.stroke();
    g.beginPath(); g.moveTo(-18, 18); g.lineTo(18, -18); g.stroke();
    g.beginPath(); g.moveTo(6, 42); g.lineTo(42, 6); g.stroke();
    return (stripes = ctx.createPattern(c, 'repeat'));
  }
  // The level band: each run of one level filled in its colour up to its step height (LOW lowest, FAULT highest: shape as
  // well as colour) and named in text; buckets without stored data are left blank and say NO DATA.
  function levelBand(u) {
    const { ctx, bbox } = u, [t, v] = u.data, step = page ? page.step : 1;
    ctx.save();
    ctx.font = FONT; ctx.textBaseline = 'middle';
    for (let i = 0; i < t.length;) {
      let j = i + 1;
      while (j < t.length && v[j] === v[i]) j++;
      const x0 = Math.max(bbox.left, u.valToPos(t[i], 'x', true)), x1 = Math.min(bbox.left + bbox.width, u.valToPos(j < t.length ? t[j] : t[j - 1] + step, 'x', true));
      const name = v[i] == null ? 'NO DATA' : LEVELS[v[i] - 1], top = v[i] == null ? bbox.top : u.valToPos(v[i] + 0.5, 'y', true);
      if (x1 > x0) {
        ctx.fillStyle = v[i] == null ? '#fff' : name === 'FAULT' ? faultPattern(ctx) : LEVEL_FILL[name];
        if (v[i] != null) ctx.fillRect(x0, top, x1 - x0, bbox.top + bbox.height - top);
        const w = ctx.measureText(name).width;
        if (x1 - x0 > w + 8) {
          const y = v[i] == null ? bbox.top + bbox.height / 2 : (top + bbox.top + bbox.height) / 2;
          if (name === 'FAULT') { ctx.fillStyle = '#000'; ctx.fillRect((x0 + x1 - w) / 2 - 4, y - 10, w + 8, 20); }
          ctx.fillStyle = v[i] == null ? '#555' : LEVEL_TEXT[name];
          ctx.fillText(name, (x0 + x1 - w) / 2, y);
        }
      }
      i = j;
    }
    ctx.restore();
  }

  function build() {
    for (const c of Object.values(charts)) c.destroy();
    charts = {};
    const el = id => { const d = $(id); d.replaceChildren(); return d; };
    const data = view();
    charts.visibility = new uPlot(opts('Visibility, m (IMD fog bands shaded; log scale)', [line('visibility m', '#000')], {
      scales: { y: { distr: 3, log: 10, range: (u, min, max) => [Math.min(20, min || 20), Math.max(2000, max || 2000)] } },
      hooks: { drawClear: [fillBands], draw: [mediumLine] },
    }), data.visibility, el('chart-visibility'));
    charts.obstacle = new uPlot(opts('Nearest obstacle, m · time to collision, s', [line('range m', '#0040c0'), line('ttc s', '#c4000a', [10, 5], { scale: 's' })], {
      scales: { y: { range: (u, min, max) => [0, Math.max(50, max || 50)] }, s: { range: (u, min, max) => [0, Math.max(30, max || 30)] } },
      moreAxes: [axis({ scale: 's', side: 1, grid: { show: false } })],
    }), data.obstacle, el('chart-obstacle'));
    charts.level = new uPlot(opts('Level', [line('level', '#000', undefined, { paths: uPlot.paths.stepped({ align: 1 }) })], {
      scales: { y: { range: [0.5, 4.5] } },
      yAxis: { values: (u, splits) => splits.map(s => LEVELS[s - 1] || ''), splits: () => [1, 2, 3, 4], size: 80 },
      hooks: { drawClear: [levelBand] },
    }), data.level, el('chart-level'));
    const sensorChart = (key, title, id) => {
      charts[key] = new uPlot(opts(title, data[key].labels.map((n, i) => line(n, SENSOR_STYLE[i % 4].stroke, SENSOR_STYLE[i % 4].dash))), data[key].data, el(id));
    };
    sensorChart('frameRate', 'Frame rate per sensor, Hz', 'chart-frames');
    sensorChart('noReturn', 'No-return ratio per sensor (0–1)', 'chart-noreturn');
    sensorChart('strength', 'LiDAR return strength', 'chart-strength');
    sensorChart('snr', 'Radar SNR, dB', 'chart-snr');
  }

  const KEYS = { lidar: ['frameRateHz', 'noReturn', 'rangeM', 'strength'], radar: ['frameRateHz', 'noReturn', 'rangeM', 'snrDb', 'ttcS'], camera: ['frameRateHz', 'visibilityM'], other: ['frameRateHz'] };
  const SENSOR_CHARTS = { frameRate: ['frameRateHz', null], noReturn: ['noReturn', null], strength: ['strength', 'lidar'], snr: ['snrDb', 'radar'] };
  // What each chart draws, from the page (uPlot's data: [t, ...series]).
  function view() {
    const p = page || { t: [], series: {}, level: [], sensors: [] };
    const s = k => p.series[k] || p.t.map(() => null);
    const out = {
      visibility: [p.t, s('visibilityM').map(v => v == null ? null : Math.max(1, v))],
      obstacle: [p.t, s('rangeM'), s('ttcS')],
      level: [p.t, p.level.map(l => l == null ? null : LEVELS.indexOf(l) + 1)],
    };
    for (const [key, [field, kind]] of Object.entries(SENSOR_CHARTS)) {
      const list = p.sensors.filter(x => (!kind || x.kind === kind) && x.series[field]);
      out[key] = { labels: list.map(x => x.name), data: [p.t, ...list.map(x => x.series[field])] };
    }
    return out;
  }

  function draw() {
    const data = view();
    const names = data.frameRate.labels.join(',') + '|' + data.noReturn.labels.join(',') + '|' + data.strength.labels.join(',') + '|' + data.snr.labels.join(',');
    if (!charts.visibility || names !== sensorNames) { sensorNames = names; build(); return; }
    charts.visibility.setData(data.visibility);
    charts.obstacle.setData(data.obstacle);
    charts.level.setData(data.level);
    for (const key of Object.keys(SENSOR_CHARTS)) charts[key].setData(data[key].data);
  }

  async function load(from, to) {
    const id = ++loading;
    const q = new URLSearchParams();
    if (from != null) q.set('from', String(from));
    if (to != null) q.set('to', String(to));
    if (mode === 'live') q.set('step', '1');
    set('trends-note', 'loading…');
    try {
      const r = await api('GET', '/api/trends?' + q);
      const j = await r.json();
      if (id !== loading) return; // a later choice won
      if (!r.ok) { set('trends-note', `refused: ${j.detail || j.error}`); return; }
      page = j;
      if (j.mediumVisibilityM) mediumM = j.mediumVisibilityM;
      set('trends-note', `${new Date(j.from * 1000).toLocaleString()} – ${new Date(j.to * 1000).toLocaleString()}, one point per ${j.step} s` +
        (mode === 'live' ? '; live' : ''));
      draw();
    } catch (e) { if (id === loading) set('trends-note', 'failed: ' + e.message); }
  }

  function live() {
    mode = 'live';
    const now = Math.floor(Date.now() / 1000);
    clearInterval(reseed);
    reseed = setInterval(() => { if (mode === 'live') load(Math.floor(Date.now() / 1000) - LIVE_S); }, RESEED_MS);
    return load(now - LIVE_S);
  }

  // A status from the WebSocket: appended in live mode after the last stored second (re-seeding replaces it with storage's).
  function status(s) {
    const at = Math.floor(new Date(s.utc).getTime() / 1000);
    const frames = Object.fromEntries(s.sensors.map(x => [x.name, x.frames]));
    const prev = lastFrames;
    lastFrames = { at, frames };
    if (mode !== 'live' || !page || (page.t.length && at <= page.t[page.t.length - 1])) return;
    const n = page.t.length;
    for (const x of s.sensors) // a sensor with nothing stored in the window yet: its series start here
      if (!page.sensors.some(y => y.name === x.name))
        page.sensors.push({ name: x.name, kind: x.kind, series: Object.fromEntries(KEYS[x.kind in KEYS ? x.kind : 'other'].map(k => [k, page.t.map(() => null)])) });
    page.t.push(at);
    page.series.visibilityM.push(s.visibility.m);
    page.series.rangeM.push(s.obstacle.present ? s.obstacle.rangeM : null);
    page.series.ttcS.push(s.obstacle.present ? s.obstacle.ttcS : null);
    page.series.coverage.push(1);
    page.level.push(s.starting ? 'FAULT' : s.level);
    for (const x of page.sensors) {
      for (const k of Object.keys(x.series)) x.series[k].push(null);
      if (prev && prev.frames[x.name] != null && frames[x.name] != null && at > prev.at)
        x.series.frameRateHz[n] = Math.round((frames[x.name] - prev.frames[x.name]) / (at - prev.at) * 100) / 100;
    }
    const cut = page.t.findIndex(t => t >= at - LIVE_S);
    if (cut > 0) {
      page.t.splice(0, cut); page.level.splice(0, cut);
      for (const a of Object.values(page.series)) a.splice(0, cut);
      for (const x of page.sensors) for (const a of Object.values(x.series)) a.splice(0, cut);
    }
    draw();
  }

  function choose() {
    const v = $('trends-period').value, now = Math.floor(Date.now() / 1000);
    $('trends-custom').hidden = v !== 'custom';
    if (v === 'live') { live(); return; }
    mode = v; clearInterval(reseed);
    if (v === 'custom') {
      const f = $('trends-from').value, t = $('trends-to').value;
      if (!f || !t) { set('trends-note', 'choose from and to, then Show'); return; }
      load(new Date(f).toISOString(), new Date(t).toISOString());
      return;
    }
    load(now - Number(v), now);
  }

  function started(l) {
    if (api) return;
    api = l.api;
    $('trends-period').addEventListener('change', choose);
    $('trends-show').addEventListener('click', choose);
    let resize = null;
    window.addEventListener('resize', () => { clearTimeout(resize); resize = setTimeout(() => { for (const c of Object.values(charts)) c.setSize({ width: width(), height: 190 }); }, 200); });
    live();
  }

  const data = () => {
    const out = { mode, step: page ? page.step : null };
    for (const [k, c] of Object.entries(charts)) out[k] = { series: c.series.slice(1).map(s => s.label), data: c.data.map(a => Array.from(a)) };
    return out;
  };
  return { started, status, data, firstDrawMs: () => firstDrawMs };
})();
window.kavachTrends = kavachTrends;
