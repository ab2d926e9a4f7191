// The dashboard shell: navigation, hash routes, the shared session store fed by the live stream, global
// keys, the connection banner, notifications and the footer's usage bars.
import { get, onApiError } from './api.js';
import { bus } from './live.js';
import { h, mount, icon, isTyping, modal, button, debounce } from './ui.js';

const NAV = [
  ['#/', 'Sessions', 'grid'],
  ['#/plan', 'Plan', 'plan'],
  ['#/tasks', 'Tasks', 'tasks'],
  ['#/rules', 'Tool rules', 'shield'],
  ['#/repos', 'Repos', 'repo'],
  ['#/hosts', 'Hosts', 'host'],
  ['#/archive', 'Archive', 'archive'],
  ['#/settings', 'Settings', 'settings'],
];

const ROUTES = [
  [/^#?\/?$/, () => import('./dashboard.js'), 'render'],
  [/^#\/s\/([^/]+)$/, () => import('./session.js'), 'render'],
  [/^#\/new(?:\?.*)?$/, () => import('./create.js'), 'render'],
  [/^#\/plan$/, () => import('./plan.js'), 'render'],
  [/^#\/tasks$/, () => import('./tasks.js'), 'render'],
  [/^#\/tasks\/([^/]+)$/, () => import('./tasks.js'), 'renderIssue'],
  [/^#\/rules$/, () => import('./rules.js'), 'render'],
  [/^#\/repos$/, () => import('./pages.js'), 'renderRepos'],
  [/^#\/hosts$/, () => import('./pages.js'), 'renderHosts'],
  [/^#\/archive$/, () => import('./pages.js'), 'renderArchive'],
  [/^#\/settings$/, () => import('./pages.js'), 'renderSettings'],
];

/** Shared state: the session list (kept fresh from the stream) and workspace facts. */
export const store = {
  sessions: [],
  loaded: false,
  workspace: '',
  config: null,
  listeners: new Set(),
  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); },
  emit() { for (const fn of this.listeners) fn(this.sessions); },
  async refresh() {
    try {
      const data = await get('/api/sessions');
      this.sessions = data.sessions || [];
      this.loaded = true;
      this.emit();
      updateApprovals();
    } catch (error) {
      if (!this.loaded) this.error = error;
    }
  },
  session(name) { return this.sessions.find((s) => s.name === name); },
};
const refreshSoon = debounce(() => store.refresh(), 250);

let cleanup = null;
const view = () => document.getElementById('view');

async function route() {
  const hash = location.hash || '#/';
  if (cleanup) { try { cleanup(); } catch (e) { console.error(e); } cleanup = null; }
  document.body.classList.remove('nav-open');
  for (const link of document.querySelectorAll('.nav a')) {
    const href = link.getAttribute('href');
    const active = href === '#/' ? (hash === '#/' || hash.startsWith('#/s/') || hash === '#/new') : hash.startsWith(href);
    link.classList.toggle('active', active);
    if (active) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  for (const [pattern, load, fn] of ROUTES) {
    const match = hash.match(pattern);
    if (!match) continue;
    const target = view();
    target.setAttribute('aria-busy', 'true');
    try {
      const module = await load();
      const params = match.slice(1).map(decodeURIComponent);
      mount(target);
      cleanup = (await module[fn](target, ...params)) || null;
    } catch (error) {
      console.error(error);
      mount(target, h('div', { class: 'callout callout-error' }, icon('alert'), h('div', {}, String(error.message || error))));
    } finally {
      target.removeAttribute('aria-busy');
    }
    window.scrollTo(0, 0);
    return;
  }
  mount(view(), h('div', { class: 'empty' }, h('h3', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to sessions'))));
}

export function navigate(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

// ---- Approvals: banner counts, browser notifications -------------------------------------------------

let knownApprovals = new Set();
function updateApprovals() {
  const pending = store.sessions.flatMap((s) => (s.pendingApprovals || []).map((a) => ({ ...a, session: s.name })));
  const ids = new Set(pending.map((a) => a.requestId));
  const fresh = pending.filter((a) => !knownApprovals.has(a.requestId));
  if (store.approvalsSeeded && fresh.length && !document.hasFocus() && localStorage.getItem('csm.notify') === 'on'
      && 'Notification' in window && Notification.permission === 'granted') {
    for (const a of fresh) {
      const n = new Notification(`${a.session}: approve ${a.tool}?`, { body: summarizeInput(a.input), tag: a.requestId });
      n.onclick = () => { window.focus(); navigate(`#/s/${encodeURIComponent(a.session)}`); };
    }
  }
  store.approvalsSeeded = true;
  knownApprovals = ids;
  const badge = document.getElementById('nav-approvals');
  if (badge) { badge.textContent = String(pending.length); badge.hidden = pending.length === 0; }
  document.title = pending.length ? `(${pending.length}) csm — ${store.workspace}` : `csm — ${store.workspace}`;
}

export function summarizeInput(input) {
  if (!input || typeof input !== 'object') return String(input ?? '');
  const main = input.command ?? input.file_path ?? input.url ?? input.pattern ?? input.query ?? input.path;
  return String(main ?? JSON.stringify(input)).slice(0, 200);
}

// ---- Footer: connection and Claude usage ---------------------------------------------------------------

function renderConnection(state) {
  const el = document.getElementById('conn');
  const labels = { live: 'Live', connecting: 'Connecting…', lost: 'Reconnecting…' };
  mount(el, h('span', { class: `conn-dot conn-${state}` }), labels[state] || state);
  document.getElementById('lost-banner').hidden = state !== 'lost';
}

function usageBar(label, window) {
  if (!window) return null;
  const percent = Math.max(0, Math.min(100, Math.round((window.utilization ?? 0) * 100)));
  const elapsed = window.elapsedFraction;
  const level = percent >= 90 ? 'high' : percent >= 70 ? 'mid' : 'low';
  const over = window.pace !== null && window.pace !== undefined && window.pace > 1;
  const title = `${label}: ${percent}% used` + (window.resetsAt ? `, resets ${new Date(window.resetsAt).toLocaleString()}` : '')
    + (elapsed !== null && elapsed !== undefined ? `; ${Math.round(elapsed * 100)}% of the window elapsed` : '')
    + (over ? ' — ahead of pace' : '');
  const track = h('span', { class: 'usage-track' }, h('span', { class: `usage-fill usage-${level}` }));
  track.firstChild.style.width = `${percent}%`;
  if (elapsed !== null && elapsed !== undefined) {
    const marker = h('span', { class: 'usage-pace', title: 'pace: where usage would be if spent evenly' });
    marker.style.left = `${Math.max(0, Math.min(100, elapsed * 100))}%`;
    track.appendChild(marker);
  }
  return h('span', { class: ['usage', over && 'usage-over'], title, 'data-window': label },
    h('span', { class: 'usage-label' }, label), track, h('span', { class: 'usage-pct' }, `${percent}%`));
}

async function loadUsage() {
  const el = document.getElementById('usage');
  try {
    const u = await get('/api/claude-usage');
    mount(el, usageBar('5h', u.session), usageBar('Week', u.weekly), usageBar('Sonnet', u.sonnet), usageBar('Opus', u.opus));
    el.title = '';
  } catch (error) {
    mount(el, h('span', { class: 'muted small', title: error.message }, error.code === 'claude_credentials_missing'
      ? 'Usage: no Claude login' : error.status === 404 ? '' : 'Usage unavailable'));
  }
}

// ---- Keys -----------------------------------------------------------------------------------------------

const KEYS = [
  ['/ or Ctrl+K', 'Focus search'],
  ['n', 'New session'],
  ['g then s / p / t / r', 'Go to sessions, plan, tasks, rules'],
  ['Esc', 'Back / close'],
  ['y / n', 'Allow / deny in the approval dialog'],
  ['?', 'This help'],
];

function showKeys() {
  modal((close) => h('div', { class: 'dialog-body' }, h('h2', {}, 'Keyboard shortcuts'),
    h('dl', { class: 'keys' }, KEYS.map(([k, d]) => [h('dt', {}, k.split(' ').map((part) => ['or', 'then', '/'].includes(part) ? ` ${part} ` : h('kbd', {}, part))), h('dd', {}, d)])),
    h('div', { class: 'dialog-actions' }, button('Close', () => close(), { kind: 'primary' }))), { label: 'Keyboard shortcuts' });
}

let pendingG = false;
function onKey(event) {
  if (document.querySelector('dialog[open]')) return;
  const search = document.querySelector('[data-search]');
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
    event.preventDefault();
    if (search) search.focus(); else navigate('#/');
    return;
  }
  if (isTyping(event)) {
    if (event.key === 'Escape') event.target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (pendingG) {
    pendingG = false;
    const target = { s: '#/', p: '#/plan', t: '#/tasks', r: '#/rules', h: '#/hosts', a: '#/archive' }[event.key];
    if (target) { event.preventDefault(); navigate(target); }
    return;
  }
  switch (event.key) {
    case '/': event.preventDefault(); if (search) search.focus(); else { navigate('#/'); setTimeout(() => document.querySelector('[data-search]')?.focus(), 150); } break;
    case 'n': event.preventDefault(); navigate('#/new'); break;
    case 'g': pendingG = true; setTimeout(() => { pendingG = false; }, 1200); break;
    case '?': event.preventDefault(); showKeys(); break;
    case 'Escape': if ((location.hash || '#/') !== '#/') history.length > 1 ? history.back() : navigate('#/'); break;
    default: break;
  }
}

// ---- Theme ---------------------------------------------------------------------------------------------

export function applyTheme(theme = localStorage.getItem('csm.theme') || 'system') {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
}

// ---- Shell ---------------------------------------------------------------------------------------------

function shell() {
  const app = document.getElementById('app');
  mount(app,
    h('aside', { class: 'sidebar', 'aria-label': 'Navigation' },
      h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo' }, '›_'), h('span', {}, 'csm'),
        h('span', { class: 'brand-ws', id: 'ws-name' })),
      h('nav', { class: 'nav' }, NAV.map(([href, label, name]) => h('a', { href }, icon(name), h('span', {}, label),
        href === '#/' ? h('span', { class: 'nav-badge', id: 'nav-approvals', hidden: true, title: 'pending approvals' }) : null))),
      h('a', { class: 'btn btn-primary new-btn', href: '#/new' }, icon('plus', 17), h('span', {}, 'New session')),
      h('button', { class: 'keys-btn', type: 'button', onclick: showKeys }, icon('keyboard', 16), h('span', {}, 'Shortcuts'), h('kbd', {}, '?'))),
    h('div', { class: 'scrim', onclick: () => document.body.classList.remove('nav-open') }),
    h('div', { class: 'main' },
      h('header', { class: 'topbar' },
        h('button', { class: 'icon-btn', type: 'button', 'aria-label': 'Menu', onclick: () => document.body.classList.toggle('nav-open') }, icon('menu')),
        h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo' }, '›_'), 'csm'),
        h('a', { class: 'icon-btn', href: '#/new', 'aria-label': 'New session', title: 'New session' }, icon('plus'))),
      h('div', { id: 'lost-banner', class: 'banner banner-warn', role: 'status', hidden: true }, icon('alert', 16),
        'Connection to csm server lost — reconnecting; updates resume where they stopped.'),
      h('div', { id: 'auth-banner', class: 'banner banner-info', hidden: true }, icon('key', 16),
        h('span', {}, 'Read-only: this browser is not signed in. Open the link ', h('code', {}, 'csm server'), ' printed, or paste the token in '),
        h('a', { href: '#/settings' }, 'Settings'), '.'),
      h('main', { id: 'view', tabindex: '-1' }),
      h('footer', { class: 'footer' }, h('span', { id: 'conn', class: 'conn' }), h('span', { id: 'usage', class: 'usage-bars' }))));
}

async function start() {
  applyTheme();
  shell();
  bus.onState(renderConnection);
  onApiError((error) => {
    if (error.status === 401) document.getElementById('auth-banner').hidden = false;
  });
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', onKey);
  let lastEventId = null;
  try {
    const health = await get('/api/health');
    store.workspace = health.workspace;
    lastEventId = health.lastEventId;
    document.getElementById('ws-name').textContent = health.workspace;
    document.title = `csm — ${health.workspace}`;
  } catch { /* the stream's banner says the server is unreachable */ }
  bus.stream = null;
  bus.on((event) => {
    if (event.type === 'agent.status' && event.session) {
      const s = store.session(event.session);
      if (s && event.data) { s.status = event.data.status; s.statusReason = event.data.reason || null; store.emit(); }
    }
    if (event.type === 'agent.hook' || event.type === 'agent.assistant_text' || event.type === 'agent.tool_result') {
      // Frequent and rarely list-changing: the debounced refresh catches cost/turn changes.
    }
    refreshSoon();
    if (event.type === 'reconcile.pass') loadUsage();
  });
  const { LiveStream } = await import('./live.js');
  bus.stream = new LiveStream({}, {
    lastEventId,
    onEvent: (event) => { for (const fn of bus.listeners) { try { fn(event); } catch (e) { console.error(e); } } },
    onState: (state) => {
      const wasLost = bus.state === 'lost';
      bus.state = state;
      for (const fn of bus.stateListeners) fn(state);
      if (wasLost && state === 'live') store.refresh();
    },
  });
  // Lets a test (or a curious user in the console) see the lost-connection path without killing the server.
  document.addEventListener('csm:drop-stream', () => bus.stream.drop());
  // A page kept in the back/forward cache must not hold its sockets; coming back reloads it.
  window.addEventListener('pagehide', () => { if (cleanup) { try { cleanup(); } catch { /* leaving anyway */ } cleanup = null; } bus.stream.close(); });
  window.addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });
  await store.refresh();
  route();
  loadUsage();
  setInterval(loadUsage, 5 * 60 * 1000);
  setInterval(() => store.emit(), 30 * 1000); // ages ("3m ago") move on
}

start();
