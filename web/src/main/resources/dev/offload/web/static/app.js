'use strict';

// The Offload dashboard: a one-page app with hash routes over the JSON API, kept live by one
// server-sent event stream. Every piece of data (job names, arguments, results, errors, stack
// traces) reaches the page as a text node: el() never parses HTML, so whatever someone enqueued
// shows as text and nothing in it can run.

const PAGE_SIZES = [25, 50, 100];
const PAGE_SIZE_KEY = 'offload.pageSize';
const SEARCH_DELAY_MILLIS = 300;
const STATES = ['pending', 'scheduled', 'working', 'succeeded', 'failed'];
const ARM_MILLIS = 3000;
const TIME_REFRESH_MILLIS = 10000;

const app = { session: null, snapshot: null, view: null };
const main = document.getElementById('main');

// ---- DOM helpers ---------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function link(hash, ...children) {
  return el('a', { href: hash }, ...children);
}

function badge(text, kind) {
  return el('span', { class: 'badge ' + (kind || String(text).toLowerCase()) }, text);
}

function num(value) {
  return Number(value || 0).toLocaleString();
}

function plural(count, noun) {
  return num(count) + ' ' + noun + (count === 1 ? '' : 's');
}

function time(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  return isNaN(date) ? String(value) : date.toLocaleString();
}

function relative(at, now) {
  const seconds = Math.round((now - at) / 1000);
  const size = Math.abs(seconds);
  let text;
  if (size < 5) return 'just now';
  if (size < 60) text = size + ' s';
  else if (size < 3600) text = Math.floor(size / 60) + ' min';
  else if (size < 86400) text = Math.floor(size / 3600) + ' h';
  else text = Math.floor(size / 86400) + ' d';
  return seconds > 0 ? text + ' ago' : 'in ' + text;
}

// "3 min ago", with the exact time on hover; refreshTimes() keeps the text current
function ago(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  if (isNaN(date)) return String(value);
  return el('time', { class: 'rel', datetime: date.toISOString(), title: time(date), 'data-at': date.getTime() },
    relative(date.getTime(), Date.now()));
}

function refreshTimes() {
  const now = Date.now();
  for (const node of document.querySelectorAll('time.rel')) {
    node.textContent = relative(Number(node.getAttribute('data-at')), now);
  }
}

function pageSize() {
  const stored = Number(localStorage.getItem(PAGE_SIZE_KEY));
  return PAGE_SIZES.includes(stored) ? stored : PAGE_SIZES[0];
}

// A choice of 25, 50 or 100 rows a page, remembered in this browser.
function pageSizeChoice(onChange) {
  const select = el('select', { class: 'page-size-select', 'aria-label': 'rows per page' },
    PAGE_SIZES.map((size) => el('option', { value: size, selected: size === pageSize() }, String(size))));
  select.addEventListener('change', () => {
    localStorage.setItem(PAGE_SIZE_KEY, select.value);
    onChange(Number(select.value));
  });
  return el('label', { class: 'page-size' }, 'Rows', select);
}

function duration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}

function bytes(value) {
  if (value === null || value === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let size = Number(value);
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return (unit === 0 ? size : size.toFixed(size < 10 ? 1 : 0)) + ' ' + units[unit];
}

// an exact time followed by how long ago it was
function when(value) {
  return value === null || value === undefined ? null : [time(value), ' (', ago(value), ')'];
}

function pretty(json) {
  if (json === null || json === undefined) return '';
  try {
    return JSON.stringify(typeof json === 'string' ? JSON.parse(json) : json, null, 2);
  } catch (e) {
    return String(json);
  }
}

function hashPart(value) {
  return encodeURIComponent(String(value));
}

// ---- talking to the server -----------------------------------------------------------------

async function api(path, options) {
  const method = (options && options.method) || 'GET';
  const headers = { 'X-Offload-Ui': '1' };
  let body;
  if (method === 'POST') {
    headers['X-Offload-Csrf'] = app.session.csrfToken;
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify((options && options.body) || {});
  }
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  if (response.status === 401) {
    location.href = '/login';
    throw new Error('log in first');
  }
  if (!response.ok) {
    const error = new Error((await response.text()).trim() || response.statusText);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

function post(path, body) {
  return api(path, { method: 'POST', body });
}

function toast(message, bad) {
  const box = el('div', { class: 'toast' + (bad ? ' bad' : ''), role: bad ? 'alert' : 'status' }, message);
  document.getElementById('toasts').append(box);
  setTimeout(() => box.remove(), bad ? 8000 : 4000);
}

// A button that runs a change and reports how it went; the data refreshes through the stream.
function action(label, run, options) {
  const opts = options || {};
  const button = el('button', { type: 'button', class: 'control ' + (opts.class || ''), 'data-action': opts.name || label });
  button.textContent = label;
  let armedUntil = 0;
  button.addEventListener('click', async () => {
    if (opts.ask && !(await confirmDialog(opts.ask(), opts.askYes || label))) return;
    if (opts.confirm && Date.now() > armedUntil) {
      // destructive: the first click arms the button, a second one within a few seconds acts
      armedUntil = Date.now() + ARM_MILLIS;
      button.textContent = opts.confirm;
      button.classList.add('armed');
      setTimeout(() => {
        if (Date.now() >= armedUntil) {
          button.textContent = label;
          button.classList.remove('armed');
        }
      }, ARM_MILLIS);
      return;
    }
    armedUntil = 0;
    button.disabled = true;
    try {
      const result = await run();
      if (opts.done) toast(opts.done(result));
      if (opts.after) opts.after(result);
    } catch (e) {
      toast(e.message, true);
    } finally {
      button.disabled = false;
      button.textContent = label;
      button.classList.remove('armed');
    }
  });
  return app.session.readOnly ? null : button;
}

// Reloads a view's data when the stream says it changed, one load at a time.
function reloader(load) {
  let running = false;
  let again = false;
  return async function reload() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await load();
      } while (again);
    } finally {
      running = false;
    }
  };
}

