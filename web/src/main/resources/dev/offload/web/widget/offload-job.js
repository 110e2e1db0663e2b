/*
 * Offload job-observer widget: <offload-job token="..."> shows a visitor how their job is doing,
 * live, and OffloadJob.observe(token, callback) tells a page's own code. No dependencies; works
 * as a classic or a module script. Documentation: docs/widget.md in the Offload repository.
 */
(() => {
  if (window.OffloadJob) {
    return;
  }
  const FINAL = ['done', 'failed', 'unknown', 'error', 'expired', 'used'];
  const LABELS = {
    connecting: 'Connecting…',
    queued: 'Queued',
    running: 'Running',
    retrying: 'Retrying',
    done: 'Done',
    failed: 'Failed',
    unknown: 'Not found',
    error: 'Status unavailable',
    expired: 'Link expired',
    used: 'Link already used',
    ahead: '{n} ahead',
    attempt: 'attempt {attempt} of {max}',
    next: 'next in {time}',
  };
  const CSS = `
:host{display:inline-flex;align-items:center;gap:var(--offload-gap,.5em);
 font:var(--offload-font,inherit);color:var(--offload-color,inherit);
 background:var(--offload-background,transparent);border:var(--offload-border,1px solid #d0d7de);
 border-radius:var(--offload-radius,1em);padding:var(--offload-padding,.2em .75em);
 flex-wrap:wrap;--c:var(--offload-queued-color,#6e7781)}
:host([hidden]){display:none}
:host([state=running]){--c:var(--offload-running-color,#0969da)}
:host([state=retrying]){--c:var(--offload-retrying-color,#9a6700)}
:host([state=done]){--c:var(--offload-done-color,#1a7f37)}
:host([state=failed]){--c:var(--offload-failed-color,#cf222e)}
:host([state=error]),:host([state=unknown]){--c:var(--offload-error-color,#cf222e)}
:host([state=expired]),:host([state=used]){--c:var(--offload-expired-color,#6e7781)}
[part=indicator]{flex:none;width:var(--offload-indicator-size,.6em);
 height:var(--offload-indicator-size,.6em);border-radius:50%;background:var(--c)}
:host([state=running]) [part=indicator]{animation:offload-pulse 1s ease-in-out infinite alternate}
@keyframes offload-pulse{to{opacity:.3}}
@media (prefers-reduced-motion:reduce){[part=indicator]{animation:none!important}}
[part=detail]{color:var(--offload-detail-color,inherit)}
[part=detail]:not(:empty)::before{content:" · "}
[part=result]{flex-basis:100%;font:var(--offload-result-font,.85em ui-monospace,monospace);
 max-height:20em;overflow:auto}
[part=result]:empty{display:none}
[part=progress]{flex-basis:100%;height:.4em;accent-color:var(--c)}
pre{margin:.3em 0 0;font:inherit;white-space:pre-wrap;overflow-wrap:anywhere}
dl{margin:.3em 0 0;display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em}
dt{opacity:.7}dd{margin:0;overflow-wrap:anywhere}`;

  // The widget's server is where this script came from; a module script has no currentScript.
  const self = document.currentScript
    || [...document.scripts].find((s) => /\/offload-job\.js([?#]|$)/.test(s.src));
  const watches = new Map();

  // when the token itself says it has run out: the server's refusal does not say why
  function expired(token) {
    try {
      const payload = atob(token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'));
      return Number(payload.split('|')[3]) * 1000 <= Date.now();
    } catch (e) {
      return false;
    }
  }

  function seconds(ms) {
    const s = Math.ceil(ms / 1000);
    return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.round(s / 3600)} h`;
  }

  function publish(watch, state) {
    watch.state = state;
    if (FINAL.includes(state.state)) {
      // the server ends the stream too; closing first stops the browser from reconnecting
      watch.source.close();
    }
    watch.callbacks.forEach((callback) => callback(state));
  }

  const OffloadJob = {
    server: self ? new URL('.', self.src).href : '',

    /**
     * Calls callback(state) with the job's state now and on every change, until the returned
     * function is called. Observers of one token share one connection.
     */
    observe(token, callback) {
      let watch = watches.get(token);
      if (!watch) {
        watch = { callbacks: new Set() };
        watches.set(token, watch);
        const source = new EventSource(
          `${OffloadJob.server}jobs/stream?token=${encodeURIComponent(token)}`);
        watch.source = source;
        source.onmessage = (event) => publish(watch, JSON.parse(event.data));
        // closed, rather than reconnecting, only when the server refused: a bad or expired token
        source.onerror = () => {
          if (source.readyState === EventSource.CLOSED && !FINAL.includes(watch.state?.state)) {
            publish(watch, { state: expired(token) ? 'expired' : 'error' });
          }
        };
      }
      watch.callbacks.add(callback);
      if (watch.state) {
        callback(watch.state);
      }
      return () => {
        watch.callbacks.delete(callback);
        if (!watch.callbacks.size && watches.get(token) === watch) {
          watch.source.close();
          watches.delete(token);
        }
      };
    },
  };

  class OffloadJobElement extends HTMLElement {
    static get observedAttributes() {
      return ['token'];
    }

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<span part="indicator"></span><span role="status" aria-live="polite">'
        + '<span part="label"></span><span part="detail"></span></span><div part="result"></div>'
        + '<progress part="progress" max="1" hidden></progress>';
      // a constructed sheet passes a page's strict style-src policy, a <style> element would not
      if (root.adoptedStyleSheets) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } else {
        root.prepend(Object.assign(document.createElement('style'), { textContent: CSS }));
      }
      [this._label, this._detail, this._result, this._progress] = root.querySelectorAll('[part]:not([part=indicator])');
      this._labels = {};
      this._state = { state: 'connecting' };
    }

    /**
     * The job's last known state: {state, position?, attempt?, maxAttempts?, retryAt?, result?,
     * message?, progress?: {fraction, message}}.
     */
    get state() {
      return this._state;
    }

    /** Replacement labels by key; label-<key> attributes take precedence. */
    get labels() {
      return { ...LABELS, ...this._labels };
    }

    set labels(labels) {
      this._labels = { ...labels };
      this._render();
    }

    connectedCallback() {
      this._render();
      this._watch();
    }

    disconnectedCallback() {
      this._unwatch();
      this._tick();
    }

    attributeChangedCallback() {
      if (this.isConnected) {
        this._watch();
      }
    }

    _watch() {
      const token = this.getAttribute('token');
      if (token === this._token) {
        return;
      }
      this._unwatch();
      this._token = token;
      if (token) {
        this._stop = OffloadJob.observe(token, (state) => this._update(state));
      } else {
        this._update({ state: 'error' });
      }
    }

    _unwatch() {
      if (this._stop) {
        this._stop();
      }
      this._stop = this._token = null;
    }

    _update(state) {
      const before = this._state.state;
      this._state = state;
      this._render();
      const fire = (type) => this.dispatchEvent(
        new CustomEvent(type, { detail: state, bubbles: true, composed: true }));
      fire('offload:change');
      if (state.state !== before && (state.state === 'done' || state.state === 'failed')) {
        fire(`offload:${state.state}`);
      }
    }

    _text(key, values = {}) {
      const label = this.getAttribute(`label-${key}`) ?? this.labels[key] ?? key;
      return label.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
    }

    // counts down to the next attempt once a second while one is due
    _tick(on) {
      if (!on) {
        clearInterval(this._timer);
        this._timer = null;
      } else if (!this._timer) {
        this._timer = setInterval(() => this._render(), 1000);
      }
    }

    _render() {
      const s = this._state;
      let detail = '';
      let result = [];
      if (s.state === 'queued' && s.position > 0) {
        detail = this._text('ahead', { n: s.position });
      } else if ((s.state === 'running' || s.state === 'retrying') && s.maxAttempts > 1) {
        detail = this._text('attempt', { attempt: s.attempt, max: s.maxAttempts });
      } else if (s.state === 'done' && 'result' in s) {
        const r = s.result;
        if (r !== null && typeof r === 'object') {
          result = [this._readable(r)];
        } else {
          detail = String(r);
        }
      } else if (s.state === 'failed' && s.message) {
        detail = s.message;
      }
      // what a running job last said of itself: a bar, and its words beside the label
      const p = s.state === 'running' && s.progress;
      if (p && p.message) {
        detail += (detail ? ', ' : '') + p.message;
      }
      this._progress.hidden = !p;
      if (p) {
        this._progress.value = p.fraction;
      }
      const wait = s.state === 'retrying' && s.retryAt - Date.now();
      if (wait > 0) {
        detail += (detail ? ', ' : '') + this._text('next', { time: seconds(wait) });
      }
      this._tick(wait > 0);
      this.setAttribute('state', s.state);
      this._label.textContent = this._text(s.state);
      this._detail.textContent = detail;
      this._result.replaceChildren(...result);
    }

    // an object result as a list of names and values when it is flat, else as indented JSON
    _readable(result) {
      const entries = Array.isArray(result) ? [] : Object.entries(result);
      const make = (tag, text) => Object.assign(document.createElement(tag), { textContent: text });
      if (entries.length && entries.every(([, v]) => v === null || typeof v !== 'object')) {
        const list = document.createElement('dl');
        entries.forEach(([k, v]) => list.append(make('dt', k), make('dd', String(v))));
        return list;
      }
      return make('pre', JSON.stringify(result, null, 2));
    }
  }

  // <offload-batch token="..."> shows "37 of 50 done", asking for the batch's counts every
  // 2 s until it ended; its token, from WatchTokens.issueBatch, grants the counts and nothing else
  class OffloadBatchElement extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<span part="indicator"></span><span role="status" aria-live="polite">'
        + '<span part="label"></span><span part="detail"></span></span>'
        + '<progress part="progress" max="1"></progress>';
      if (root.adoptedStyleSheets) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } else {
        root.prepend(Object.assign(document.createElement('style'), { textContent: CSS }));
      }
      [this._label, this._detail, this._progress] = root.querySelectorAll('[part]:not([part=indicator])');
    }

    connectedCallback() {
      this.setAttribute('state', 'connecting');
      this._label.textContent = LABELS.connecting;
      this._poll();
    }

    disconnectedCallback() {
      clearTimeout(this._timer);
    }

    async _poll() {
      const token = this.getAttribute('token') || '';
      let counts;
      try {
        const response = await fetch(
          `${OffloadJob.server}batches/progress?token=${encodeURIComponent(token)}`, { cache: 'no-store' });
        if (!response.ok) {
          this._show(response.status === 403 || expired(token) ? 'expired' : response.status === 404 ? 'unknown' : 'error');
          return;
        }
        counts = await response.json();
      } catch (e) {
        this._show('error');
        this._timer = setTimeout(() => this._poll(), 5000);
        return;
      }
      this._show(counts.ended ? (counts.failed > 0 ? 'failed' : 'done') : 'running',
        `${counts.done} of ${counts.total} done`, counts.failed > 0 ? `${counts.failed} failed` : '');
      this._progress.value = counts.total ? counts.done / counts.total : 1;
      if (!counts.ended && this.isConnected) {
        this._timer = setTimeout(() => this._poll(), 2000);
      }
    }

    _show(state, label, detail) {
      this.setAttribute('state', state);
      this._label.textContent = label || LABELS[state];
      this._detail.textContent = detail || '';
    }
  }

  window.OffloadJob = OffloadJob;
  customElements.define('offload-job', OffloadJobElement);
  customElements.define('offload-batch', OffloadBatchElement);
})();
