// A pool's charts (#/pools/ID/forecast), drawn with Chart.js (vendored, see js/vendor/chartjs): demand of all pools
// over the last 24 hours, the pool's 48-hour forecast per model against its actual requests with each model's recent
// accuracy, and a backtest of spare policies over the pool's recorded demand (admins run it; earlier ones are listed
// and can be shown again).
import { api, el } from '../../api.js';

const charts = {};
const hourLabel = iso => { const d = new Date(iso); return `${d.getDate()}. ${String(d.getHours()).padStart(2, '0')}:00`; };
const COLORS = ['#2563eb', '#b91c1c', '#15803d', '#a16207', '#7c3aed', '#0e7490', '#be185d', '#4d7c0f', '#c2410c',
  '#1e3a8a', '#9d174d', '#365314'];

function draw(id, config) {
  if (charts[id] && charts[id].canvas && !charts[id].canvas.isConnected) {
    charts[id].destroy();
    delete charts[id];
  }
  if (charts[id]) {
    charts[id].data = config.data;
    charts[id].update('none');
    return;
  }
  charts[id] = new window.Chart(document.getElementById(id), config);
}

function status(id, text) {
  document.getElementById(id).textContent = text || '';
}

/** Requests, warm hits, cold starts, failures and sessions in use per hour over the last 24 hours, all pools. */
async function refreshDemand() {
  const hours = await api('GET', '/api/audit/demand?hours=24');
  draw('demand-chart', {
    type: 'bar',
    data: {
      labels: hours.map(h => hourLabel(h.hour)),
      datasets: [
        { label: 'warm hits', data: hours.map(h => h.warmHits), backgroundColor: '#86efac', stack: 'requests' },
        { label: 'cold starts', data: hours.map(h => h.coldStarts), backgroundColor: '#fcd34d', stack: 'requests' },
        { label: 'failed', data: hours.map(h => h.failed), backgroundColor: '#b91c1c', stack: 'requests' },
        { label: 'waiting or ended unserved', data: hours.map(h => Math.max(0, h.requested - h.warmHits - h.coldStarts - h.failed)),
          backgroundColor: '#cbd5e1', stack: 'requests' },
        { label: 'desktops in use (peak)', data: hours.map(h => h.concurrent), type: 'line', borderColor: '#15803d',
          backgroundColor: '#15803d', tension: 0.2 },
        { label: 'idle spare-minutes', data: hours.map(h => h.idleSpareMinutes), type: 'line', borderColor: '#64748b',
          borderDash: [4, 4], yAxisID: 'minutes' }
      ]
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { stacked: true, beginAtZero: true,
      title: { display: true, text: 'sessions' } }, x: { stacked: true },
      minutes: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
        title: { display: true, text: 'idle spare-minutes' } } } }
  });
}

/** The selected pool's 48-hour forecast per model against the requests of the last 48 hours. */
async function refreshForecast(poolId) {
  const view = await api('GET', `/api/pools/${encodeURIComponent(poolId)}/forecast`);
  if (view.status !== 'READY') {
    status('forecast-status', view.detail);
  } else {
    status('forecast-status', `From ${view.historyHours} hours of history, issued ${new Date(view.issuedAt).toLocaleString()}.`);
  }
  const hours = new Set(view.actual.map(a => a.hour));
  view.models.forEach(m => { m.forecast.forEach(f => hours.add(f.hour)); m.earlier.forEach(f => hours.add(f.hour)); });
  const axis = [...hours].sort();
  const series = points => { const byHour = Object.fromEntries(points.map(p => [p.hour, p.requests])); return axis.map(h => byHour[h] ?? null); };
  const datasets = [{ label: 'actual requests', data: series(view.actual), borderColor: '#0f172a', backgroundColor: '#0f172a' }];
  view.models.forEach((m, i) => {
    datasets.push({ label: `${m.model} forecast`, data: series(m.forecast), borderColor: COLORS[i], backgroundColor: COLORS[i] });
    if (m.earlier.length) {
      datasets.push({ label: `${m.model} a day earlier`, data: series(m.earlier), borderColor: COLORS[i], borderDash: [4, 4] });
    }
  });
  draw('forecast-chart', { type: 'line', data: { labels: axis.map(hourLabel), datasets },
    options: { animation: false, maintainAspectRatio: false, spanGaps: false, elements: { point: { radius: 0 } },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'requests per hour' } } } } });
  document.getElementById('forecast-accuracy').replaceChildren(...view.models.map(m => el('tr', {},
    el('td', {}, m.model), el('td', {}, fixed(m.recentMae)), el('td', {}, fixed(m.recentSmape)), el('td', {}, fixed(m.recentMase)))));
}

const fixed = v => v === null || v === undefined ? '–' : Number(v).toFixed(2);

function defaultPolicies(zone) {
  const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
  return [0, 1, 2, 4, 8].map(n => ({ type: 'STATIC', spares: n }))
    .concat([{ type: 'SCHEDULE', zone, otherwise: 1, windows: [
      { days: weekdays, from: '07:00', to: '10:00', spares: 8 }, { days: weekdays, from: '10:00', to: '17:00', spares: 3 }] },
    { type: 'PREDICTIVE', safetyMargin: 0.5, minSpare: 1, maxSpare: 30 },
    { type: 'PREDICTIVE', safetyMargin: 1.0, minSpare: 1, maxSpare: 30 }]);
}