// Asks before an action on many jobs at once; resolves to whether the operator agreed.
function confirmDialog(question, yes) {
  return new Promise((resolve) => {
    const ok = el('button', { type: 'button', class: 'primary danger', 'data-confirm': 'yes' }, yes);
    const cancel = el('button', { type: 'button', 'data-confirm': 'no' }, 'Cancel');
    const dialog = el('dialog', { class: 'confirm', 'aria-label': 'Confirm' },
      el('p', {}, question), el('div', { class: 'buttons' }, cancel, ok));
    let answer = false;
    ok.addEventListener('click', () => { answer = true; dialog.close(); });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

function errorBox(message) {
  return el('p', { class: 'error', role: 'alert' }, message);
}

// ---- the live stream -----------------------------------------------------------------------

function connect() {
  const live = document.getElementById('live');
  const source = new EventSource('/api/events');
  source.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(event.data);
    app.snapshot = snapshot;
    live.textContent = 'live';
    live.classList.add('on');
    const problem = document.getElementById('problem');
    problem.textContent = snapshot.problem || '';
    problem.classList.toggle('hidden', !snapshot.problem);
    if (app.view && app.view.onSnapshot) app.view.onSnapshot(snapshot);
  });
  source.addEventListener('error', async () => {
    live.textContent = 'reconnecting';
    live.classList.remove('on');
    if (source.readyState === EventSource.CLOSED) {
      // the server refused the stream (logged out, restarted): check the session, then retry
      try {
        await api('/api/session');
      } catch (e) {
        // api() has sent the browser to the login page if that was the problem
      }
      setTimeout(connect, 3000);
    }
  });
}


// ---- overview ------------------------------------------------------------------------------

const CHART_COLORS = ['#4f46e5', '#0891b2', '#ca8a04', '#db2777', '#16a34a', '#9333ea', '#ea580c', '#0d9488'];
const RANGES = [['live', 'Last 2 min'], ['24h', '24 h'], ['30d', '30 d']];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// Throughput drawn by uPlot: the live 2 minutes from the stream, or the history kept in Redis.
function throughputChart() {
  const box = el('div', { class: 'chart', id: 'chart' });
  const note = el('p', { class: 'notice hidden', id: 'chart-note' });
  const queueSelect = el('select', { id: 'chart-queue', 'aria-label': 'queue' }, el('option', { value: '' }, 'All queues'));
  const rangeButtons = RANGES.map(([value, label]) => el('button', { type: 'button', 'data-range': value }, label));
  const head = el('div', { class: 'panel-head' },
    el('h2', {}, 'Throughput ', el('span', { class: 'sub', id: 'chart-sub' })),
    el('span', { class: 'spacer' }),
    el('span', { class: 'segmented' }, rangeButtons), queueSelect);
  const node = el('div', { class: 'panel' }, head, box, note);
  const state = { range: 'live', queue: '', plot: null, key: null, history: null };

  function setRange(range) {
    state.range = range;
    rangeButtons.forEach((b) => b.classList.toggle('active', b.getAttribute('data-range') === range));
    queueSelect.disabled = range === 'live';
    loadHistory();
  }
  rangeButtons.forEach((b) => b.addEventListener('click', () => setRange(b.getAttribute('data-range'))));
  queueSelect.addEventListener('change', () => {
    state.queue = queueSelect.value;
    loadHistory();
  });

  function draw(key, series, data, seconds) {
    if (!window.uPlot) {
      note.textContent = 'The chart library did not load.';
      note.classList.remove('hidden');
      return;
    }
    note.classList.add('hidden');
    const width = Math.max(240, box.clientWidth || 600);
    if (state.plot && state.key === key) {
      state.plot.setData(data);
      return;
    }
    if (state.plot) state.plot.destroy();
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--line'), width: 1 }, ticks: { stroke: cssVar('--line'), width: 1 } };
    state.key = key;
    state.plot = new uPlot({
      width,
      height: 200,
      series: [{ label: seconds ? 'seconds' : 'time', value: seconds ? (u, v) => (v === null ? '' : v + ' s') : undefined }, ...series],
      axes: [seconds ? { ...axis, values: (u, ticks) => ticks.map((t) => (t === 0 ? 'now' : t + ' s')) } : axis, { ...axis, size: 46 }],
      scales: { x: { time: !seconds }, y: { range: (u, min, max) => [0, Math.max(4, max)] } },
      cursor: { drag: { x: false, y: false } },
    }, data, box);
    app.chart = state.plot;
  }

  function drawLive(snapshot) {
    if (state.range !== 'live' || !snapshot.throughput) return;
    const t = snapshot.throughput;
    // the last second is still filling up: the chart ends with the one before it
    const n = t.succeeded.length - 1;
    const x = Array.from({ length: n }, (_, i) => i - n + 1);
    const line = (label, color, dash) => ({ label, stroke: color, width: 2, dash, points: { show: false } });
    draw('live', [line('queued /s', cssVar('--queued'), [4, 3]), line('succeeded /s', cssVar('--ok')), line('failed /s', cssVar('--bad'))],
      [x, t.queued.slice(0, n), t.succeeded.slice(0, n), t.failed.slice(0, n)], true);
    document.getElementById('chart-sub').textContent = 'jobs per second, last 2 minutes';
  }

  async function loadHistory() {
    if (state.range === 'live') {
      state.key = null;
      if (app.snapshot) drawLive(app.snapshot);
      return;
    }
    let history;
    try {
      history = await api('/api/history?range=' + state.range + (state.queue ? '&queue=' + hashPart(state.queue) : ''));
    } catch (e) {
      note.textContent = e.status === 404 ? 'This dashboard keeps no history.' : e.message;
      note.classList.remove('hidden');
      if (e.status === 404) rangeButtons.slice(1).forEach((b) => b.classList.add('hidden'));
      return;
    }
    if (state.range === 'live') return;
    state.history = history;
    const names = Object.keys(history.queues).sort();
    const series = [];
    const data = [history.t.map((ms) => ms / 1000)];
    names.forEach((name, i) => {
      const color = CHART_COLORS[i % CHART_COLORS.length];
      series.push({ label: name + ' processed', stroke: color, width: 2, points: { show: false } });
      series.push({ label: name + ' failed', stroke: color, width: 1.5, dash: [5, 4], points: { show: false } });
      data.push(history.queues[name].processed, history.queues[name].failed);
    });
    draw(state.range + '|' + names.join('|'), series, data, false);
    document.getElementById('chart-sub').textContent = 'jobs per ' + history.resolution + ', processed and failed, last ' + (state.range === '24h' ? '24 hours' : '30 days');
  }

  new ResizeObserver(() => {
    if (state.plot && box.clientWidth) state.plot.setSize({ width: box.clientWidth, height: 200 });
  }).observe(box);

  return {
    node,
    start() {
      setRange('live');
    },
    update(snapshot) {
      const names = (snapshot.queues || []).map((q) => q.name);
      const have = [...queueSelect.options].slice(1).map((o) => o.value);
      if (names.join('|') !== have.join('|')) {
        queueSelect.replaceChildren(el('option', { value: '' }, 'All queues'),
          ...names.map((name) => el('option', { value: name, selected: name === state.queue }, name)));
      }
      drawLive(snapshot);
    },
    refreshHistory() {
      if (state.range !== 'live') loadHistory();
    },
  };
}

function overviewView() {
  const cards = {};
  const cardRow = el('div', { class: 'cards' },
    ['pending', 'working', 'succeeded', 'failed', 'workers'].map((name) => {
      cards[name] = el('div', { class: 'value', 'data-total': name }, '–');
      return el('div', { class: 'card ' + name }, el('div', { class: 'label' }, name), cards[name]);
    }));
  const chart = throughputChart();
  const tbody = el('tbody');
  const empty = el('p', { class: 'empty hidden' }, 'No queues yet: enqueue a job or start an agent.');
  const node = el('section', {},
    cardRow,
    chart.node,
    el('div', { class: 'panel' },
      el('h2', {}, 'Queues'),
      el('div', { class: 'scroll' },
        el('table', { id: 'queues' },
          el('thead', {}, el('tr', {},
            el('th', {}, 'Queue'), el('th', { class: 'num' }, 'Pending'),
            el('th', { class: 'num hide-narrow' }, 'Scheduled'), el('th', { class: 'num' }, 'Working'),
            el('th', { class: 'num' }, 'Succeeded'), el('th', { class: 'num' }, 'Failed'),
            el('th', {}, ''))),
          tbody)),
      empty));

  const rows = new Map();

  function queueRow(queue) {
    const cells = {};
    const base = '#/queues/' + hashPart(queue.name);
    const cell = (name, cls) => {
      cells[name] = link(base + '/' + name);
      return el('td', { class: (cls || 'num') + ' ' + name }, cells[name]);
    };
    const state = el('span');
    const toggle = action('Pause', () => post('/api/queues/' + hashPart(queue.name) + (row.paused ? '/resume' : '/pause')), {
      name: 'pause',
      done: (r) => (r.paused ? 'Paused ' : 'Resumed ') + r.queue,
    });
    const row = el('tr', { 'data-queue': queue.name },
      el('td', {}, link(base, queue.name), ' ', state),
      cell('pending'), cell('scheduled', 'num hide-narrow'), cell('working'), cell('succeeded'), cell('failed'),
      el('td', { class: 'actions' }, toggle));
    row.update = (q) => {
      row.paused = q.paused;
      for (const name of STATES) cells[name].textContent = num(q[name]);
      state.replaceChildren(q.paused ? badge('paused') : '');
      if (toggle) {
        toggle.textContent = q.paused ? 'Resume' : 'Pause';
        toggle.setAttribute('data-action', q.paused ? 'resume' : 'pause');
      }
    };
    return row;
  }

  let lastHistory = 0;

  function render(snapshot) {
    if (!snapshot.queues) return;
    const totals = { pending: 0, working: 0, succeeded: 0, failed: 0 };
    const seen = new Set();
    snapshot.queues.forEach((queue, index) => {
      seen.add(queue.name);
      for (const key of Object.keys(totals)) totals[key] += queue[key];
      let row = rows.get(queue.name);
      if (!row) {
        row = queueRow(queue);
        rows.set(queue.name, row);
      }
      if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] || null);
      row.update(queue);
    });
    for (const [name, row] of rows) {
      if (!seen.has(name)) {
        row.remove();
        rows.delete(name);
      }
    }
    empty.classList.toggle('hidden', snapshot.queues.length > 0);
    for (const key of Object.keys(totals)) cards[key].textContent = num(totals[key]);
    const busy = snapshot.workers.filter((w) => w.job !== null).length;
    cards.workers.textContent = num(snapshot.workers.length);
    cards.workers.title = busy + ' busy';
    chart.update(snapshot);
    // history moves by the minute: a reload every minute is enough
    if (Date.now() - lastHistory > 60000) {
      lastHistory = Date.now();
      chart.refreshHistory();
    }
  }

  return {
    title: 'Overview',
    nav: 'overview',
    node,
    start() {
      chart.start();
      if (app.snapshot) render(app.snapshot);
    },
    onSnapshot: render,
  };
}

