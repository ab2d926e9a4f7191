// Tasks from Linear (docs/integrations.md): my issues and search, a state filter, issue cards, and an
// issue's page with its description as sanitized Markdown, comments (newest first), a comment box, state
// changes and "start a session".
import { get, post, enc } from './api.js';
import { store } from './app.js';
import { h, mount, icon, button, toast, vendor, empty, errorBox, pageHeader, timeAgo, debounce } from './ui.js';

const STATE_FILTERS = [['open', 'Open'], ['started', 'In progress'], ['unstarted', 'Todo'], ['backlog', 'Backlog'], ['triage', 'Triage'], ['completed', 'Done'], ['canceled', 'Canceled'], ['', 'Any state']];

function notConfigured(error) {
  return error && error.code === 'linear_not_configured'
    ? empty('tasks', 'Linear is not connected', 'Add your Linear API key in Settings to see your issues here.', h('a', { class: 'btn btn-primary', href: '#/settings' }, 'Open settings'))
    : errorBox(error);
}

function stateTag(state) {
  if (!state) return null;
  const dot = h('span', { class: 'state-dot' });
  if (/^#[0-9a-fA-F]{3,8}$/.test(state.color || '')) dot.style.color = state.color;
  return h('span', { class: 'tag' }, dot, state.name);
}

function issueCard(issue) {
  const sessions = store.sessions.filter((s) => s.linear === issue.identifier);
  const href = `#/tasks/${enc(issue.identifier)}`;
  const external = /^https:\/\//.test(issue.url || '')
    ? h('a', { class: 'icon-btn', href: issue.url, target: '_blank', rel: 'noopener noreferrer', title: 'Open in Linear', 'aria-label': `Open ${issue.identifier} in Linear` }, icon('external', 15))
    : null;
  return h('div', { class: 'card issue-card', 'data-issue': issue.identifier,
    onclick: (e) => { if (!e.target.closest('a')) location.hash = href; } },
  h('span', { class: 'ident' }, issue.identifier),
  h('a', { class: 'title', href }, issue.title),
  h('span', { class: 'issue-end' }, h('span', { class: `prio prio-${issue.priority}` }, issue.priority ? issue.priorityLabel : ''), external),
  h('span', { class: 'meta' }, stateTag(issue.state),
    (issue.labels || []).map((l) => h('span', { class: 'tag' }, l.name)),
    issue.assignee ? h('span', { class: 'muted small' }, issue.assignee.displayName || issue.assignee.name) : null,
    sessions.length ? h('span', { class: 'tag tag-linear' }, `${sessions.length} session${sessions.length === 1 ? '' : 's'}`) : null,
    h('span', { class: 'muted small' }, `updated ${timeAgo(issue.updatedAt)}`)));
}

export async function render(root) {
  let tab = sessionStorage.getItem('csm.tasksTab') || 'mine';
  let state = sessionStorage.getItem('csm.tasksState') ?? 'open';
  const results = h('div', { id: 'issues' });
  const search = h('input', { class: 'input', type: 'search', id: 'issue-query', placeholder: 'Search issues…', 'data-search': true, value: sessionStorage.getItem('csm.tasksQuery') || '' });
  const stateSelect = h('select', { class: 'input', id: 'issue-state', 'aria-label': 'State', style: null }, STATE_FILTERS.map(([v, l]) => h('option', { value: v, selected: v === state }, l)));
  stateSelect.style.width = 'auto';
  const tabs = h('div', { class: 'tabs', role: 'tablist' },
    h('button', { role: 'tab', 'data-tab': 'mine', onclick: () => setTab('mine') }, 'My issues'),
    h('button', { role: 'tab', 'data-tab': 'search', onclick: () => setTab('search') }, 'Search'));
  const searchWrap = h('label', { class: 'search' }, icon('search', 16), search);

  mount(root, pageHeader('Tasks', 'Linear issues — start a session from any of them.'), tabs,
    h('div', { class: 'toolbar' }, searchWrap, h('div', { class: 'spacer' }), stateSelect), results);

  function setTab(t) {
    tab = t;
    sessionStorage.setItem('csm.tasksTab', t);
    for (const b of tabs.querySelectorAll('button')) b.setAttribute('aria-selected', String(b.dataset.tab === t));
    searchWrap.hidden = t !== 'search';
    load();
    if (t === 'search') search.focus();
  }

  async function load() {
    const q = search.value.trim();
    if (tab === 'search' && !q) { mount(results, empty('search', 'Search Linear', 'Type words from a title or an identifier such as ENG-12.')); return; }
    mount(results, h('div', { class: 'card card-pad' }, h('div', { class: 'skeleton' })));
    const params = new URLSearchParams({ first: '50' });
    if (state) params.set('state', state);
    if (tab === 'search') params.set('query', q);
    try {
      const data = await get(`/api/linear/issues?${params}`);
      const byId = new Map((data.issues || []).map((i) => [i.id, i]));
      if (!byId.size) { mount(results, empty('tasks', 'No issues', tab === 'mine' ? 'Nothing assigned to you in this state.' : 'Nothing matches.')); return; }
      const groups = (data.groups && data.groups.length) ? data.groups : [{ state: null, issueIds: [...byId.keys()] }];
      mount(results, groups.map((g) => [
        h('div', { class: 'group-title' }, g.state ? stateTag(g.state) : 'Issues', h('span', {}, String(g.issueIds.length))),
        h('div', { class: 'issue-list' }, g.issueIds.map((id) => byId.get(id)).filter(Boolean).map(issueCard))]));
    } catch (error) { mount(results, notConfigured(error)); }
  }

  search.addEventListener('input', debounce(() => { sessionStorage.setItem('csm.tasksQuery', search.value); load(); }, 300));
  stateSelect.addEventListener('change', () => { state = stateSelect.value; sessionStorage.setItem('csm.tasksState', state); load(); });
  setTab(tab);
  return null;
}

// Markdown from Linear is untrusted. marked (libjs-marked) parses it into tokens, and the dashboard builds
// DOM nodes from those tokens itself: no HTML string is ever parsed, so raw HTML in a description shows as
// text, links keep only http(s)/mailto targets and images only https sources.

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
/** marked escapes inline text in its tokens; text nodes need it back. */
const unescape = (text) => String(text ?? '').replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);

