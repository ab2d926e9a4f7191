// The sessions page: approvals and drift banners, search, status chips, favorites, table and card views.
import { store, navigate, summarizeInput } from './app.js';
import { get, post, del, enc, ApiError } from './api.js';
import { bus } from './live.js';
import { h, mount, icon, iconButton, button, statusBadge, statusLabel, STATUSES, timeAgo, money, toast, copyText,
  confirmDialog, modal, empty, errorBox } from './ui.js';

const prefs = {
  get view() { return localStorage.getItem('csm.view') || (matchMedia('(max-width: 700px)').matches ? 'cards' : 'table'); },
  set view(v) { localStorage.setItem('csm.view', v); },
  get favorites() { return localStorage.getItem('csm.favs') === '1'; },
  set favorites(v) { localStorage.setItem('csm.favs', v ? '1' : '0'); },
};

/** What the search box matches: name, Linear key and title, repo, host, branch, last message. */
function haystack(s) {
  return [s.name, s.linear, s.linearTitle, s.repo, s.host, s.branch, s.lastMessage, s.statusReason].filter(Boolean).join(' ').toLowerCase();
}

export async function render(root) {
  let query = '';
  let status = sessionStorage.getItem('csm.status') || 'all';
  let plan = null;
  const lastMessages = {};

  const banners = h('div', { class: 'summary-row' });
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Filter by status' });
  const body = h('div', { id: 'sessions' });
  const searchInput = h('input', { class: 'input', type: 'search', placeholder: 'Search name, issue, repo, host, message…',
    'aria-label': 'Search sessions', 'data-search': true, value: sessionStorage.getItem('csm.query') || '',
    oninput: (e) => { query = e.target.value.trim().toLowerCase(); sessionStorage.setItem('csm.query', e.target.value); draw(); },
    onkeydown: (e) => { if (e.key === 'Enter') { const first = body.querySelector('a[data-open]'); if (first) first.click(); } } });
  query = searchInput.value.trim().toLowerCase();
  const favToggle = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(prefs.favorites), title: 'Show favorites only',
    onclick: () => { prefs.favorites = !prefs.favorites; favToggle.setAttribute('aria-pressed', String(prefs.favorites)); draw(); } },
  icon('star', 14), 'Favorites');
  const viewToggle = h('div', { class: 'segmented', role: 'group', 'aria-label': 'View' },
    h('button', { type: 'button', title: 'Table', 'aria-label': 'Table view', 'data-view': 'table', onclick: () => setView('table') }, icon('list', 16)),
    h('button', { type: 'button', title: 'Cards', 'aria-label': 'Card view', 'data-view': 'cards', onclick: () => setView('cards') }, icon('grid', 16)));
  function setView(v) { prefs.view = v; draw(); }

  mount(root,
    h('div', { class: 'page-header' },
      h('div', {}, h('h1', {}, 'Sessions'), h('p', { class: 'muted', id: 'session-count' }, '')),
      h('div', { class: 'page-actions' }, h('a', { class: 'btn btn-primary', href: '#/new' }, icon('plus', 17), h('span', {}, 'New session')))),
    banners,
    h('div', { class: 'toolbar' },
      h('label', { class: 'search' }, icon('search', 16), searchInput, h('kbd', { class: 'hide-phone' }, '/')),
      h('div', { class: 'spacer' }), favToggle, viewToggle),
    h('div', { class: 'toolbar' }, chips),
    body);

  function filtered() {
    return store.sessions.filter((s) => (status === 'all' || s.status === status)
      && (!prefs.favorites || s.favorite)
      && (!query || haystack({ ...s, lastMessage: lastMessages[s.name] || s.lastMessage }).includes(query)));
  }

  function drawBanners() {
    const pending = store.sessions.flatMap((s) => (s.pendingApprovals || []).map((a) => ({ ...a, session: s.name })));
    const parts = [];
    if (pending.length) {
      const text = pending.slice(0, 3).map((a) => `${a.session}: ${a.tool}`).join(', ') + (pending.length > 3 ? ', …' : '');
      parts.push(h('div', { class: 'callout callout-warn', id: 'approvals-banner' }, icon('bell', 18),
        h('div', { class: 'grow' }, h('strong', {}, `${pending.length} pending approval${pending.length === 1 ? '' : 's'}`), h('div', { class: 'muted small truncate' }, text)),
        button('Review', () => navigate(`#/s/${enc(pending[0].session)}`), { kind: 'primary', small: true })));
    }
    if (plan) {
      const pendingActions = planPending(plan);
      const failing = (plan.failures || []).length;
      const inSync = pendingActions === 0 && failing === 0 && !(plan.pass && plan.pass.error);
      parts.push(h('div', { class: ['callout', inSync ? 'callout-ok' : 'callout-warn'], id: 'drift-banner' }, icon(inSync ? 'check' : 'plan', 18),
        h('div', { class: 'grow' }, h('strong', {}, inSync ? 'In sync with csm.yaml' : plan.pass && plan.pass.error ? 'Last pass failed'
          : `${pendingActions + failing} change${pendingActions + failing === 1 ? '' : 's'} pending`),
        h('div', { class: 'muted small truncate' }, plan.pass ? `Pass ${plan.pass.number} · ${timeAgo(plan.pass.startedAt)}${plan.pass.error ? ' · ' + plan.pass.error : ''}` : 'No reconcile pass yet')),
        h('a', { class: 'btn btn-sm', href: '#/plan' }, 'Plan')));
    }
    mount(banners, parts);
    banners.hidden = parts.length === 0;
  }

  function drawChips() {
    const counts = { all: store.sessions.length };
    for (const s of store.sessions) counts[s.status] = (counts[s.status] || 0) + 1;
    const shown = ['all', ...STATUSES.filter((st) => counts[st])];
    if (!shown.includes(status)) shown.push(status);
    mount(chips, shown.map((st) => h('button', { type: 'button', class: 'chip', 'data-status': st, 'aria-pressed': String(st === status),
      onclick: () => { status = st; sessionStorage.setItem('csm.status', st); draw(); } },
    st === 'all' ? null : h('span', { class: `status status-${st}` }, h('span', { class: 'dot' })),
    st === 'all' ? 'All' : statusLabel(st), h('span', { class: 'count' }, String(counts[st] || 0)))));
  }

  function actions(s) {
    return h('div', { class: 'row-actions' },
      iconButton('copy', 'Copy attach command', () => copyText(`csm attach ${s.name}`, 'Copied')),
      s.declared ? iconButton('refresh', 'Reconnect', () => reconnect(s.name)) : null,
      s.status !== 'unmanaged' ? iconButton('trash', 'Kill', () => kill(s.name)) : null);
  }

  function star(s) {
    return iconButton('star', s.favorite ? 'Unstar' : 'Star', () => toggleFavorite(s), { class: s.favorite ? 'on' : '', attrs: { 'aria-pressed': String(!!s.favorite), disabled: !s.declared } });
  }

  function nameLink(s) {
    return h('a', { href: `#/s/${enc(s.name)}`, 'data-open': s.name }, s.name);
  }

  function table(list) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', { 'aria-label': 'Favorite' }), h('th', {}, 'Session'), h('th', {}, 'Status'), h('th', { class: 'hide-phone' }, 'Repo · host'),
        h('th', { class: 'hide-phone hide-md' }, 'Branch'), h('th', { class: 'hide-phone' }, 'Issue'), h('th', { class: 'hide-phone' }, 'Last message'),
        h('th', { class: 'num hide-phone hide-md' }, 'Turns'), h('th', { class: 'num hide-phone' }, 'Cost'), h('th', { class: 'num hide-phone' }, 'Active'), h('th', {}))),
      h('tbody', {}, list.map((s) => h('tr', { 'data-session': s.name },
        h('td', { style: null }, star(s)),
        h('td', { class: 'name' }, nameLink(s), s.declared ? null : h('div', { class: 'muted small' }, s.status === 'unmanaged' ? 'not in any workspace' : 'not in csm.yaml')),
        h('td', {}, statusBadge(s.status, s.statusReason), s.failure ? h('div', { class: 'small', style: null }, h('span', { class: 'err-mark', title: s.failure.message }, 'failing')) : null),
        h('td', { class: 'hide-phone' }, h('span', { class: 'tag' }, s.repo || '—'), ' ', h('span', { class: 'muted small' }, s.host)),
        h('td', { class: 'hide-phone hide-md' }, s.branch ? h('span', { class: 'tag mono' }, s.branch) : '—'),
        h('td', { class: 'hide-phone' }, s.linear ? h('span', { class: 'tag tag-linear', title: s.linearTitle || '' }, s.linear) : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'hide-phone' }, h('div', { class: 'truncate muted', title: lastMessages[s.name] || s.lastMessage || '' }, lastMessages[s.name] || s.lastMessage || '—')),
        h('td', { class: 'num hide-phone hide-md' }, String(s.turnCount ?? 0)),
        h('td', { class: 'num hide-phone' }, money(s.costUSD)),
        h('td', { class: 'num hide-phone', title: s.lastActivity || '' }, timeAgo(s.lastActivity || s.createdAt)),
        h('td', {}, actions(s)))))));
  }

  function cards(list) {
    return h('div', { class: 'cards' }, list.map((s) => h('div', { class: 'card session-card', 'data-session': s.name },
      h('header', {}, statusBadge(s.status, s.statusReason), h('div', { class: 'spacer' }), star(s)),
      h('a', { class: 'title', href: `#/s/${enc(s.name)}`, 'data-open': s.name }, s.name),
      h('div', { class: 'meta' }, s.repo ? h('span', { class: 'tag' }, s.repo) : null, h('span', { class: 'tag' }, s.host),
        s.branch ? h('span', { class: 'tag mono' }, s.branch) : null, s.linear ? h('span', { class: 'tag tag-linear' }, s.linear) : null),
      h('div', { class: 'last' }, lastMessages[s.name] || s.lastMessage || s.statusReason || 'No messages yet'),
      h('footer', {}, h('span', {}, `${s.turnCount ?? 0} turns`), h('span', {}, money(s.costUSD)), h('span', {}, timeAgo(s.lastActivity || s.createdAt)), actions(s)))));
  }

  function draw() {
    drawBanners();
    drawChips();
    for (const b of viewToggle.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.view === prefs.view));
    const count = document.getElementById('session-count');
    const working = store.sessions.filter((s) => s.status === 'working').length;
    if (count) count.textContent = `${store.sessions.length} session${store.sessions.length === 1 ? '' : 's'}${working ? ` · ${working} working` : ''}${store.workspace ? ` · workspace ${store.workspace}` : ''}`;
    if (!store.loaded) {
      mount(body, store.error ? errorBox(store.error) : h('div', { class: 'card card-pad' }, [1, 2, 3].map(() => h('div', { class: 'skeleton', style: null }))));
      return;
    }
    const list = filtered();
    if (!store.sessions.length) {
      mount(body, empty('grid', 'No sessions yet', 'Declare one in csm.yaml or create it here.', h('a', { class: 'btn btn-primary', href: '#/new' }, icon('plus', 17), h('span', {}, 'New session'))));
    } else if (!list.length) {
      mount(body, empty('search', 'Nothing matches', 'Try another search or status filter.', button('Clear filters', () => { status = 'all'; searchInput.value = ''; query = ''; prefs.favorites = false; favToggle.setAttribute('aria-pressed', 'false'); draw(); })));
    } else {
      mount(body, prefs.view === 'cards' ? cards(list) : table(list));
    }
  }

  async function toggleFavorite(s) {
    try {
      if (s.favorite) await del(`/api/sessions/${enc(s.name)}/favorite`); else await post(`/api/sessions/${enc(s.name)}/favorite`);
      s.favorite = !s.favorite;
      draw();
    } catch (error) { toast(error.message, 'error'); }
  }

  async function reconnect(name) {
    try {
      toast(`Reconnecting ${name}…`);
      await post(`/api/sessions/${enc(name)}/reconnect`);
      toast(`${name} restarted with --continue`);
    } catch (error) { toast(error.message, 'error'); }
  }

  async function loadPlan() {
    try { plan = await get('/api/plan?preview=true'); drawBanners(); } catch { plan = null; }
  }

  const offStore = store.on(draw);
  const offBus = bus.on((event) => {
    if (event.session && (event.type === 'agent.user_prompt' || event.type === 'message.sent')) {
      lastMessages[event.session] = event.data && event.data.text;
    } else if (event.session && event.type === 'agent.assistant_text') {
      lastMessages[event.session] = event.data && event.data.text;
    }
    if (event.type === 'reconcile.pass' || event.type === 'agent.status' && ['stopped', 'missing'].includes(event.data && event.data.status)) loadPlan();
  });
  draw();
  loadPlan();
  return () => { offStore(); offBus(); };
}

