// Repos, Hosts (with reachability), Archive (restore) and Settings (Linear key, theme, notifications,
// the API token shown on demand and rotated, sign-in with a pasted token).
import { get, post, patch, enc } from './api.js';
import { store, applyTheme, navigate } from './app.js';
import { h, mount, icon, button, toast, confirmDialog, empty, errorBox, pageHeader, timeAgo, copyText } from './ui.js';

export async function renderRepos(root) {
  mount(root, pageHeader('Repos', 'The repositories csm.yaml declares; sessions get worktrees of them.'));
  let repos;
  try { repos = (await get('/api/repos')).repos || []; } catch (error) { root.appendChild(errorBox(error)); return null; }
  if (!repos.length) { root.appendChild(empty('repo', 'No repos', 'Declare one under repos: in csm.yaml.')); return null; }
  const counts = {};
  for (const s of store.sessions) if (s.repo) counts[s.repo] = (counts[s.repo] || 0) + 1;
  root.appendChild(h('div', { class: 'cards' }, repos.map((r) => h('div', { class: 'card card-pad', 'data-repo': r.name },
    h('div', { class: 'section-title' }, h('h2', { style: null }, r.name), h('span', { class: 'tag' }, `${counts[r.name] || 0} session${counts[r.name] === 1 ? '' : 's'}`)),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Path'), h('dd', { class: 'mono' }, r.path),
      h('dt', {}, 'Base branch'), h('dd', { class: 'mono' }, r.baseBranch || 'HEAD of the checkout'),
      r.host ? [h('dt', {}, 'Host'), h('dd', {}, r.host)] : null,
      (r.setup || []).length ? [h('dt', {}, 'Setup'), h('dd', { class: 'mono' }, r.setup.join(' && '))] : null,
      Object.keys(r.scripts || {}).length ? [h('dt', {}, 'Scripts'), h('dd', {}, Object.keys(r.scripts).sort().map((n) => h('span', { class: 'tag mono', title: r.scripts[n] }, n)))] : null),
    h('div', { class: 'dialog-actions' }, h('a', { class: 'btn btn-sm', href: `#/new?repo=${enc(r.name)}` }, icon('plus', 15), h('span', {}, 'New session')))))));
  return null;
}

export async function renderHosts(root) {
  mount(root, pageHeader('Hosts', 'Where sessions run. Reachability is what the last reconcile pass observed.'));
  let hosts; let plan;
  try { [hosts, plan] = await Promise.all([get('/api/hosts'), get('/api/plan').catch(() => null)]); } catch (error) { root.appendChild(errorBox(error)); return null; }
  const lastError = plan && plan.pass && plan.pass.error;
  const sessionsOn = {};
  for (const s of store.sessions) sessionsOn[s.host] = (sessionsOn[s.host] || 0) + 1;
  const missingOn = {};
  for (const s of store.sessions) if (s.status === 'missing') missingOn[s.host] = (missingOn[s.host] || 0) + 1;
  root.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Host'), h('th', {}, 'Reachability'), h('th', { class: 'hide-phone' }, 'Address'), h('th', { class: 'hide-phone' }, 'Worktrees'), h('th', { class: 'num' }, 'Sessions'))),
    h('tbody', {}, (hosts.hosts || []).map((x) => {
      const unreachable = !x.local && (missingOn[x.name] || 0) > 0 && missingOn[x.name] === sessionsOn[x.name];
      const reach = x.local ? ['idle', 'This machine'] : unreachable ? ['stopped', 'Unreachable'] : sessionsOn[x.name] ? ['idle', 'Reachable'] : ['starting', 'Not observed yet'];
      return h('tr', { 'data-host': x.name },
        h('td', { class: 'name' }, h('strong', {}, x.name)),
        h('td', {}, h('span', { class: `status status-${reach[0]}` }, h('span', { class: 'dot' }), reach[1])),
        h('td', { class: 'mono hide-phone' }, x.local ? 'local' : `${x.ssh || ''}${x.port ? `:${x.port}` : ''}`),
        h('td', { class: 'mono hide-phone' }, x.worktreeBase),
        h('td', { class: 'num' }, String(sessionsOn[x.name] || 0)));
    })))));
  if (lastError) root.appendChild(h('div', { class: 'callout callout-error', style: null }, icon('alert'), h('div', {}, lastError)));
  return null;
}