function inline(tokens, into) {
  for (const t of tokens || []) {
    switch (t.type) {
      case 'strong': inline(t.tokens, into.appendChild(document.createElement('strong'))); break;
      case 'em': inline(t.tokens, into.appendChild(document.createElement('em'))); break;
      case 'del': inline(t.tokens, into.appendChild(document.createElement('del'))); break;
      case 'codespan': into.appendChild(h('code', {}, unescape(t.text))); break;
      case 'br': into.appendChild(document.createElement('br')); break;
      case 'link': {
        const safe = /^(https?:|mailto:)/i.test(String(t.href || '').trim());
        const el = safe ? h('a', { href: t.href.trim(), target: '_blank', rel: 'noopener noreferrer', title: t.title || null }) : h('span', { class: 'unsafe-link', title: 'link removed' });
        if (t.tokens) inline(t.tokens, el); else el.textContent = unescape(t.text);
        into.appendChild(el);
        break;
      }
      case 'image':
        if (/^https:/i.test(String(t.href || '').trim())) into.appendChild(h('img', { src: t.href.trim(), alt: unescape(t.text), title: t.title || null, loading: 'lazy' }));
        else into.appendChild(document.createTextNode(unescape(t.text)));
        break;
      case 'text':
        if (t.tokens && t.tokens.length) inline(t.tokens, into); else into.appendChild(document.createTextNode(unescape(t.text)));
        break;
      default: // escape, html and anything newer: as text
        into.appendChild(document.createTextNode(t.type === 'html' ? t.raw : unescape(t.text ?? t.raw)));
    }
  }
}

function blocks(tokens, into) {
  for (const t of tokens || []) {
    switch (t.type) {
      case 'space': case 'def': break;
      case 'heading': inline(t.tokens, into.appendChild(document.createElement(`h${Math.min(6, Math.max(1, t.depth))}`))); break;
      case 'paragraph': inline(t.tokens, into.appendChild(document.createElement('p'))); break;
      case 'text': inline(t.tokens || [{ type: 'text', text: t.text }], into.appendChild(document.createElement('p'))); break;
      case 'code': into.appendChild(h('pre', {}, h('code', {}, t.text))); break;
      case 'hr': into.appendChild(document.createElement('hr')); break;
      case 'blockquote': blocks(t.tokens, into.appendChild(document.createElement('blockquote'))); break;
      case 'list': {
        const list = into.appendChild(h(t.ordered ? 'ol' : 'ul', { start: t.ordered && t.start !== 1 && t.start !== '' ? t.start : null }));
        for (const item of t.items || []) {
          const li = list.appendChild(document.createElement('li'));
          if (item.task) li.appendChild(h('input', { type: 'checkbox', checked: item.checked, disabled: true }));
          // Tight list items hold 'text' tokens: render them inline rather than as paragraphs.
          for (const child of item.tokens || []) {
            if (child.type === 'text' && !item.loose) inline(child.tokens || [{ type: 'text', text: child.text }], li);
            else blocks([child], li);
          }
        }
        break;
      }
      case 'table': {
        const table = into.appendChild(document.createElement('table'));
        const head = table.appendChild(document.createElement('thead')).appendChild(document.createElement('tr'));
        for (const cell of t.header || []) inline(cell.tokens, head.appendChild(document.createElement('th')));
        const body = table.appendChild(document.createElement('tbody'));
        for (const row of t.rows || []) {
          const tr = body.appendChild(document.createElement('tr'));
          for (const cell of row) inline(cell.tokens, tr.appendChild(document.createElement('td')));
        }
        break;
      }
      default: // html blocks and anything unknown: their source, as text
        into.appendChild(h('p', {}, t.raw || ''));
    }
  }
}

