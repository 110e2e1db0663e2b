'use strict';

// The Offload dashboard: a one-page app with hash routes over the JSON API, kept live by one
// server-sent event stream. Every piece of data (job names, arguments, results, errors, stack
// traces) reaches the page as a text node: el() never parses HTML, so whatever someone enqueued
// shows as text and nothing in it can run.

const PAGE_SIZES = [25, 50, 100];
const PAGE_SIZE_KEY = 'offload.pageSize';
const FAILURE_PAGE = 50;
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

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
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
    throw new Error((await response.text()).trim() || response.statusText);
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

function overviewView() {
  const cards = {};
  const cardRow = el('div', { class: 'cards' },
    ['pending', 'working', 'succeeded', 'failed', 'workers'].map((name) => {
      cards[name] = el('div', { class: 'value', 'data-total': name }, '–');
      return el('div', { class: 'card ' + name }, el('div', { class: 'label' }, name), cards[name]);
    }));
  const chart = svg('svg', { class: 'chart', role: 'img', 'aria-label': 'jobs per second' });
  const rates = el('div', { class: 'legend' });
  const tbody = el('tbody');
  const empty = el('p', { class: 'empty hidden' }, 'No queues yet: enqueue a job or start an agent.');
  const node = el('section', {},
    cardRow,
    el('div', { class: 'panel' },
      el('div', { class: 'panel-head' }, el('h2', {}, 'Throughput ', el('span', { class: 'sub' }, 'jobs per second, last 2 minutes')), el('span', { class: 'spacer' }), rates),
      chart),
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
    const cell = (name, cls) => (cells[name] = el('td', { class: (cls || 'num') + ' ' + name }));
    const state = el('span');
    const toggle = action('Pause', () => post('/api/queues/' + hashPart(queue.name) + (row.paused ? '/resume' : '/pause')), {
      name: 'pause',
      done: (r) => (r.paused ? 'Paused ' : 'Resumed ') + r.queue,
    });
    const row = el('tr', { 'data-queue': queue.name },
      el('td', {}, link('#/queues/' + hashPart(queue.name), queue.name), ' ', state),
      cell('pending'), cell('scheduled', 'num hide-narrow'), cell('working'), cell('succeeded'),
      el('td', { class: 'num failed' }, cells.failedLink = link('#/failures/' + hashPart(queue.name))),
      el('td', { class: 'actions' }, toggle));
    row.update = (q) => {
      row.paused = q.paused;
      for (const name of ['pending', 'scheduled', 'working', 'succeeded']) cells[name].textContent = num(q[name]);
      cells.failedLink.textContent = num(q.failed);
      state.replaceChildren(q.paused ? badge('paused') : '');
      if (toggle) {
        toggle.textContent = q.paused ? 'Resume' : 'Pause';
        toggle.setAttribute('data-action', q.paused ? 'resume' : 'pause');
      }
    };
    return row;
  }

  let lastSeries = null;
  new ResizeObserver(() => lastSeries && drawChart(lastSeries)).observe(chart);

  function drawChart(series) {
    lastSeries = series;
    // drawn in the chart's own pixels, so that its text is never stretched
    const width = Math.max(240, Math.round(chart.getBoundingClientRect().width)) || 600;
    const height = 180;
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    const pad = { left: 34, right: 6, top: 8, bottom: 18 };
    const all = [...series.queued, ...series.succeeded, ...series.failed];
    const max = Math.max(4, ...all);
    const x = (i) => pad.left + (i / (series.succeeded.length - 1)) * (width - pad.left - pad.right);
    const y = (v) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
    chart.replaceChildren();
    for (const fraction of [0, 0.5, 1]) {
      const value = Math.round(max * fraction);
      chart.append(svg('line', { class: 'grid', x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value) }));
      chart.append(svg('text', { class: 'axis', x: pad.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, String(value)));
    }
    chart.append(svg('text', { class: 'axis', x: pad.left, y: height - 4 }, '−2 min'));
    chart.append(svg('text', { class: 'axis', x: width - pad.right, y: height - 4, 'text-anchor': 'end' }, 'now'));
    for (const name of ['queued', 'failed', 'succeeded']) {
      const points = series[name].map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
      chart.append(svg('polyline', { class: name, points }));
    }
    // the last second is still filling up: show the one before it
    const last = (name) => series[name][series[name].length - 2] || 0;
    rates.replaceChildren(...['queued', 'succeeded', 'failed'].map((name) =>
      el('span', {}, el('span', { class: 'swatch ' + name }), name + ' ', el('strong', {}, num(last(name)) + '/s'))));
  }

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
    drawChart(snapshot.throughput);
  }

  return {
    title: 'Overview',
    nav: 'overview',
    node,
    start() {
      if (app.snapshot) render(app.snapshot);
    },
    onSnapshot: render,
  };
}