export async function renderArchive(root) {
  mount(root, pageHeader('Archive', 'Merged or finished sessions. Their branches are kept; restore declares one again and recreates its worktree.'));
  const box = h('div', {});
  root.appendChild(box);
  async function load() {
    let records;
    try { records = (await get('/api/archive')).archive || []; } catch (error) { mount(box, errorBox(error)); return; }
    if (!records.length) { mount(box, empty('archive', 'Nothing archived', 'Merge or archive a session from its page; it lands here.')); return; }
    mount(box, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Session'), h('th', { class: 'hide-phone' }, 'Repo'), h('th', {}, 'Branch'), h('th', { class: 'hide-phone' }, 'Issue'), h('th', {}, 'Archived'), h('th', {}))),
      h('tbody', {}, records.map((r) => h('tr', { 'data-archived': r.name },
        h('td', { class: 'name' }, h('strong', {}, r.name), r.mergedAt ? h('div', { class: 'muted small' }, `merged ${timeAgo(r.mergedAt)}`) : null),
        h('td', { class: 'hide-phone' }, r.repo || '—'),
        h('td', {}, h('span', { class: 'tag mono' }, r.branch || '—')),
        h('td', { class: 'hide-phone' }, r.linear ? h('span', { class: 'tag tag-linear' }, r.linear) : '—'),
        h('td', { title: r.archivedAt || '' }, timeAgo(r.archivedAt)),
        h('td', {}, h('div', { class: 'row-actions' }, button('Restore', () => restore(r.name), { small: true, iconName: 'restore' })))))))));
  }
  async function restore(name) {
    if (!await confirmDialog({ title: `Restore ${name}?`, body: 'Declares it in csm.yaml again and recreates its worktree from the kept branch.', confirm: 'Restore' })) return;
    try { await post(`/api/archive/${enc(name)}/restore`); toast(`${name} restored`); await store.refresh(); navigate(`#/s/${enc(name)}`); } catch (error) { toast(error.message, 'error'); load(); }
  }
  await load();
  return null;
}

