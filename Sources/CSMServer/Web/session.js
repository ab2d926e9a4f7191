// One session: its live log and message box, the approval dialog, git changes with diffs, and the
// lifecycle actions (reconnect, run a script, merge, archive, kill).
import { store, navigate } from './app.js';
import { get, post, enc, ApiError } from './api.js';
import { LiveStream } from './live.js';
import { SessionLog } from './log.js';
import { kill } from './dashboard.js';
import { h, mount, icon, iconButton, button, statusBadge, money, timeAgo, toast, copyText, modal, empty, errorBox } from './ui.js';

export async function render(root, name) {
  let session = store.session(name);
  if (!session) {
    try { session = await get(`/api/sessions/${enc(name)}`); } catch (error) {
      mount(root, h('div', { class: 'session-head' }, h('div', {}, h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Sessions'), ' / '), h('h1', {}, name))), errorBox(error));
      return null;
    }
  }
  let tab = sessionStorage.getItem('csm.tab') === 'changes' ? 'changes' : 'log';
  const head = h('div', { class: 'session-head' });
  const logBox = h('div', { class: 'log', id: 'log', 'aria-live': 'polite' }, h('div', { class: 'log-empty' }, 'No activity yet. Messages, tool calls and results appear here as they happen.'));
  const log = new SessionLog(logBox, { expandTools: localStorage.getItem('csm.expandTools') === '1' });
  const approvals = h('div', { class: 'approvals' });
  const input = h('textarea', { class: 'input', id: 'message', rows: 1, placeholder: `Message ${name}…`, 'aria-label': 'Message',
    onkeydown: (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); } },
    oninput: () => { input.style.height = 'auto'; input.style.height = `${Math.min(200, input.scrollHeight + 2)}px`; } });
  const sendButton = button('Send', () => send(), { kind: 'primary', iconName: 'send' });
  const expand = h('label', { class: 'switch' }, h('input', { type: 'checkbox', id: 'expand-tools', checked: log.expand,
    onchange: (e) => { log.setExpand(e.target.checked); localStorage.setItem('csm.expandTools', e.target.checked ? '1' : '0'); } }), 'Expand tools');
  const logPanel = h('div', { class: 'card', id: 'panel-log' },
    h('div', { class: 'section-title', style: null }, null),
    logBox,
    h('div', { class: 'composer' }, h('div', { style: null, class: 'grow-col' }, input), sendButton));
  const changesPanel = h('div', { id: 'panel-changes' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' },
    h('button', { role: 'tab', id: 'tab-log', onclick: () => setTab('log') }, 'Activity'),
    h('button', { role: 'tab', id: 'tab-changes', onclick: () => setTab('changes') }, 'Changes'),
    h('div', { class: 'spacer' }), h('div', { style: null, class: 'tab-tools' }, expand));
  logPanel.firstChild.remove();
  input.parentElement.style.flex = '1';

  mount(root, head, approvals, tabs, logPanel, changesPanel);

  function setTab(t) {
    tab = t;
    sessionStorage.setItem('csm.tab', t);
    tabs.querySelector('#tab-log').setAttribute('aria-selected', String(t === 'log'));
    tabs.querySelector('#tab-changes').setAttribute('aria-selected', String(t === 'changes'));
    logPanel.hidden = t !== 'log';
    changesPanel.hidden = t !== 'changes';
    expand.hidden = t !== 'log';
    if (t === 'changes') loadChanges();
  }

  function drawHead() {
    const s = store.session(name) || session;
    session = s;
    mount(head,
      h('div', { style: null, class: 'grow' },
        h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Sessions'), ' / '),
        h('h1', {}, s.name, statusBadge(s.status, s.statusReason)),
        s.statusReason ? h('div', { class: 'muted small' }, s.statusReason) : null,
        h('div', { class: 'facts' },
          s.repo ? h('span', { class: 'tag' }, icon('repo', 13), s.repo) : null,
          h('span', { class: 'tag' }, icon('host', 13), s.host),
          s.branch ? h('span', { class: 'tag mono' }, icon('git', 13), s.branch) : null,
          s.linear ? h('a', { class: 'tag tag-linear', href: `#/tasks/${enc(s.linear)}` }, s.linear) : null,
          s.model ? h('span', { class: 'tag' }, s.model) : null,
          h('span', { class: 'tag' }, `${s.turnCount ?? 0} turns`),
          h('span', { class: 'tag' }, money(s.costUSD)),
          h('span', { class: 'tag', title: s.lastActivity || '' }, `active ${timeAgo(s.lastActivity || s.createdAt)}`)),
        s.failure ? h('div', { class: 'callout callout-error', style: null }, icon('alert'), h('div', {}, h('strong', {}, 'Last action failed'), h('div', {}, s.failure.message || ''))) : null),
      h('div', { class: 'page-actions' },
        button('Attach', () => copyText(`csm attach ${s.name}`, 'Copied'), { iconName: 'copy', title: 'Copy the attach command' }),
        s.declared ? button('Reconnect', reconnect, { iconName: 'refresh' }) : null,
        s.declared ? button('Run', runScript, { iconName: 'play', title: 'Run a script in the terminal window' }) : null,
        s.declared ? button('Merge', merge, { iconName: 'merge' }) : null,
        s.declared ? button('Archive', archive, { iconName: 'archive' }) : null,
        s.status !== 'unmanaged' ? iconButton('trash', 'Kill session', async () => { if (await kill(s.name)) navigate('#/'); }) : null));
    const canType = ['idle', 'working', 'starting'].includes(s.status);
    input.disabled = !canType && s.status !== 'waiting';
    input.placeholder = s.status === 'waiting' ? 'Waiting for a decision — answer the approval first' : canType ? `Message ${s.name}… (Enter sends, Shift+Enter for a new line)` : `The agent is ${s.status}; reconnect to talk to it`;
    drawApprovals();
  }

  // ---- Approvals ----
  const shownDialogs = new Set();
  function pending() { return (store.session(name) || session).pendingApprovals || []; }

  function drawApprovals() {
    mount(approvals, pending().map((a) => h('div', { class: 'approval', style: null },
      icon('bell', 18), h('div', { class: 'grow' }, h('strong', {}, `${a.tool} wants to run`), h('div', { class: 'mono small truncate' }, summarize(a))),
      button('Review', () => openApproval(a), { kind: 'primary', small: true }))));
    for (const a of pending()) if (!shownDialogs.has(a.requestId)) openApproval(a);
  }

  function summarize(a) {
    const i = a.input || {};
    return String(i.command ?? i.file_path ?? i.url ?? i.pattern ?? JSON.stringify(i));
  }

  let dialogOpen = null;
  async function openApproval(a) {
    shownDialogs.add(a.requestId);
    if (dialogOpen) return;
    dialogOpen = a.requestId;
    const decide = async (action, always, close) => {
      try {
        await post(`/api/sessions/${enc(name)}/approve-tool`, { requestId: a.requestId, action, always });
        toast(`${action === 'allow' ? 'Allowed' : 'Denied'} ${a.tool}${always ? ' — rule added' : ''}`);
        close(true);
        store.refresh();
      } catch (error) {
        toast(error.message, 'error');
        if (error instanceof ApiError && ['approval_answered', 'approval_not_found'].includes(error.code)) close(false);
      }
    };
    const input = a.input || {};
    const body = a.tool === 'Bash' ? (input.command || '') : JSON.stringify(input, null, 2);
    await modal((close) => {
      const onKey = (e) => {
        if (e.ctrlKey || e.metaKey || e.altKey) return;
        if (e.key === 'y' || e.key === 'Y') { e.preventDefault(); decide('allow', false, close); }
        if (e.key === 'n' || e.key === 'N') { e.preventDefault(); decide('deny', false, close); }
      };
      const box = h('div', { class: 'dialog-body approval-dialog', id: 'approval-dialog', 'data-request': a.requestId, onkeydown: onKey },
        h('div', { class: 'tool-title' }, icon('shield', 20), h('h2', {}, 'Approve tool use?'), h('span', { class: 'tool-badge' }, a.tool)),
        h('p', { class: 'muted' }, `${name} asks to use ${a.tool}. Nothing runs until you decide.`),
        h('pre', { class: 'code', id: 'approval-input' }, body),
        h('div', { class: 'dialog-actions' },
          button('Always deny', () => decide('deny', true, close), { kind: 'ghost', attrs: { id: 'approve-always-deny', class: 'btn btn-ghost left' } }),
          button('Always allow', () => decide('allow', true, close), { attrs: { id: 'approve-always-allow' } }),
          button('Deny', () => decide('deny', false, close), { kind: 'danger', attrs: { id: 'approve-deny', title: 'N' } }),
          button('Allow', () => decide('allow', false, close), { kind: 'ok', attrs: { id: 'approve-allow', title: 'Y', autofocus: true } })),
        h('p', { class: 'muted small' }, 'Keys: ', h('kbd', {}, 'Y'), ' allow · ', h('kbd', {}, 'N'), ' deny · ', h('kbd', {}, 'Esc'), ' later'));
      closers.set(a.requestId, close);
      return box;
    }, { label: 'Tool approval' });
    closers.delete(a.requestId);
    dialogOpen = null;
    const next = pending().find((p) => !shownDialogs.has(p.requestId));
    if (next) openApproval(next);
  }
  const closers = new Map();

  // ---- Messages ----
  async function send() {
    const text = input.value;
    if (!text.trim()) return;
    sendButton.disabled = true;
    try {
      await post(`/api/sessions/${enc(name)}/message`, { text });
      input.value = '';
      input.style.height = 'auto';
    } catch (error) {
      toast(error.message, 'error');
    } finally {
      sendButton.disabled = false;
      input.focus();
    }
  }

  // ---- Actions ----
  async function reconnect() {
    try { toast(`Reconnecting ${name}…`); await post(`/api/sessions/${enc(name)}/reconnect`); toast('Agent restarted with --continue'); } catch (e) { toast(e.message, 'error'); }
  }

  async function runScript() {
    let scripts = {};
    try {
      const repos = (await get('/api/repos')).repos || [];
      scripts = (repos.find((r) => r.name === session.repo) || {}).scripts || {};
    } catch { /* typed names still work */ }
    const names = Object.keys(scripts).sort();
    const script = await modal((close) => {
      const field = h('input', { class: 'input mono', id: 'script-name', list: 'script-names', placeholder: 'test', autofocus: true, value: names[0] || '' });
      return h('form', { class: 'dialog-body', onsubmit: (e) => { e.preventDefault(); close(field.value.trim()); } },
        h('h2', {}, 'Run a script'),
        h('p', { class: 'muted' }, 'Runs in the session\'s terminal window. Watch it with ', h('code', {}, `csm attach ${name} --terminal`), '.'),
        names.length ? h('div', { class: 'chips' }, names.map((n) => h('button', { type: 'button', class: 'chip', title: scripts[n], onclick: () => close(n) }, icon('play', 12), n))) : h('p', { class: 'muted small' }, 'The repo declares no scripts (scripts: in csm.yaml); type a session script\'s name.'),
        h('datalist', { id: 'script-names' }, names.map((n) => h('option', { value: n }))), field,
        h('div', { class: 'dialog-actions' }, button('Cancel', () => close(null), { kind: 'ghost' }), button('Run', null, { kind: 'primary', type: 'submit', iconName: 'play' })));
    }, { label: 'Run a script' });
    if (!script) return;
    try { const r = await post(`/api/sessions/${enc(name)}/run`, { script }); toast(`Running ${r.script || script}: ${r.command || ''}`); } catch (e) { toast(e.message, 'error'); }
  }

  async function merge() {
    const choice = await modal((close) => {
      const strategy = h('select', { class: 'input', id: 'merge-strategy' }, [['merge', 'Merge (fast-forward when possible)'], ['squash', 'Squash into one commit'], ['rebase', 'Rebase onto the base'], ['ff-only', 'Fast-forward only']].map(([v, l]) => h('option', { value: v }, l)));
      const message = h('input', { class: 'input', placeholder: 'Commit message (squash; optional)' });
      const push = h('input', { type: 'checkbox' });
      const archiveAfter = h('input', { type: 'checkbox', checked: true, id: 'merge-archive' });
      return h('form', { class: 'dialog-body', onsubmit: (e) => { e.preventDefault(); close({ strategy: strategy.value, message: message.value.trim() || undefined, push: push.checked, archive: archiveAfter.checked }); } },
        h('h2', {}, `Merge ${name}`),
        h('p', { class: 'muted' }, `Merges ${session.branch || 'the session branch'} into its base in the source repository. Uncommitted work or a conflict refuses the merge and changes nothing.`),
        h('div', { class: 'field' }, h('label', {}, 'Strategy'), strategy), h('div', { class: 'field' }, message),
        h('label', { class: 'switch' }, push, 'Push the base to origin afterwards'),
        h('label', { class: 'switch' }, archiveAfter, 'Archive the session after merging (branch kept, restorable)'),
        h('div', { class: 'dialog-actions' }, button('Cancel', () => close(null), { kind: 'ghost' }), button('Merge', null, { kind: 'primary', type: 'submit', iconName: 'merge' })));
    }, { label: 'Merge' });
    if (!choice) return;
    try {
      const result = await post(`/api/sessions/${enc(name)}/merge`, choice);
      toast(`Merged ${name}${result.archived ? ' and archived it' : ''}`);
      if (result.archived) navigate('#/archive');
    } catch (e) { errorModal('Merge refused', e); }
  }

  async function archive() {
    const go = await modal((close) => h('div', { class: 'dialog-body' }, h('h2', {}, `Archive ${name}?`),
      h('p', { class: 'muted' }, 'Removes it from csm.yaml and destroys the tmux session and worktree; the branch and a record are kept, so Archive → Restore brings it back.'),
      h('div', { class: 'dialog-actions' }, button('Cancel', () => close(false), { kind: 'ghost' }), button('Archive', () => close(true), { kind: 'primary', iconName: 'archive' }))), { label: 'Archive' });
    if (!go) return;
    try { await post(`/api/sessions/${enc(name)}/archive`); toast(`${name} archived`); navigate('#/archive'); } catch (e) {
      if (e.code === 'worktree_dirty') {
        const force = await modal((close) => h('div', { class: 'dialog-body' }, h('h2', {}, 'Uncommitted work'), h('div', { class: 'callout callout-warn' }, icon('alert'), h('div', { class: 'grow' }, e.message)),
          h('div', { class: 'dialog-actions' }, button('Cancel', () => close(false), { kind: 'ghost' }), button('Record the work and archive', () => close(true), { kind: 'danger' }))));
        if (force) { try { await post(`/api/sessions/${enc(name)}/archive?force=true`); toast(`${name} archived`); navigate('#/archive'); } catch (e2) { toast(e2.message, 'error'); } }
      } else errorModal('Archive refused', e);
    }
  }

  function errorModal(title, error) {
    modal((close) => h('div', { class: 'dialog-body' }, h('h2', {}, title), errorBox(error), h('div', { class: 'dialog-actions' }, button('OK', () => close(), { kind: 'primary' }))));
  }

  // ---- Changes ----
  async function loadChanges() {
    mount(changesPanel, h('div', { class: 'card card-pad' }, h('div', { class: 'skeleton' })));
    let changes;
    try { changes = await get(`/api/sessions/${enc(name)}/changes`); } catch (error) {
      mount(changesPanel, error.code === 'worktree_missing' ? empty('git', 'No worktree yet', error.message) : errorBox(error));
      return;
    }
    const files = changes.files || [];
    if (!files.length) { mount(changesPanel, empty('check', 'Working tree clean', `Nothing changed on ${changes.branch || 'the branch'} since its last commit.`)); return; }
    const perFile = splitDiff(changes.diff || '');
    const diffBox = h('div', { class: 'card diff', id: 'diff' });
    const list = h('div', { class: 'card file-list', id: 'file-list' }, files.map((f) => {
      const stats = countLines(perFile[f.path] || '');
      const letter = { modified: 'M', added: 'A', new: 'A', deleted: 'D', renamed: 'R', untracked: 'U', typechange: 'T' }[f.status] || f.status.slice(0, 1).toUpperCase();
      return h('button', { type: 'button', class: 'file-item', 'data-file': f.path, title: `${f.path} (${f.status}${f.staged ? ', staged' : ''})`, onclick: (e) => showFile(f, e.currentTarget) },
        h('span', { class: `fstat fstat-${letter}` }, letter), h('span', { class: 'path' }, h('bdi', {}, f.path)),
        h('span', { class: 'tool-stat' }, h('span', { class: 'plus' }, `+${stats.plus}`), ' ', h('span', { class: 'minus' }, `−${stats.minus}`)));
    }));
    mount(changesPanel,
      changes.isTruncated ? h('div', { class: 'callout callout-warn' }, icon('alert'), 'The diff is large and was cut; open a file to see all of it.') : null,
      h('div', { class: 'changes' }, list, diffBox));
    async function showFile(f, buttonEl) {
      for (const b of list.querySelectorAll('.file-item')) b.setAttribute('aria-current', String(b === buttonEl));
      let patch = perFile[f.path];
      try { patch = (await get(`/api/sessions/${enc(name)}/diff?file=${enc(f.path)}`)).patch; } catch { /* the slice of the whole diff */ }
      mount(diffBox, h('div', { class: 'diff-head' }, h('span', {}, f.path), h('span', { class: 'muted' }, f.status)), renderDiff(patch || ''));
    }
    showFile(files[0], list.querySelector('.file-item'));
  }

  // ---- Live stream ----
  const stream = new LiveStream({ session: name }, {
    lastEventId: 0,
    onEvent: (event) => {
      log.handle(event);
      if (event.type === 'agent.approval_pending' || event.type === 'agent.approval_decided' || event.type === 'agent.status') {
        if (event.type === 'agent.approval_decided') { const close = closers.get(event.data && event.data.requestId); if (close) close(false); }
        store.refresh();
      }
    },
    onState: (state) => { if (state === 'live') setTimeout(() => { log.replaying = false; }, 300); },
  });
  const off = store.on(drawHead);
  drawHead();
  setTab(tab);
  return () => { stream.close(); off(); for (const close of closers.values()) close(false); };
}

/** Splits a multi-file unified diff into { path: patch }. */
export function splitDiff(diff) {
  const out = {};
  let current = null;
  for (const line of diff.split('\n')) {
    const m = line.match(/^diff --git a\/(.*) b\/(.*)$/);
    if (m) { current = m[2]; out[current] = ''; }
    if (current !== null) out[current] += `${line}\n`;
  }
  return out;
}

function countLines(patch) {
  let plus = 0; let minus = 0;
  for (const line of patch.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) plus += 1;
    else if (line.startsWith('-') && !line.startsWith('---')) minus += 1;
  }
  return { plus, minus };
}

/** A unified diff as a table with old and new line numbers and coloured lines. */
export function renderDiff(patch) {
  if (!patch.trim()) return h('div', { class: 'empty' }, h('p', {}, 'No textual changes (binary file or mode change).'));
  const rows = [];
  let oldLine = 0; let newLine = 0;
  for (const line of patch.replace(/\n$/, '').split('\n')) {
    const hunk = line.match(/^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/);
    if (hunk) {
      oldLine = Number(hunk[1]); newLine = Number(hunk[2]);
      rows.push(h('tr', { class: 'hunk' }, h('td', { class: 'ln' }), h('td', { class: 'ln' }), h('td', { class: 'sign' }), h('td', { class: 'code' }, line)));
    } else if (/^(diff --git|index |--- |\+\+\+ |new file|deleted file|similarity|rename |old mode|new mode|Binary)/.test(line)) {
      if (/^(new file|deleted file|rename |Binary)/.test(line)) rows.push(h('tr', { class: 'meta' }, h('td', { class: 'ln' }), h('td', { class: 'ln' }), h('td', { class: 'sign' }), h('td', { class: 'code' }, line)));
    } else if (line.startsWith('+')) {
      rows.push(h('tr', { class: 'add' }, h('td', { class: 'ln' }), h('td', { class: 'ln' }, String(newLine++)), h('td', { class: 'sign' }, '+'), h('td', { class: 'code' }, line.slice(1))));
    } else if (line.startsWith('-')) {
      rows.push(h('tr', { class: 'del' }, h('td', { class: 'ln' }, String(oldLine++)), h('td', { class: 'ln' }), h('td', { class: 'sign' }, '−'), h('td', { class: 'code' }, line.slice(1))));
    } else if (line.startsWith('\\')) {
      rows.push(h('tr', { class: 'meta' }, h('td', { class: 'ln' }), h('td', { class: 'ln' }), h('td', { class: 'sign' }), h('td', { class: 'code' }, line)));
    } else {
      rows.push(h('tr', {}, h('td', { class: 'ln' }, String(oldLine++)), h('td', { class: 'ln' }, String(newLine++)), h('td', { class: 'sign' }, ' '), h('td', { class: 'code' }, line.slice(1))));
    }
  }
  return h('table', { class: 'diff-table', id: 'diff-table' }, h('tbody', {}, rows));
}