// ---- one queue: a tab per state ------------------------------------------------------------

const STATE_COLUMNS = {
  pending: [['Attempt', attemptCell], ['Enqueued', (j) => ago(j.enqueuedAt)]],
  scheduled: [['Due', (j) => when(j.dueAt)], ['Attempt', attemptCell]],
  working: [['Worker', (j) => (j.worker ? el('span', { class: 'mono' }, j.worker) : '–')], ['Started', (j) => ago(j.startedAt)]],
  succeeded: [['Finished', (j) => ago(j.finishedAt)], ['Took', (j) => took(j)]],
  failed: [['Error', errorCell], ['Failed', (j) => ago(j.finishedAt)], ['Attempts', attemptCell]],
};
const BULK = {
  pending: ['delete'],
  scheduled: ['retry', 'delete'],
  working: [],
  succeeded: ['delete'],
  failed: ['retry', 'delete'],
};

function attemptCell(job) {
  return job.attempt === null || job.attempt === undefined ? '' : String(job.attempt);
}

function took(job) {
  return job.startedAt && job.finishedAt ? duration(job.finishedAt - job.startedAt) : '';
}

function errorCell(job) {
  if (!job.error) return '';
  return el('span', { class: 'error-line' }, el('span', { class: 'error-type' }, job.error.type), job.error.message ? ': ' + job.error.message : '');
}

function argumentsCell(job, open) {
  if (job.arguments === null || job.arguments === undefined) return '';
  const details = el('details', { class: 'args' },
    el('summary', { class: 'mono' }, job.arguments),
    el('pre', {}, pretty(job.arguments)));
  details.open = open.has(job.id);
  details.addEventListener('toggle', () => (details.open ? open.add(job.id) : open.delete(job.id)));
  return details;
}