// ---- one queue's pending jobs ----------------------------------------------------------------

function queueView(queue, offsetText) {
  const offset = Number(offsetText || 0);
  const heading = el('h1', {}, 'Queue ', el('span', { class: 'mono' }, queue));
  const state = el('span');
  const tbody = el('tbody');
  const pagers = [el('div', { class: 'pager' }), el('div', { class: 'pager' })];
  const message = el('div');
  let size = pageSize();
  const sizeChoice = pageSizeChoice((chosen) => {
    size = chosen;
    reload();
  });
  const open = new Set();
  let paused = false;
  const toggle = action('Pause', () => post('/api/queues/' + hashPart(queue) + (paused ? '/resume' : '/pause')), {
    name: 'pause',
    done: (r) => (r.paused ? 'Paused ' : 'Resumed ') + r.queue,
    after: () => reload(),
  });
  const node = el('section', {},
    el('div', { class: 'panel' },
      el('div', { class: 'panel-head' }, heading, state, el('span', { class: 'spacer' }),
        link('#/failures/' + hashPart(queue), 'Failures'), toggle),
      message,
      pagers[0],
      el('div', { class: 'scroll' },
        el('table', { id: 'pending' },
          el('thead', {}, el('tr', {},
            el('th', { class: 'num hide-narrow' }, '#'), el('th', {}, 'Job id'), el('th', {}, 'Job'),
            el('th', {}, 'Arguments'), el('th', { class: 'num hide-narrow' }, 'Attempt'),
            el('th', { class: 'hide-narrow' }, 'Enqueued'), el('th', {}, ''))),
          tbody)),
      pagers[1]));

  function pager(total) {
    const last = Math.max(0, Math.floor((total - 1) / size) * size);
    const go = (to) => () => { location.hash = '#/queues/' + hashPart(queue) + '/' + to; };
    const button = (label, to, enabled) => el('button', { type: 'button', onclick: go(to), disabled: !enabled }, label);
    const first = total === 0 ? 0 : offset + 1;
    const upTo = Math.min(total, offset + size);
    return [
      button('« First', 0, offset > 0),
      button('‹ Previous', Math.max(0, offset - size), offset > 0),
      el('span', { class: 'where' }, num(first) + '–' + num(upTo) + ' of ' + num(total) + ' pending'),
      button('Next ›', offset + size, offset + size < total),
      button('Last »', last, offset < last),
    ];
  }

  function jobRow(job, index) {
    const details = el('details', { class: 'args' },
      el('summary', { class: 'mono' }, job.arguments),
      el('pre', {}, pretty(job.arguments)));
    details.open = open.has(job.id);
    details.addEventListener('toggle', () => (details.open ? open.add(job.id) : open.delete(job.id)));
    return el('tr', { 'data-job': job.id },
      el('td', { class: 'num hide-narrow' }, num(offset + index + 1)),
      el('td', {}, link('#/jobs/' + hashPart(queue) + '/' + job.id, String(job.id))),
      el('td', { class: 'job-name' }, job.jobName),
      el('td', {}, details),
      el('td', { class: 'num hide-narrow' }, job.failedAttempts + 1 + ' of ' + job.maxAttempts),
      el('td', { class: 'hide-narrow' }, ago(job.enqueuedAt)),
      el('td', { class: 'actions' }, action('Delete', () => post('/api/queues/' + hashPart(queue) + '/jobs/' + job.id + '/delete'), {
        name: 'delete',
        confirm: 'Really delete?',
        done: () => 'Deleted job ' + job.id,
      })));
  }

  const reload = reloader(async () => {
    let page;
    try {
      page = await api('/api/queues/' + hashPart(queue) + '/jobs?offset=' + offset + '&limit=' + size);
    } catch (e) {
      message.replaceChildren(errorBox(e.message));
      return;
    }
    message.replaceChildren();
    paused = page.paused;
    state.replaceChildren(paused ? badge('paused') : '');
    if (toggle) {
      toggle.textContent = paused ? 'Resume' : 'Pause';
      toggle.setAttribute('data-action', paused ? 'resume' : 'pause');
    }
    pagers[0].replaceChildren(...pager(page.total), el('span', { class: 'spacer' }), sizeChoice);
    pagers[1].replaceChildren(...pager(page.total));
    tbody.replaceChildren(...page.jobs.map(jobRow));
    if (page.jobs.length === 0) {
      tbody.append(el('tr', {}, el('td', { colspan: 7, class: 'empty' },
        page.total === 0 ? 'No jobs are waiting on this queue.' : 'No jobs on this page any more.')));
    }
  });

  return {
    title: 'Queue ' + queue,
    nav: 'overview',
    node,
    start: reload,
    onSnapshot(snapshot) {
      if (snapshot.changedQueues.includes(queue)) reload();
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
            el('th', { class: 'hide-narrow' }, 'Up since'), el('th', {}, ''))),
          tbody)),
      empty,
      el('p', { class: 'notice' }, 'Stop lets a worker finish its current job, then ends it. Destroying a worker removes it from the registry: its agent stops it at its next heartbeat and puts its unfinished job back on the queue.')));

  const rows = new Map();

  function workerRow(worker) {
    const cells = {};
    const cell = (name, cls) => (cells[name] = el('td', { class: (cls || '') + ' ' + name }));
    const row = el('tr', { 'data-worker': worker.id },
      el('td', { class: 'mono' }, worker.id), cell('host'), cell('pid', 'num'), cell('child', 'num hide-narrow'),
      cell('queues'), cell('state'), cell('job'), cell('for'), cell('since', 'hide-narrow'),
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
      cells.for.textContent = w.job !== null ? duration(now - Date.parse(w.job.startedAt)) : '';
      cells.since.replaceChildren(ago(w.startedAt));
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

// ---- failures ------------------------------------------------------------------------------

function attemptsOf(failure) {
  return failure.attempts.map((attempt) => el('div', { class: 'attempt' },
    el('h3', {}, 'Attempt ' + attempt.number, el('span', { class: 'sub' }, ' · ', ago(attempt.at), attempt.worker ? ' · ' + attempt.worker : '')),
    el('div', { class: 'mono error-text' }, attempt.error),
    attempt.stackTrace ? el('pre', { class: 'stack' }, attempt.stackTrace) : null,
    attempt.output ? [el('div', { class: 'notice' }, 'Output'), el('pre', { class: 'output' }, attempt.output)] : null));
}

function failureCard(failure, open, after) {
  const base = '/api/queues/' + hashPart(failure.queue) + '/failures/' + failure.id;
  const details = el('details', {},
    el('summary', {}, 'Arguments and ' + failure.attempts.length + ' attempt' + (failure.attempts.length === 1 ? '' : 's')),
    el('pre', { class: 'arguments' }, pretty(failure.arguments)),
    attemptsOf(failure));
  details.open = open.has(failure.id);
  details.addEventListener('toggle', () => (details.open ? open.add(failure.id) : open.delete(failure.id)));
  return el('article', { class: 'failure', 'data-job': failure.id },
    el('div', { class: 'failure-head' },
      link('#/jobs/' + hashPart(failure.queue) + '/' + failure.id, String(failure.id)),
      el('span', { class: 'job-name mono' }, failure.jobName),
      el('span', { class: 'error-line' }, failure.attempts.length ? failure.attempts[failure.attempts.length - 1].error : ''),
      el('span', { class: 'meta' }, ago(failure.failedAt)),
      action('Retry', () => post(base + '/retry'), { name: 'retry', done: () => 'Queued job ' + failure.id + ' again', after }),
      action('Delete', () => post(base + '/delete'), { name: 'delete', class: 'danger', confirm: 'Really delete?', done: () => 'Deleted failure ' + failure.id, after })),
    details);
}

function failuresView(queueParam) {
  const tabs = el('div', { class: 'tabs' });
  const list = el('div', { id: 'failures' });
  const more = el('div');
  const heading = el('h1', {}, 'Failures');
  const actions = el('span');
  const node = el('section', {},
    el('div', { class: 'panel' },
      el('div', { class: 'panel-head' }, heading, el('span', { class: 'spacer' }), actions),
      tabs, list, more));
  const open = new Set();
  let queue = queueParam;
  let loaded = FAILURE_PAGE;
  let failedCount = 0;

  function renderTabs(queues) {
    if (!queue && queues.length) {
      const withFailures = queues.find((q) => q.failed > 0);
      queue = (withFailures || queues[0]).name;
    }
    const current = queues.find((q) => q.name === queue);
    failedCount = current ? current.failed : 0;
    tabs.replaceChildren(...queues.map((q) => el('a', {
      href: '#/failures/' + hashPart(q.name),
      class: q.name === queue ? 'active' : '',
    }, q.name + ' (' + num(q.failed) + ')')));
  }

  const reload = reloader(async () => {
    if (!queue) {
      list.replaceChildren(el('p', { class: 'empty' }, 'No queues yet.'));
      return;
    }
    heading.replaceChildren('Failures on ', el('span', { class: 'mono' }, queue));
    const on = queue;
    const count = () => num(failedCount) + ' failed job' + (failedCount === 1 ? '' : 's') + ' on ' + on;
    actions.replaceChildren(
      action('Retry all', () => post('/api/queues/' + hashPart(on) + '/failures/retry-all'), { name: 'retry-all', ask: () => 'Retry all ' + count() + '? Each goes back on its queue.', done: (r) => 'Queued ' + r.retried + ' jobs again', after: () => reload() }) || '',
      ' ',
      action('Clear all', () => post('/api/queues/' + hashPart(on) + '/failures/clear'), { name: 'clear', class: 'danger', ask: () => 'Delete all ' + count() + '? Their records and stack traces are gone for good.', askYes: 'Delete all', done: (r) => 'Deleted ' + r.cleared + ' failures', after: () => reload() }) || '');
    const failures = [];
    let cursor = '0';
    try {
      // HSCAN pages: read as many as were shown, so a live refresh keeps what was loaded
      do {
        const page = await api('/api/queues/' + hashPart(queue) + '/failures?count=' + FAILURE_PAGE + '&cursor=' + cursor);
        failures.push(...page.failures);
        cursor = page.nextCursor;
      } while (cursor !== '0' && failures.length < loaded);
    } catch (e) {
      list.replaceChildren(errorBox(e.message));
      return;
    }
    failures.sort((a, b) => String(b.failedAt).localeCompare(String(a.failedAt)));
    list.replaceChildren(...failures.map((f) => failureCard(f, open, () => reload())));
    if (!failures.length) list.append(el('p', { class: 'empty' }, 'No failed jobs on this queue.'));
    more.replaceChildren(cursor === '0' ? '' : el('button', {
      type: 'button',
      onclick: () => { loaded += FAILURE_PAGE; reload(); },
    }, 'Load more'));
  });

  return {
    title: 'Failures',
    nav: 'failures',
    node,
    async start() {
      const snapshot = app.snapshot && app.snapshot.queues ? app.snapshot : await api('/api/overview');
      renderTabs(snapshot.queues);
      reload();
    },
    onSnapshot(snapshot) {
      if (!snapshot.queues) return;
      const hadQueue = queue;
      renderTabs(snapshot.queues);
      if (!hadQueue || snapshot.changedQueues.includes(queue)) reload();
    },
  };
}

// ---- one job -------------------------------------------------------------------------------

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
  const open = new Set([Number(id)]);
  const node = el('section', {},
    el('div', { class: 'panel' }, el('h1', {}, 'Find a job'), form),
    body);
  let shown = null;

  function facts(pairs) {
    return el('dl', { class: 'facts' }, pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== '')
      .map(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
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
    const status = String(job.status).toLowerCase();
    const base = '/api/queues/' + hashPart(job.queue);
    const record = job.unfinished;
    const panels = [el('div', { class: 'panel' },
      el('div', { class: 'panel-head' },
        el('h2', {}, 'Job ' + job.id + ' ', el('span', { class: 'sub' }, 'on ' + job.queue)),
        el('span', { id: 'job-status', 'data-status': status }, badge(status)),
        el('span', { class: 'spacer' }),
        status === 'queued' || status === 'scheduled'
          ? action('Delete', () => post(base + '/jobs/' + job.id + '/delete'), { name: 'delete', class: 'danger', confirm: 'Really delete?', done: () => 'Deleted job ' + job.id, after: () => reload() })
          : null),
      facts([
        ['Queue', link('#/queues/' + hashPart(job.queue), job.queue)],
        ['Jobs ahead', job.position === null ? null : num(job.position)],
        ['Job', record ? record.jobName : job.failure ? job.failure.jobName : null],
        ['Attempt', record ? (record.failedAttempts + 1) + ' of ' + record.maxAttempts : null],
        ['Enqueued', record ? ago(record.enqueuedAt) : null],
        ['Problem', job.problem],
      ]),
      record ? [el('h2', {}, 'Arguments'), el('pre', { class: 'arguments' }, pretty(record.arguments))] : null,
      job.storedRecord ? [el('h2', {}, 'Stored record'), el('pre', {}, job.storedRecord)] : null,
      record && record.failedSoFar.length ? [el('h2', {}, 'Failed attempts so far'), attemptsOf({ attempts: record.failedSoFar })] : null)];
    if (job.result !== null) {
      panels.push(el('div', { class: 'panel' },
        el('div', { class: 'panel-head' }, el('h2', {}, 'Result'), el('span', { class: 'spacer' }),
          action('Remove result', () => post(base + '/results/' + job.id + '/delete'), { name: 'remove-result', class: 'danger', confirm: 'Really remove?', done: () => 'Removed the result of job ' + job.id, after: () => reload() })),
        el('pre', { id: 'result' }, pretty(job.result))));
    }
    if (job.failure) {
      panels.push(el('div', { class: 'panel' }, el('h2', {}, 'Failure'), failureCard(job.failure, open, () => reload())));
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
  const outcome = el('div', { id: 'enqueue-outcome' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Enqueue');
  const form = el('form', { class: 'form' },
    el('label', {}, 'Job', jobSelect),
    el('label', {}, 'Arguments ', el('span', { class: 'hint' }, 'a JSON object with one property per argument'), argsInput),
    el('label', {}, 'Queue', queueInput),
    el('label', {}, 'Attempts', attemptsInput),
    el('div', {}, submit),
    outcome);
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
      const jobs = await api('/api/job-names');
      if (!jobs.length) {
        form.replaceChildren(el('p', { class: 'notice' },
          "This dashboard knows no jobs: put the jar that declares them on its class path."));
        return;
      }
      jobSelect.replaceChildren(...jobs.map((job) => el('option', {
        value: job.name,
        disabled: !job.available,
        title: job.problem || job.className,
      }, job.name + (job.available ? '' : ' (class not on the class path)'))));
    },
  };
}

// ---- routing and start-up ------------------------------------------------------------------

const routes = [
  [/^#?\/?$/, overviewView],
  [/^#\/queues\/([^/]+)(?:\/(\d+))?$/, queueView],
  [/^#\/workers$/, workersView],
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