/** Linear Markdown as DOM nodes (marked's tokens); plain text when libjs-marked is not installed. */
export async function markdown(text) {
  const marked = await vendor('marked.js', 'marked');
  if (!marked || !text) {
    return h('div', { class: 'markdown plain', title: marked ? '' : 'Install libjs-marked to render Markdown' }, text || '');
  }
  const root = h('div', { class: 'markdown' });
  blocks(marked.lexer(text, { gfm: true }), root);
  return root;
}

export async function renderIssue(root, id) {
  mount(root, h('div', { class: 'card card-pad' }, h('div', { class: 'skeleton' })));
  let issue;
  try { issue = (await get(`/api/linear/issues/${enc(id)}`)).issue; } catch (error) {
    mount(root, h('div', { class: 'crumbs muted small' }, h('a', { href: '#/tasks' }, 'Tasks'), ' / ', id), notConfigured(error));
    return null;
  }
  const description = h('div', { id: 'issue-description' }, await markdown(issue.description || ''));
  if (!issue.description) mount(description, h('p', { class: 'muted' }, 'No description.'));
  const comments = h('div', { id: 'comments' });
  const stateSelect = h('select', { class: 'input', id: 'issue-state-change', 'aria-label': 'Change state' });
  stateSelect.style.width = 'auto';
  const sessions = store.sessions.filter((s) => s.linear === issue.identifier);

  async function loadComments() {
    try {
      const list = ((await get(`/api/linear/issues/${enc(issue.identifier)}/comments`)).comments || []).slice().reverse();
      const nodes = await Promise.all(list.map(async (c) => h('div', { class: 'comment', 'data-comment': c.id },
        h('div', { class: 'who' }, c.user ? (c.user.displayName || c.user.name) : 'Someone', ' ', h('span', { class: 'muted small' }, timeAgo(c.createdAt))),
        await markdown(c.body))));
      mount(comments, nodes.length ? nodes : h('p', { class: 'muted' }, 'No comments yet.'));
    } catch (error) { mount(comments, errorBox(error)); }
  }

  const box = h('textarea', { class: 'input', id: 'comment-body', rows: 3, placeholder: 'Add a comment (Markdown)…' });
  const addComment = async (e) => {
    e.preventDefault();
    if (!box.value.trim()) return;
    try { await post(`/api/linear/issues/${enc(issue.identifier)}/comments`, { body: box.value }); box.value = ''; toast('Comment added'); loadComments(); } catch (error) { toast(error.message, 'error'); }
  };

  mount(root,
    h('div', { class: 'session-head' }, h('div', { class: 'grow', style: null },
      h('div', { class: 'crumbs' }, h('a', { href: '#/tasks' }, 'Tasks'), ' / ', issue.identifier),
      h('h1', { id: 'issue-title' }, issue.title),
      h('div', { class: 'facts' }, stateTag(issue.state), issue.priority ? h('span', { class: `tag prio prio-${issue.priority}` }, issue.priorityLabel) : null,
        issue.team ? h('span', { class: 'tag' }, issue.team.name) : null, issue.assignee ? h('span', { class: 'tag' }, issue.assignee.displayName || issue.assignee.name) : null,
        (issue.labels || []).map((l) => h('span', { class: 'tag' }, l.name)))),
    h('div', { class: 'page-actions' },
      /^https:\/\//.test(issue.url || '') ? h('a', { class: 'btn', href: issue.url, target: '_blank', rel: 'noopener noreferrer' }, icon('external', 16), h('span', {}, 'Open in Linear')) : null,
      h('a', { class: 'btn btn-primary', href: `#/new?linear=${enc(issue.identifier)}`, id: 'start-session' }, icon('play', 16), h('span', {}, 'Start a session')))),
    sessions.length ? h('div', { class: 'callout' }, icon('grid'), h('div', {}, 'Sessions on this issue: ', sessions.map((s, i) => [i ? ', ' : '', h('a', { href: `#/s/${enc(s.name)}` }, s.name)]))) : null,
    h('div', { class: 'grid-2 issue-grid' },
      h('section', { class: 'card card-pad' }, h('h2', {}, 'Description'), description),
      h('section', { class: 'card card-pad' },
        h('div', { class: 'section-title' }, h('h2', {}, 'State'), stateSelect),
        h('h2', { style: null }, 'Comments'),
        h('form', { onsubmit: addComment, class: 'field' }, box, h('div', { class: 'dialog-actions' }, button('Comment', null, { kind: 'primary', type: 'submit', attrs: { id: 'comment-submit' } }))),
        comments)));
  loadComments();
  try {
    const states = (await get(`/api/linear/states?issue=${enc(issue.identifier)}`)).states || [];
    mount(stateSelect, states.map((s) => h('option', { value: s.id, selected: issue.state && s.id === issue.state.id }, s.name)));
    stateSelect.addEventListener('change', async () => {
      try { const r = await post(`/api/linear/issues/${enc(issue.identifier)}/state`, { stateId: stateSelect.value }); toast(`Moved to ${r.issue.state ? r.issue.state.name : 'the new state'}`); } catch (error) { toast(error.message, 'error'); }
    });
  } catch { stateSelect.hidden = true; }
  return null;
}