// Oldest pending job's age and run times per job name, from /stats.
function queueStats(queue) {
  const node = el('div', { class: 'panel', id: 'queue-stats' }, el('h2', {}, 'Latency and run times'));
  const load = reloader(async () => {
    let stats;
    try {
      stats = await api('/api/queues/' + hashPart(queue) + '/stats');
    } catch (e) {
      if (e.status === 404) node.classList.add('hidden');
      else node.replaceChildren(el('h2', {}, 'Latency and run times'), errorBox(e.message));
      return;
    }
    node.replaceChildren(
      el('h2', {}, 'Latency and run times'),
      el('p', { id: 'oldest-pending' }, 'Oldest pending job: ',
        el('strong', {}, stats.oldestPendingAgeMs === null ? 'none waiting' : duration(stats.oldestPendingAgeMs))),
      el('p', { id: 'queue-limits' }, 'Limits across all agents: ', el('strong', {}, limitsText(stats.limits))),
      stats.runTimes.length === 0 ? el('p', { class: 'notice' }, 'No job has finished on this queue yet.') : el('div', { class: 'scroll' },
        el('table', { id: 'run-times' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Job'), el('th', { class: 'num' }, 'Runs'), el('th', { class: 'num' }, 'p50'), el('th', { class: 'num' }, 'p95'))),
          el('tbody', {}, stats.runTimes.map((r) => el('tr', { 'data-name': r.name },
            el('td', { class: 'job-name mono' }, r.name), el('td', { class: 'num' }, num(r.count)),
            el('td', { class: 'num p50' }, millis(r.p50Ms)), el('td', { class: 'num p95' }, millis(r.p95Ms))))))));
  });
  return { node, load };
}

function limitsText(limits) {
  const parts = [];
  if (limits.maxRunning > 0) parts.push('at most ' + num(limits.maxRunning) + ' running at once');
  if (limits.rate > 0) parts.push(num(limits.rate) + ' starts per ' + rateWindow(limits.perMs));
  return parts.length === 0 ? 'none' : parts.join(' · ');
}

/** A rate limit's window as it was most likely given: 1 min, 10 s, 500 ms. */
function rateWindow(ms) {
  for (const [unit, size] of [['h', 3600000], ['min', 60000], ['s', 1000]]) {
    if (ms >= size && ms % size === 0) return num(ms / size) + ' ' + unit;
  }
  return num(ms) + ' ms';
}

function millis(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
}

function queueView(queue, stateParam) {
  const state = STATES.includes(stateParam) ? stateParam : 'pending';
  const base = '/api/queues/' + hashPart(queue);
  const heading = el('h1', {}, 'Queue ', el('span', { class: 'mono' }, queue));
  const pausedBadge = el('span');
  const tabs = el('nav', { class: 'tabs', id: 'state-tabs' }, STATES.map((s) => el('a', {
    href: '#/queues/' + hashPart(queue) + '/' + s, 'data-state': s, class: s === state ? 'active' : '',
  }, s, ' ', el('span', { class: 'count' }))));
  const search = el('input', { id: 'search', type: 'search', placeholder: 'Search by job name, id or arguments', 'aria-label': 'search' });
  const grouped = el('input', { id: 'group-failures', type: 'checkbox' });
  const groupToggle = state === 'failed' ? el('label', { class: 'toggle' }, grouped, ' Group by error') : null;
  const selectAll = el('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'select all on this page' });
  const selectedNote = el('span', { class: 'selected-note', id: 'selected-count' });
  const bulkBar = el('div', { class: 'bulk hidden', id: 'bulk' }, selectedNote);
  const message = el('div');
  const pager = el('div', { class: 'pager', id: 'pager' });
  const thead = el('thead');
  const tbody = el('tbody');
  const table = el('table', { id: 'jobs', 'data-state': state }, thead, tbody);
  const groups = el('div', { id: 'failure-groups', class: 'hidden' });
  const stats = queueStats(queue);
  const open = new Set();
  const selected = new Set();
  const bulkActions = app.session.readOnly ? [] : BULK[state];
  let paused = false;
  let size = pageSize();
  let cursors = [null];
  let page = null;

  const toggle = action('Pause', () => post(base + (paused ? '/resume' : '/pause')), {
    name: 'pause',
    done: (r) => (r.paused ? 'Paused ' : 'Resumed ') + r.queue,
  });
  const clearLabel = state === 'pending' ? 'Clear queue' : 'Clear ' + state;
  // failures have had their own clear route all along
  const clearAll = () => (state === 'failed' ? post(base + '/failures/clear') : post(base + '/clear', { state }));
  const clear = state === 'working' ? null : action(clearLabel, clearAll, {
    name: 'clear',
    class: 'danger',
    ask: () => 'Delete all ' + plural(count(state), state + ' job') + ' on ' + queue + '? This cannot be undone.',
    askYes: 'Delete all',
    done: (r) => 'Deleted ' + plural(r.cleared, state + ' job'),
    after: () => restart(),
  });
  const retryAll = state === 'failed' ? action('Retry all', () => post(base + '/failures/retry-all'), {
    name: 'retry-all',
    ask: () => 'Retry all ' + plural(count('failed'), 'failed job') + ' on ' + queue + '? Each goes back on its queue.',
    done: (r) => 'Queued ' + num(r.retried) + ' jobs again',
    after: () => restart(),
  }) : null;
  for (const name of bulkActions) {
    bulkBar.append(action(name === 'retry' ? 'Retry selected' : 'Delete selected', () => bulk(name), {
      name: 'bulk-' + name,
      class: name === 'delete' ? 'danger' : '',
      ask: name === 'delete' ? () => 'Delete ' + plural(selected.size, 'selected ' + state + ' job') + '?' : null,
      askYes: 'Delete',
    }));
  }

  const node = el('section', {},
    el('div', { class: 'panel' },
      el('div', { class: 'panel-head' }, heading, pausedBadge, el('span', { class: 'spacer' }), toggle, retryAll, clear),
      tabs,
      el('div', { class: 'toolbar' }, search, groupToggle, el('span', { class: 'spacer' }), pageSizeChoice((chosen) => {
        size = chosen;
        restart();
      })),
      bulkBar,
      message,
      groups,
      el('div', { class: 'scroll' }, table),
      pager),
    stats.node);

  function count(s) {
    const q = app.snapshot && app.snapshot.queues ? app.snapshot.queues.find((x) => x.name === queue) : null;
    return q ? q[s] : page ? page.total : 0;
  }

  async function bulk(name) {
    const ids = [...selected];
    const result = await post(base + '/jobs/bulk', { action: name, state, ids });
    selected.clear();
    toast((name === 'retry' ? 'Retried ' : 'Deleted ') + plural(result.done.length, 'job')
      + (result.missing.length ? '; ' + result.missing.length + ' had already moved on' : ''));
    reload();
  }

  function updateSelection() {
    const onPage = page ? page.jobs.filter((j) => j.id !== null && selected.has(j.id)).length : 0;
    const selectable = page ? page.jobs.filter((j) => j.id !== null).length : 0;
    selectAll.checked = selectable > 0 && onPage === selectable;
    selectAll.indeterminate = onPage > 0 && onPage < selectable;
    selectedNote.textContent = selected.size + ' selected';
    bulkBar.classList.toggle('hidden', selected.size === 0);
  }

  selectAll.addEventListener('change', () => {
    for (const job of page ? page.jobs : []) {
      if (job.id === null) continue;
      if (selectAll.checked) selected.add(job.id);
      else selected.delete(job.id);
    }
    for (const box of tbody.querySelectorAll('input.select')) box.checked = selectAll.checked;
    updateSelection();
  });

  const columns = STATE_COLUMNS[state];
  thead.replaceChildren(el('tr', {},
    bulkActions.length ? el('th', { class: 'check' }, selectAll) : null,
    el('th', {}, 'Job id'), el('th', {}, 'Job'), el('th', {}, 'Arguments'),
    columns.map(([label]) => el('th', { class: label === 'Attempt' || label === 'Attempts' ? 'num hide-narrow' : '' }, label))));
  const width = columns.length + 3 + (bulkActions.length ? 1 : 0);

  function jobRow(job) {
    const check = bulkActions.length ? el('td', { class: 'check' }, job.id === null ? '' : (() => {
      const box = el('input', { type: 'checkbox', class: 'select', 'aria-label': 'select job ' + job.id });
      box.checked = selected.has(job.id);
      box.addEventListener('change', () => {
        if (box.checked) selected.add(job.id);
        else selected.delete(job.id);
        updateSelection();
      });
      return box;
    })()) : null;
    const idCell = el('td', { class: 'mono' }, job.id === null ? '–' : link('#/jobs/' + hashPart(queue) + '/' + hashPart(job.id), String(job.id)));
    if (job.problem) {
      return el('tr', { class: 'malformed', 'data-job': job.id === null ? '' : job.id },
        check, idCell, el('td', { colspan: width - (check ? 2 : 1), class: 'problem' }, badge('malformed'), ' ', job.problem));
    }
    return el('tr', { 'data-job': job.id },
      check, idCell,
      el('td', { class: 'job-name' }, job.name),
      el('td', {}, argumentsCell(job, open)),
      columns.map(([label, render]) => el('td', { class: label.toLowerCase() + (label === 'Attempt' || label === 'Attempts' ? ' num hide-narrow' : '') }, render(job))));
  }

  function renderPager() {
    const index = cursors.length - 1;
    const first = page.jobs.length ? index * size + 1 : 0;
    const go = (to) => () => {
      if (to === 'first') cursors = [null];
      else if (to === 'previous') cursors.pop();
      else cursors.push(page.nextCursor);
      reload();
    };
    const button = (label, to, enabled) => el('button', { type: 'button', 'data-page': to, onclick: go(to), disabled: !enabled }, label);
    const searching = search.value.trim() !== '';
    pager.replaceChildren(
      button('« First', 'first', index > 0),
      button('‹ Previous', 'previous', index > 0),
      el('span', { class: 'where' }, page.jobs.length === 0 ? 'none' : num(first) + '–' + num(first + page.jobs.length - 1)
        + (searching ? ' matching' : ' of ' + num(page.total) + ' ' + state)),
      button('Next ›', 'next', page.nextCursor !== null && page.nextCursor !== undefined));
  }

  const reload = reloader(async () => {
    const cursor = cursors[cursors.length - 1];
    const text = search.value.trim();
    try {
      page = await api(base + '/jobs?state=' + state + '&limit=' + size
        + (cursor === null ? '' : '&cursor=' + encodeURIComponent(cursor))
        + (text ? '&search=' + encodeURIComponent(text) : ''));
    } catch (e) {
      message.replaceChildren(errorBox(e.message));
      return;
    }
    message.replaceChildren();
    tbody.replaceChildren(...page.jobs.map(jobRow));
    if (page.jobs.length === 0) {
      tbody.append(el('tr', {}, el('td', { colspan: width, class: 'empty' },
        text ? 'No ' + state + ' job matches “' + text + '”.' : cursors.length > 1 ? 'No jobs on this page any more.' : 'No ' + state + ' jobs on this queue.')));
    }
    renderPager();
    updateSelection();
  });

  const loadGroups = reloader(async () => {
    let found;
    try {
      found = await api(base + '/failures/groups');
    } catch (e) {
      groups.replaceChildren(errorBox(e.message));
      return;
    }
    const list = found.groups;
    groups.replaceChildren(list.length === 0 ? el('p', { class: 'empty' }, 'No failed jobs on this queue.') : el('table', { id: 'groups' },
      el('thead', {}, el('tr', {}, el('th', { class: 'num' }, 'Jobs'), el('th', {}, 'Error'), el('th', {}, 'Newest'))),
      el('tbody', {}, list.map((g) => el('tr', { class: 'group' },
        el('td', { class: 'num count' }, num(g.count)),
        el('td', {}, errorCell(g)),
        el('td', {}, link('#/jobs/' + hashPart(queue) + '/' + hashPart(g.newestId), String(g.newestId))))))),
      found.examined < found.total ? el('p', { class: 'note' }, 'Grouped from the newest ' + num(found.examined) + ' of ' + num(found.total) + ' failures.') : '');
  });

  function showGrouped() {
    const on = grouped.checked;
    groups.classList.toggle('hidden', !on);
    table.classList.toggle('hidden', on);
    pager.classList.toggle('hidden', on);
    search.disabled = on;
    if (on) loadGroups();
  }
  grouped.addEventListener('change', showGrouped);

  function restart() {
    cursors = [null];
    selected.clear();
    reload();
    if (grouped.checked) loadGroups();
  }

  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(restart, SEARCH_DELAY_MILLIS);
  });

  function renderQueue(snapshot) {
    const q = snapshot && snapshot.queues ? snapshot.queues.find((x) => x.name === queue) : null;
    if (!q) return;
    for (const a of tabs.querySelectorAll('a[data-state]')) {
      a.querySelector('.count').textContent = num(q[a.getAttribute('data-state')]);
    }
    paused = q.paused;
    pausedBadge.replaceChildren(paused ? badge('paused') : '');
    if (toggle) {
      toggle.textContent = paused ? 'Resume' : 'Pause';
      toggle.setAttribute('data-action', paused ? 'resume' : 'pause');
    }
  }

  return {
    title: 'Queue ' + queue,
    nav: state === 'failed' ? 'failures' : 'overview',
    node,
    start() {
      renderQueue(app.snapshot);
      stats.load();
      return reload();
    },
    onSnapshot(snapshot) {
      renderQueue(snapshot);
      if (snapshot.changedQueues.includes(queue)) {
        reload();
        stats.load();
        if (grouped.checked) loadGroups();
      }
    },
  };
}