async function runBacktest(poolId) {
  const days = Number(document.getElementById('backtest-days').value);
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400000);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  status('backtest-status', 'Running…');
  const report = await api('POST', `/api/pools/${encodeURIComponent(poolId)}/backtests`,
    { from: from.toISOString(), to: to.toISOString(), policies: defaultPolicies(zone) });
  showBacktest(report);
  await refreshBacktests(poolId);
}

const when = iso => new Date(iso).toLocaleString();

/** Draws one backtest's figures: warm-hit rate against idle spare-hours per policy, and the table. */
function showBacktest(report) {
  status('backtest-status', `${when(report.from)} to ${when(report.to)}: ${report.requests} recorded requests, `
    + `${report.leadTimes} lead times (median ${report.leadTimeP50Seconds.toFixed(0)} s), ${report.millis} ms; `
    + `run by ${report.requestedBy} at ${when(report.requestedAt)}.`);
  draw('backtest-chart', { type: 'scatter', data: { datasets: report.results.map((r, i) => ({ label: r.label,
      data: [{ x: r.idleSpareHours, y: 100 * r.warmHitRate }], backgroundColor: COLORS[i % COLORS.length], pointRadius: 6,
      clip: 8 })) },
    options: { animation: false, maintainAspectRatio: false, scales: {
      x: { beginAtZero: true, title: { display: true, text: 'idle spare-hours' } },
      y: { min: 0, max: 100, title: { display: true, text: 'warm-hit rate (%)' } } } } });
  document.getElementById('backtest-results').replaceChildren(...report.results.map(r => el('tr', {},
    el('td', {}, r.label), el('td', {}, (100 * r.warmHitRate).toFixed(1) + ' %'), el('td', {}, r.waitP50Seconds.toFixed(0)),
    el('td', {}, r.waitP95Seconds.toFixed(0)), el('td', {}, r.idleSpareHours.toFixed(1)), el('td', {}, r.peakDesktops),
    el('td', {}, r.provisionings))));
}

/** The backtests run on the pool before, newest first (the latest 20), each with a button that shows it again. */
async function refreshBacktests(poolId) {
  const runs = await api('GET', `/api/pools/${encodeURIComponent(poolId)}/backtests?limit=20`);
  document.getElementById('backtest-earlier').replaceChildren(...runs.map(run => el('tr', { 'data-id': run.id },
    el('td', {}, when(run.requestedAt)), el('td', {}, run.requestedBy),
    el('td', {}, `${when(run.from)} – ${when(run.to)}`), el('td', {}, run.results.map(r => r.label).join(', ')),
    el('td', {}, run.requests),
    el('td', {}, el('button', { type: 'button', class: 'backtest-show', onclick: () =>
      showBacktest(run) }, 'Show')))));
}

const DEMAND_MS = 60000;

/** Draws the charts of one pool into root. */
export function poolCharts(root, ctx, poolId) {
  root.append(
    el('h3', {}, 'Demand of all pools, last 24 hours'),
    el('div', { class: 'chart plot' }, el('canvas', { id: 'demand-chart', height: 220, role: 'img', 'aria-label': 'Demand per hour' })),
    el('h3', {}, 'Forecast ', el('span', { id: 'forecast-status', class: 'muted' })),
    el('div', { class: 'chart plot' }, el('canvas', { id: 'forecast-chart', height: 240, role: 'img',
      'aria-label': 'Forecast against actual requests' })),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Model'), el('th', {}, 'MAE (last week)'), el('th', {}, 'sMAPE %'),
      el('th', {}, 'MASE'))), el('tbody', { id: 'forecast-accuracy' })),
    el('h3', {}, 'Backtest of spare policies'),
    el('div', { class: 'card' }, el('label', {}, 'Last ', el('input', { id: 'backtest-days', type: 'number', min: 1, max: 56, value: 14 }), ' days'),
      ' ', el('button', { id: 'backtest-run', type: 'button', ...(ctx.admin ? {} : { hidden: '' }) }, 'Run backtest'), ' ',
      el('span', { id: 'backtest-status', class: 'muted' })),
    el('div', { class: 'chart plot' }, el('canvas', { id: 'backtest-chart', height: 260, role: 'img',
      'aria-label': 'Warm-hit rate against idle spare-hours' })),
    el('table', {}, el('thead', {}, el('tr', {}, ...['Policy', 'Warm hits', 'Wait p50 (s)', 'Wait p95 (s)', 'Idle spare-hours',
      'Peak desktops', 'Provisionings'].map(h => el('th', {}, h)))), el('tbody', { id: 'backtest-results' })),
    el('h3', {}, 'Earlier backtests'),
    el('table', {}, el('thead', {}, el('tr', {}, ...['Run at', 'By', 'Period', 'Policies', 'Requests', '']
      .map(h => el('th', {}, h)))), el('tbody', { id: 'backtest-earlier' })));
  document.getElementById('backtest-run').addEventListener('click', () =>
    runBacktest(poolId).catch(e => { status('backtest-status', ''); ctx.error(e.message); }));
  ctx.every(DEMAND_MS, () => refreshDemand());
  refreshForecast(poolId).catch(e => ctx.error(e.message));
  refreshBacktests(poolId).catch(e => ctx.error(e.message));
}