export async function renderSettings(root) {
  mount(root, pageHeader('Settings', 'Stored in csm.yaml where they belong to the workspace; theme and notifications stay in this browser.'));
  let config = null;
  try { config = await get('/api/config'); } catch (error) { root.appendChild(errorBox(error)); }

  // Linear
  const keyInput = h('input', { class: 'input mono', id: 'linear-key', type: 'password', autocomplete: 'off',
    placeholder: config && config.hasLinear ? '•••••••• (set — type to replace)' : 'lin_api_… or ${LINEAR_API_KEY}' });
  const linear = h('section', { class: 'card card-pad', id: 'settings-linear' },
    h('div', { class: 'section-title' }, h('h2', {}, 'Linear'), h('span', { class: `status status-${config && config.hasLinear ? 'idle' : 'stopped'}` }, h('span', { class: 'dot' }), config && config.hasLinear ? 'Key set' : 'Not set')),
    h('p', { class: 'muted small' }, 'Written to integrations.linear.apiKey in csm.yaml. Prefer ', h('code', {}, '${LINEAR_API_KEY}'), ' so the secret stays out of a committed file. The key is never shown again.'),
    h('form', { class: 'toolbar', onsubmit: async (e) => {
      e.preventDefault();
      try { await patch('/api/config', { linearApiKey: keyInput.value }); toast(keyInput.value ? 'Linear key saved' : 'Linear key removed'); renderSettings(root); } catch (error) { toast(error.message, 'error'); }
    } }, h('div', { class: 'grow', style: null }, keyInput), button('Save', null, { kind: 'primary', type: 'submit' }),
    config && config.hasLinear ? button('Remove', async () => { keyInput.value = ''; try { await patch('/api/config', { linearApiKey: null }); toast('Linear key removed'); renderSettings(root); } catch (error) { toast(error.message, 'error'); } }, { kind: 'ghost' }) : null));
  linear.querySelector('.grow').style.flex = '1';

  // Appearance
  const theme = localStorage.getItem('csm.theme') || 'system';
  const appearance = h('section', { class: 'card card-pad', id: 'settings-theme' }, h('h2', {}, 'Appearance'),
    h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Theme' }, ['system', 'light', 'dark'].map((t) => h('button', { type: 'button', role: 'radio', 'aria-pressed': String(t === theme), 'aria-checked': String(t === theme), 'data-theme-choice': t,
      onclick: (e) => { localStorage.setItem('csm.theme', t); applyTheme(t); for (const b of e.currentTarget.parentElement.children) { b.setAttribute('aria-pressed', String(b === e.currentTarget)); b.setAttribute('aria-checked', String(b === e.currentTarget)); } } }, t[0].toUpperCase() + t.slice(1)))));

  // Notifications
  const notifyOn = localStorage.getItem('csm.notify') === 'on';
  const notify = h('input', { type: 'checkbox', id: 'notify', checked: notifyOn && 'Notification' in window && Notification.permission === 'granted',
    onchange: async (e) => {
      if (!e.target.checked) { localStorage.setItem('csm.notify', 'off'); return; }
      if (!('Notification' in window)) { toast('This browser has no notifications', 'error'); e.target.checked = false; return; }
      const permission = await Notification.requestPermission();
      e.target.checked = permission === 'granted';
      localStorage.setItem('csm.notify', permission === 'granted' ? 'on' : 'off');
      if (permission !== 'granted') toast('Notifications are blocked for this site', 'error');
    } });
  const notifications = h('section', { class: 'card card-pad' }, h('h2', {}, 'Notifications'),
    h('label', { class: 'switch' }, notify, 'Notify me of a new pending approval while this tab is in the background'));

  // API token
  const tokenOut = h('div', { id: 'token-box' });
  const showToken = async () => {
    try {
      const t = await get('/api/token');
      mount(tokenOut, h('div', { class: 'toolbar' }, h('code', { id: 'token-value', class: 'tag mono', style: null }, t.token), button('Copy', () => copyText(t.token, 'Token copied'), { small: true, iconName: 'copy' })),
        t.file ? h('div', { class: 'muted small' }, `Stored in ${t.file}`) : null);
    } catch (error) { mount(tokenOut, errorBox(error)); }
  };
  const rotate = async () => {
    if (!await confirmDialog({ title: 'Rotate the API token?', body: 'A new token replaces the old one at once; scripts and other browsers using the old token must be updated. This browser stays signed in.', confirm: 'Rotate', danger: true })) return;
    try { await post('/api/token/rotate'); toast('Token rotated'); showToken(); } catch (error) { toast(error.message, 'error'); }
  };
  const pasted = h('input', { class: 'input mono', id: 'login-token', type: 'password', placeholder: 'Paste the token from <state dir>/token', autocomplete: 'off' });
  const token = h('section', { class: 'card card-pad', id: 'settings-token' }, h('h2', {}, 'API token'),
    h('p', { class: 'muted small' }, 'Scripts send it as ', h('code', {}, 'Authorization: Bearer …'), '. This browser uses a cookie instead.'),
    h('div', { class: 'toolbar' }, button('Show token', showToken, { iconName: 'key', attrs: { id: 'show-token' } }), button('Rotate…', rotate, { kind: 'ghost', iconName: 'refresh', attrs: { id: 'rotate-token' } })),
    tokenOut,
    h('form', { class: 'toolbar', onsubmit: async (e) => {
      e.preventDefault();
      try { await post('/api/login', { token: pasted.value }); toast('Signed in'); pasted.value = ''; document.getElementById('auth-banner').hidden = true; } catch (error) { toast(error.message, 'error'); }
    } }, h('div', { class: 'grow', style: null }, pasted), button('Sign in', null, { type: 'submit' })));
  token.querySelector('form .grow').style.flex = '1';

  const about = config ? h('section', { class: 'card card-pad' }, h('h2', {}, 'Workspace'), h('dl', { class: 'kv' },
    h('dt', {}, 'Workspace'), h('dd', {}, config.workspace), h('dt', {}, 'csm.yaml'), h('dd', { class: 'mono' }, config.path),
    h('dt', {}, 'Listening on'), h('dd', { class: 'mono' }, location.host),
    h('dt', {}, 'Reconcile'), h('dd', {}, `every ${config.server.reconcileInterval} s · prune ${config.server.prune ? 'on' : 'off'} · approvals time out after ${config.server.approvalTimeout} s`))) : null;

  mount(root, root.firstChild, h('div', { class: 'grid-2' }, h('div', {}, linear, appearance, notifications), h('div', {}, token, about)));
  for (const col of root.querySelectorAll('.grid-2 > div')) for (const card of col.children) card.style.marginBottom = '16px';
  return null;
}