// The failures page is the failed tab of the queue with failures, or of the first queue.
function failuresView(queue) {
  const node = el('div', { class: 'panel' }, el('p', { class: 'empty' }, 'No queues yet.'));
  return {
    title: 'Failures',
    nav: 'failures',
    node,
    async start() {
      if (queue) {
        location.replace('#/queues/' + hashPart(queue) + '/failed');
        return;
      }
      const snapshot = app.snapshot && app.snapshot.queues ? app.snapshot : await api('/api/overview');
      if (!snapshot.queues.length) return;
      const withFailures = snapshot.queues.find((q) => q.failed > 0) || snapshot.queues[0];
      location.replace('#/queues/' + hashPart(withFailures.name) + '/failed');
    },
  };
}

// ---- workers -------------------------------------------------------------------------------

function workersView() {
  const tbody = el('tbody');
  const empty = el('p', { class: 'empty hidden' }, 'No workers are registered: start an agent.');
  const node = el('section', {},
    el('div', { class: 'panel' },
      el('h1', {}, 'Workers'),
      el('div', { class: 'scroll' },
        el('table', { id: 'workers' },
          el('thead', {}, el('tr', {},
            el('th', {}, 'Worker'), el('th', {}, 'Host'), el('th', { class: 'num' }, 'PID'),
            el('th', { class: 'num hide-narrow' }, 'Child PID'), el('th', {}, 'Queues'),
            el('th', {}, 'State'), el('th', {}, 'Current job'), el('th', {}, 'For'),
            el('th', { class: 'num' }, 'Processed'), el('th', { class: 'num' }, 'Failed'),
            el('th', { class: 'num hide-narrow' }, 'Agent memory'), el('th', { class: 'num hide-narrow' }, 'Child memory'),
            el('th', { class: 'hide-narrow' }, 'Up'), el('th', {}, ''))),
          tbody)),
      empty,
      el('p', { class: 'notice' }, 'Stop lets a worker finish its current job, then ends it. Destroying a worker removes it from the registry: its agent stops it at its next heartbeat and puts its unfinished job back on the queue.')));

  const rows = new Map();

  function workerRow(worker) {
    const cells = {};
    const cell = (name, cls) => (cells[name] = el('td', { class: (cls || '') + ' ' + name }));
    const row = el('tr', { 'data-worker': worker.id },
      el('td', { class: 'mono' }, worker.id), cell('host'), cell('pid', 'num'), cell('child', 'num hide-narrow'),
      cell('queues'), cell('state'), cell('job'), cell('for'),
      cell('processed', 'num'), cell('failed', 'num'), cell('agent-memory', 'num hide-narrow'), cell('child-memory', 'num hide-narrow'),
      cell('uptime', 'hide-narrow'),
      el('td', { class: 'actions' },
        action('Stop', () => post('/api/workers/' + hashPart(worker.id) + '/stop'), {
          name: 'stop',
          done: () => 'Asked worker ' + worker.id + ' to stop; it finishes its current job first',
        }),
        action('Destroy', () => post('/api/workers/' + hashPart(worker.id) + '/destroy'), {
          name: 'destroy',
          class: 'danger',
          confirm: 'Really destroy?',
          done: () => 'Destroyed worker ' + worker.id + '; its agent stops it at its next heartbeat',
        })));
    row.update = (w, now) => {
      cells.host.textContent = w.host;
      cells.pid.textContent = w.pid;
      cells.child.textContent = w.childPid || '–';
      cells.queues.textContent = w.queues.join(', ');
      cells.state.replaceChildren(badge(w.state.toLowerCase()));
      cells.job.replaceChildren(w.job !== null
        ? link('#/jobs/' + hashPart(w.job.queue) + '/' + w.job.id, w.job.queue + ' / ' + w.job.id) : '–');
      cells.for.textContent = w.job !== null ? duration(now - new Date(w.job.startedAt).getTime()) : '';
      cells.processed.textContent = w.processed === null || w.processed === undefined ? '–' : num(w.processed);
      cells.failed.textContent = w.failed === null || w.failed === undefined ? '–' : num(w.failed);
      cells['agent-memory'].textContent = bytes(w.agentMemoryBytes);
      cells['child-memory'].textContent = bytes(w.childMemoryBytes);
      const since = w.startedAt === null || w.startedAt === undefined ? null : new Date(w.startedAt);
      cells.uptime.textContent = since && !isNaN(since) ? duration(now - since.getTime()) : '–';
      cells.uptime.title = since && !isNaN(since) ? 'up since ' + time(since) : '';
    };
    return row;
  }

  function render(workers, now) {
    const seen = new Set();
    workers.forEach((worker, index) => {
      seen.add(worker.id);
      let row = rows.get(worker.id);
      if (!row) {
        row = workerRow(worker);
        rows.set(worker.id, row);
      }
      if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] || null);
      row.update(worker, now);
    });
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.remove();
        rows.delete(id);
      }
    }
    empty.classList.toggle('hidden', workers.length > 0);
  }

  return {
    title: 'Workers',
    nav: 'workers',
    node,
    async start() {
      if (app.snapshot && app.snapshot.workers) {
        render(app.snapshot.workers, app.snapshot.at);
      } else {
        render(await api('/api/workers'), Date.now());
      }
    },
    onSnapshot(snapshot) {
      if (snapshot.workers) render(snapshot.workers, snapshot.at);
    },
  };
}