/** Actions the plan of this moment would take (GET /api/plan?preview=true). */
export function planPending(plan) {
  return ((plan && plan.preview && plan.preview.actions) || []).length;
}

/** Kill with confirmation; a refusal to lose work (409 destroy_blocked) offers to archive the work first. */
export async function kill(name) {
  const ok = await confirmDialog({ title: `Kill ${name}?`, confirm: 'Kill session', danger: true,
    body: h('p', { class: 'muted' }, 'Removes the session from csm.yaml and destroys its tmux session and worktree. The branch is kept. csm refuses when the worktree holds work that exists nowhere else.') });
  if (!ok) return false;
  try {
    await del(`/api/sessions/${enc(name)}`);
    toast(`${name} killed`);
    store.refresh();
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'destroy_blocked') {
      const force = await modal((close) => h('div', { class: 'dialog-body', id: 'blocked-dialog' },
        h('h2', {}, 'Not killed: work would be lost'),
        h('div', { class: 'callout callout-warn' }, icon('alert', 18), h('div', { class: 'grow' }, error.message)),
        h('p', { class: 'muted' }, 'Kill anyway records the uncommitted work and unmerged commits under refs/csm/archive/… first.'),
        h('div', { class: 'dialog-actions' }, button('Keep session', () => close(false), { kind: 'ghost' }),
          button('Archive work and kill', () => close(true), { kind: 'danger' }))), { label: 'Kill refused' });
      if (force) {
        try { await del(`/api/sessions/${enc(name)}?force=true`); toast(`${name} killed; its work is under refs/csm/archive/${name}/`); store.refresh(); return true; } catch (e) { toast(e.message, 'error'); }
      }
    } else {
      toast(error.message, 'error');
    }
    return false;
  }
}

export { summarizeInput };