// ---- recurring jobs ------------------------------------------------------------------------

// How often an open Schedules page reads the schedules again: their next runs move on by
// themselves, with no event to say so.
const SCHEDULES_REFRESH_MILLIS = 5000;

function schedulesView() {
  const tbody = el('tbody');
  const empty = el('p', { class: 'empty hidden' }, 'No recurring jobs: declare one with @Recurring, or call client.schedule(...).');
  const node = el('section', {},
    el('div', { class: 'panel' },
      el('h1', {}, 'Schedules'),
      el('div', { class: 'scroll' },
        el('table', { id: 'schedules' },
          el('thead', {}, el('tr', {},
            el('th', {}, 'Schedule'), el('th', {}, 'Job'), el('th', {}, 'Cron'), el('th', { class: 'hide-narrow' }, 'Zone'),
            el('th', {}, 'Queue'), el('th', {}, 'Next run'), el('th', {}, 'Last run'),
            el('th', { class: 'hide-narrow' }, 'Missed runs'), el('th', {}, 'State'), el('th', {}, ''))),
          tbody)),
      empty,
      el('p', { class: 'notice' }, 'Each due time is enqueued once by one of the agents serving the queue. Run now enqueues one run beside the due times; a paused schedule skips its due times until it is resumed.')));

  let lastLoad = 0;

  function scheduleRow(s) {
    const path = '/api/schedules/' + hashPart(s.name) + '/';
    const toggle = s.paused
      ? action('Resume', () => post(path + 'resume'), { name: 'resume', done: () => 'Resumed ' + s.name, after: load })
      : action('Pause', () => post(path + 'pause'), { name: 'pause', done: () => 'Paused ' + s.name, after: load });
    return el('tr', { 'data-schedule': s.name },
      el('td', { class: 'mono name' }, s.name),
      el('td', { class: 'mono job' }, s.job),
      el('td', { class: 'mono cron' }, s.cron),
      el('td', { class: 'zone hide-narrow' }, s.zone),
      el('td', { class: 'queue' }, link('#/queues/' + hashPart(s.queue), s.queue)),
      el('td', { class: 'next' }, s.nextRun === null ? '–' : ago(s.nextRun)),
      el('td', { class: 'last' }, s.lastRun === null ? '–' : ago(s.lastRun)),
      el('td', { class: 'missed hide-narrow' }, s.missed === 'RUN_ONCE' ? 'run once' : 'skip'),
      el('td', { class: 'state' }, badge(s.paused ? 'paused' : 'active')),
      el('td', { class: 'actions' },
        toggle,
        action('Run now', () => post(path + 'trigger'), {
          name: 'trigger',
          done: (r) => 'Enqueued job ' + r.id + ' of ' + s.name,
          after: load,
        }),
        action('Delete', () => post(path + 'delete'), {
          name: 'delete',
          class: 'danger',
          confirm: 'Really delete?',
          done: () => 'Deleted schedule ' + s.name,
          after: load,
        })));
  }

  const load = reloader(async () => {
    lastLoad = Date.now();
    const answer = await api('/api/schedules');
    tbody.replaceChildren(...answer.schedules.map(scheduleRow));
    empty.classList.toggle('hidden', answer.schedules.length > 0);
  });

  return {
    title: 'Schedules',
    nav: 'schedules',
    node,
    start: load,
    onSnapshot() {
      if (Date.now() - lastLoad >= SCHEDULES_REFRESH_MILLIS) load();
    },
  };
}

// ---- one job -------------------------------------------------------------------------------

function attemptsOf(attempts) {
  return attempts.map((attempt) => el('div', { class: 'attempt', 'data-attempt': attempt.number },
    el('h3', {}, 'Attempt ' + attempt.number, el('span', { class: 'sub' }, ' · ', ago(attempt.at), attempt.worker ? ' · ' + attempt.worker : '')),
    el('div', { class: 'mono error-text' }, attempt.error),
    attempt.stackTrace ? el('pre', { class: 'stack' }, attempt.stackTrace) : null,
    attempt.output ? [el('div', { class: 'notice' }, 'Output'), el('pre', { class: 'output' }, attempt.output)] : null));
}

const TIMELINE_LABELS = {
  enqueued: 'Enqueued',
  scheduled: 'Scheduled',
  started: 'Started',
  failed: 'Failed',
  retrying: 'Attempt failed, retrying',
  succeeded: 'Succeeded',
  interrupted: 'Interrupted',
  returned: 'Handed back',
  retried: 'Queued again',
  deleted: 'Deleted',
};

// A vertical timeline, oldest event first, as JobRunr shows a job's history.
function timeline(events) {
  return el('ol', { class: 'timeline', id: 'timeline' }, events.map((event) => el('li', { class: 'event ' + event.event, 'data-event': event.event },
    el('span', { class: 'dot' }),
    el('div', { class: 'event-head' },
      el('strong', {}, TIMELINE_LABELS[event.event] || event.event),
      event.attempt ? el('span', { class: 'sub' }, ' · attempt ' + event.attempt) : null,
      el('span', { class: 'spacer' }),
      el('span', { class: 'meta' }, when(event.at))),
    event.worker || event.host ? el('div', { class: 'meta' }, [event.worker ? 'worker ' + event.worker : null, event.host ? 'on ' + event.host : null].filter(Boolean).join(' ')) : null,
    event.dueAt ? el('div', { class: 'meta due' }, 'due ', when(event.dueAt)) : null,
    event.message ? el('pre', { class: 'event-message' }, event.message) : null)));
}

// every attempt in one table: who ran it, when, how long and how it ended
function attemptTable(attempts) {
  return el('div', { class: 'scroll' }, el('table', { id: 'attempt-list' },
    el('thead', {}, el('tr', {}, el('th', { class: 'num' }, '#'), el('th', {}, 'Outcome'), el('th', {}, 'Worker'), el('th', {}, 'Host'),
      el('th', {}, 'Started'), el('th', { class: 'num' }, 'Took'), el('th', {}, 'Error'))),
    el('tbody', {}, attempts.map((a) => el('tr', { 'data-attempt': a.number },
      el('td', { class: 'num' }, String(a.number)),
      el('td', { class: 'outcome' }, badge(a.outcome)),
      el('td', { class: 'mono' }, a.worker || '–'),
      el('td', {}, a.host || '–'),
      el('td', {}, ago(a.startedAt)),
      el('td', { class: 'num' }, a.startedAt && a.endedAt ? millis(a.endedAt - a.startedAt) : ''),
      el('td', { class: 'error-line' }, a.error || ''))))));
}

// a running job's last report: a bar, the percentage and the job's own words
function progressFact(progress) {
  return el('span', { id: 'job-progress' },
    el('progress', { max: 1, value: progress.fraction }),
    ' ' + Math.round(progress.fraction * 100) + '%', progress.message ? ' · ' + progress.message : '');
}

// "Batch 41: 37 of 50 done · 2 failed", the batch a job belongs to and how far it has come
function batchFact(batch) {
  if (batch.gone) return el('span', { id: 'job-batch' }, 'Batch ' + batch.id + ' (its counts are gone)');
  return el('span', { id: 'job-batch' },
    'Batch ' + batch.id + ': ' + num(batch.done) + ' of ' + num(batch.total) + ' done',
    batch.failed > 0 ? ' · ' + num(batch.failed) + ' failed' : '',
    batch.ended ? ' · ended' : '');
}

function jobView(queueParam, idParam) {
  const queue = idParam === undefined ? null : queueParam;
  const id = idParam === undefined ? queueParam : idParam;
  const idInput = el('input', { id: 'job-id', type: 'text', inputmode: 'numeric', placeholder: 'job id', required: true, value: id || '' });
  const queueInput = el('input', { id: 'job-queue', type: 'text', placeholder: 'any queue', value: queue || '' });
  const form = el('form', { class: 'inline-form' },
    idInput, queueInput, el('button', { type: 'submit', class: 'primary' }, 'Look up'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const wanted = idInput.value.trim();
    const on = queueInput.value.trim();
    location.hash = on ? '#/jobs/' + hashPart(on) + '/' + hashPart(wanted) : '#/jobs/' + hashPart(wanted);
  });
  const body = el('div', { id: 'job' });
  const node = el('section', {},
    el('div', { class: 'panel' }, el('h1', {}, 'Find a job'), form),
    body);
  let shown = null;

  function facts(pairs) {
    return el('dl', { class: 'facts', id: 'job-facts' }, pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== '')
      .map(([name, value]) => [el('dt', {}, name), el('dd', { 'data-fact': name.toLowerCase().replace(/ /g, '-') }, value)]));
  }

  const reload = reloader(async () => {
    if (!id) return;
    let job;
    try {
      job = await api('/api/jobs/' + hashPart(id) + (queue ? '?queue=' + hashPart(queue) : ''));
    } catch (e) {
      shown = null;
      body.replaceChildren(el('div', { class: 'panel' }, errorBox(e.message)));
      return;
    }
    shown = job;
    let batch = null;
    if (job.batch !== null && job.batch !== undefined) {
      try {
        batch = await api('/api/batches/' + hashPart(String(job.batch)));
      } catch (e) {
        batch = { id: job.batch, gone: true };
      }
      // the batch's count moves with its other members' ends, which touch no event of this job
      if (!batch.gone && !batch.ended) {
        setTimeout(() => { if (app.view && app.view.node === node) reload(); }, 2000);
      }
    }
    const status = String(job.status).toLowerCase();
    const base = '/api/queues/' + hashPart(job.queue);
    const record = job.unfinished;
    const failure = job.failure;
    const name = job.name || (record ? record.jobName : failure ? failure.jobName : null);
    const args = job.arguments || (record ? record.arguments : failure ? failure.arguments : null);
    const failedAttempts = failure ? failure.attempts : record ? record.failedSoFar : [];
    const panels = [el('div', { class: 'panel' },
      el('div', { class: 'panel-head' },
        el('h2', {}, 'Job ' + job.id + ' ', el('span', { class: 'sub' }, 'on ' + job.queue)),
        el('span', { id: 'job-status', 'data-status': status }, badge(status)),
        el('span', { class: 'spacer' }),
        failure ? action('Retry', () => post(base + '/failures/' + job.id + '/retry'), { name: 'retry', done: () => 'Queued job ' + job.id + ' again', after: () => reload() }) : null,
        failure ? action('Delete', () => post(base + '/failures/' + job.id + '/delete'), { name: 'delete', class: 'danger', confirm: 'Really delete?', done: () => 'Deleted failure ' + job.id, after: () => reload() }) : null,
        status === 'queued' || status === 'scheduled' || status === 'working'
          ? action('Cancel', () => post(base + '/jobs/' + job.id + '/cancel'), { name: 'cancel', class: 'danger', confirm: 'Really cancel?', done: (r) => (r.outcome === 'requested' ? 'Asked the worker to stop job ' : 'Cancelled job ') + job.id, after: () => reload() })
          : null,
        status === 'queued' || status === 'scheduled'
          ? action('Delete', () => post(base + '/jobs/' + job.id + '/delete'), { name: 'delete', class: 'danger', confirm: 'Really delete?', done: () => 'Deleted job ' + job.id, after: () => reload() })
          : null),
      facts([
        ['Queue', link('#/queues/' + hashPart(job.queue), job.queue)],
        ['Job', name ? el('span', { class: 'mono' }, name) : null],
        ['Batch', batch ? batchFact(batch) : null],
        ['Jobs ahead', job.position === null || job.position === undefined ? null : num(job.position)],
        ['Progress', status === 'working' && job.progress ? progressFact(job.progress) : null],
        ['Attempt', record ? (record.failedAttempts + 1) + ' of ' + record.maxAttempts : failure ? String(failure.attempts.length) : null],
        ['Enqueued', when(job.enqueuedAt ?? (record ? record.enqueuedAt : null))],
        ['Started', when(job.startedAt)],
        ['Finished', when(job.finishedAt)],
        ['Duration', job.durationMs === null || job.durationMs === undefined ? null : millis(job.durationMs)],
        ['Queue wait', job.waitMs === null || job.waitMs === undefined ? null : millis(job.waitMs)],
        ['Worker', job.worker ? el('span', { class: 'mono' }, job.worker) : null],
        ['Host', job.host],
        ['Problem', job.problem],
      ]),
      args !== null && args !== undefined ? [el('h2', {}, 'Arguments'), el('pre', { class: 'arguments', id: 'arguments' }, pretty(args))] : null,
      job.storedRecord ? [el('h2', {}, 'Stored record'), el('pre', {}, job.storedRecord)] : null)];
    if (job.timeline && job.timeline.length) {
      panels.push(el('div', { class: 'panel' }, el('h2', {}, 'Timeline'), timeline(job.timeline)));
    }
    if (job.result !== null && job.result !== undefined) {
      panels.push(el('div', { class: 'panel' },
        el('div', { class: 'panel-head' }, el('h2', {}, 'Result'), el('span', { class: 'spacer' }),
          action('Remove result', () => post(base + '/results/' + job.id + '/delete'), { name: 'remove-result', class: 'danger', confirm: 'Really remove?', done: () => 'Removed the result of job ' + job.id, after: () => reload() })),
        el('pre', { id: 'result' }, pretty(job.result))));
    }
    if (job.attempts && job.attempts.length) {
      panels.push(el('div', { class: 'panel' }, el('h2', {}, 'Attempts'), attemptTable(job.attempts)));
    }
    if (failedAttempts.length) {
      panels.push(el('div', { class: 'panel', id: 'attempts' }, el('h2', {}, failure ? 'Failed attempts' : 'Failed attempts so far'), attemptsOf(failedAttempts)));
    }
    body.replaceChildren(...panels);
  });

  return {
    title: id ? 'Job ' + id : 'Find a job',
    nav: 'jobs',
    node,
    start: reload,
    onSnapshot(snapshot) {
      if (!id) return;
      const key = shown ? shown.queue + '/' + shown.id : null;
      const touched = key ? snapshot.changedJobs.includes(key) || snapshot.changedQueues.includes(shown.queue)
        : snapshot.changedJobs.some((k) => k.endsWith('/' + id));
      if (touched) reload();
    },
  };
}

// ---- enqueue -------------------------------------------------------------------------------

function enqueueView() {
  const jobSelect = el('select', { id: 'enqueue-job', required: true });
  const queueInput = el('input', { id: 'enqueue-queue', type: 'text', placeholder: "the job's default queue" });
  const attemptsInput = el('input', { id: 'enqueue-attempts', type: 'number', min: 1, placeholder: "the job's default" });
  const argsInput = el('textarea', { id: 'enqueue-arguments', spellcheck: 'false' });
  argsInput.value = '{}';
  const signature = el('ul', { class: 'signature', id: 'enqueue-signature' });
  const outcome = el('div', { id: 'enqueue-outcome' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Enqueue');
  const form = el('form', { class: 'form' },
    el('label', {}, 'Job', jobSelect),
    el('div', { class: 'field' }, el('span', { class: 'field-name' }, 'Its arguments'), signature),
    el('label', {}, 'Arguments ', el('span', { class: 'hint' }, 'a JSON object with one property per argument'), argsInput),
    el('label', {}, 'Queue', queueInput),
    el('label', {}, 'Attempts', attemptsInput),
    el('div', {}, submit),
    outcome);
  let jobs = [];

  function choose() {
    const job = jobs.find((j) => j.name === jobSelect.value);
    if (!job) return;
    queueInput.placeholder = job.queue ? job.queue + " (the job's default)" : "the job's default queue";
    const list = job.arguments || [];
    signature.replaceChildren(...(list.length ? list.map((a) => el('li', { 'data-argument': a.name },
      el('span', { class: 'mono' }, a.name), ' ', el('span', { class: 'type mono' }, a.type))) : [el('li', { class: 'notice' }, 'none')]));
    if (job.template !== undefined && job.template !== null) argsInput.value = job.template;
  }
  jobSelect.addEventListener('change', choose);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const attempts = attemptsInput.value.trim();
      const job = await post('/api/jobs', {
        job: jobSelect.value,
        arguments: argsInput.value,
        queue: queueInput.value.trim(),
        attempts: attempts === '' ? null : Number(attempts),
      });
      outcome.replaceChildren(el('p', { class: 'notice' }, 'Enqueued ',
        link('#/jobs/' + hashPart(job.queue) + '/' + job.id, 'job ' + job.id), ' on ' + job.queue + '.'));
    } catch (e) {
      outcome.replaceChildren(errorBox(e.message));
    } finally {
      submit.disabled = false;
    }
  });
  const node = el('section', {}, el('div', { class: 'panel' }, el('h1', {}, 'Enqueue a job'), form));
  return {
    title: 'Enqueue',
    nav: 'enqueue',
    node,
    async start() {
      if (app.session.readOnly) {
        node.replaceChildren(el('div', { class: 'panel' }, el('p', { class: 'notice' }, 'This dashboard is read-only.')));
        return;
      }
      jobs = await api('/api/job-names');
      if (!jobs.length) {
        form.replaceChildren(el('p', { class: 'notice' },
          "This dashboard knows no jobs: put the jar that declares them on its class path."));
        return;
      }
      jobSelect.replaceChildren(...jobs.map((job) => el('option', {
        value: job.name,
        disabled: job.available === false,
        title: job.problem || job.className,
      }, job.name + (job.available === false ? ' (class not on the class path)' : ''))));
      choose();
    },
  };
}

// ---- routing and start-up ------------------------------------------------------------------

const routes = [
  [/^#?\/?$/, overviewView],
  [/^#\/queues\/([^/]+)(?:\/([a-z]+))?$/, queueView],
  [/^#\/workers$/, workersView],
  [/^#\/schedules$/, schedulesView],
  [/^#\/failures(?:\/([^/]+))?$/, failuresView],
  [/^#\/jobs(?:\/([^/]+))?$/, jobView],
  [/^#\/jobs\/([^/]+)\/([^/]+)$/, jobView],
  [/^#\/enqueue$/, enqueueView],
];

function problemView(title, message) {
  return {
    title,
    nav: '',
    node: el('div', { class: 'panel', id: 'page-problem' }, el('h1', {}, title), errorBox(message), el('p', {}, link('#/', 'Back to the overview'))),
  };
}

function route() {
  const hash = location.hash || '#/';
  for (const [pattern, view] of routes) {
    const match = hash.match(pattern);
    if (!match) continue;
    let args;
    try {
      args = match.slice(1).map((part) => (part === undefined ? undefined : decodeURIComponent(part)));
    } catch (e) {
      show(problemView('Bad address', 'This address is not valid: ' + hash + ' has a broken %-escape. Check the link, or look the job up by its id.'));
      return;
    }
    show(view(...args));
    return;
  }
  show(problemView('Not found', 'There is no page at ' + hash + '.'));
}

function show(view) {
  app.view = view;
  document.title = view.title + ' · Offload';
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.getAttribute('data-nav') === view.nav);
  }
  main.replaceChildren(view.node);
  if (view.start) {
    Promise.resolve()
      .then(() => view.start())
      .catch((e) => {
        if (app.view === view) main.replaceChildren(el('div', { class: 'panel' }, errorBox(e.message)));
      });
  }
}

async function boot() {
  try {
    app.session = await api('/api/session');
  } catch (e) {
    main.replaceChildren(el('div', { class: 'panel' }, errorBox(e.message)));
    return;
  }
  document.body.classList.toggle('read-only', app.session.readOnly);
  document.getElementById('read-only').classList.toggle('hidden', !app.session.readOnly);
  const logout = document.getElementById('logout');
  if (app.session.passwordProtected) {
    logout.classList.remove('hidden');
    logout.addEventListener('click', async () => {
      await fetch('/logout', { method: 'POST', headers: { 'X-Offload-Csrf': app.session.csrfToken, 'X-Offload-Ui': '1' }, credentials: 'same-origin' });
      location.href = '/login';
    });
  }
  window.addEventListener('hashchange', route);
  setInterval(refreshTimes, TIME_REFRESH_MILLIS);
  route();
  connect();
}

boot();
