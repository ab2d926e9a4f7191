// Create a session: optional Linear issue (the name and prompt derive from it), then name, repo, host,
// branch, base, effort and the first prompt, with inline validation before anything is sent.
import { store, navigate } from './app.js';
import { get, post, enc } from './api.js';
import { h, mount, icon, button, toast, debounce, pageHeader } from './ui.js';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function slug(issue) {
  const base = `${issue.identifier}-${issue.title || ''}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return base.slice(0, 64).replace(/-+$/, '');
}

export async function render(root, preset) {
  const params = new URLSearchParams((location.hash.split('?')[1]) || '');
  const [reposData, hostsData, config] = await Promise.all([
    get('/api/repos').catch(() => ({ repos: [] })), get('/api/hosts').catch(() => ({ hosts: [] })), get('/api/config').catch(() => null)]);
  const repos = reposData.repos || [];
  const hosts = hostsData.hosts || [];
  const errors = {};

  const field = (id, label, control, hint) => h('div', { class: 'field', id: `field-${id}` },
    h('label', { for: id }, label), control, hint ? h('div', { class: 'hint' }, hint) : null, h('div', { class: 'error', id: `error-${id}`, role: 'alert' }));
  const name = h('input', { class: 'input mono', id: 'name', name: 'name', autocomplete: 'off', required: true, placeholder: 'fix-login', autofocus: true });
  const repo = h('select', { class: 'input', id: 'repo', name: 'repo' }, repos.map((r) => h('option', { value: r.name, selected: r.name === params.get('repo') }, `${r.name} — ${r.path}`)));
  const host = h('select', { class: 'input', id: 'host', name: 'host' }, h('option', { value: '' }, 'local (this machine)'),
    hosts.filter((x) => !x.local).map((x) => h('option', { value: x.name }, `${x.name} (${x.ssh || 'ssh'})`)));
  const branch = h('input', { class: 'input mono', id: 'branch', placeholder: 'csm/<name>' });
  const base = h('input', { class: 'input mono', id: 'base', placeholder: 'the repo\'s base branch' });
  const effort = h('select', { class: 'input', id: 'effort' }, ['', 'low', 'medium', 'high', 'xhigh', 'max'].map((e) => h('option', { value: e }, e || 'Claude Code\'s default')));
  const model = h('input', { class: 'input', id: 'model', placeholder: 'e.g. opus, sonnet (optional)' });
  const prompt = h('textarea', { class: 'input', id: 'prompt', rows: 5, placeholder: 'What should Claude work on first? (optional)' });
  const linear = h('input', { type: 'hidden', id: 'linear' });
  const submit = button('Create session', null, { kind: 'primary', type: 'submit', iconName: 'plus' });
  const formError = h('div', { id: 'form-error' });

  // ---- Linear issue search ----
  const issueBox = h('div', { class: 'field full' });
  const issueResults = h('div', { class: 'issue-list', id: 'issue-results' });
  const chosen = h('div', { id: 'chosen-issue' });
  function choose(issue) {
    linear.value = issue ? issue.identifier : '';
    if (issue) {
      if (!name.value || name.dataset.derived === '1') { name.value = slug(issue); name.dataset.derived = '1'; }
      if (!prompt.value || prompt.dataset.derived === '1') {
        prompt.value = `Work on Linear issue ${issue.identifier}: ${issue.title}\n${issue.url || ''}`.trim();
        prompt.dataset.derived = '1';
      }
      mount(chosen, h('div', { class: 'callout' }, icon('tasks', 18), h('div', { class: 'grow' }, h('strong', {}, `${issue.identifier} · ${issue.title}`),
        h('div', { class: 'muted small' }, issue.state ? issue.state.name : '')), button('Remove', () => choose(null), { kind: 'ghost', small: true })));
      mount(issueResults);
    } else mount(chosen);
    validate();
  }
  if (config && config.hasLinear) {
    const search = h('input', { class: 'input', id: 'issue-search', type: 'search', placeholder: 'Search Linear issues (optional)…', autocomplete: 'off' });
    const run = debounce(async () => {
      const q = search.value.trim();
      try {
        const data = await get(`/api/linear/issues?first=8${q ? `&query=${enc(q)}` : ''}`);
        mount(issueResults, (data.issues || []).map((issue) => h('button', { type: 'button', class: 'card issue-card', 'data-issue': issue.identifier, onclick: () => choose(issue) },
          h('span', { class: 'ident' }, issue.identifier), h('span', { class: 'title' }, issue.title), h('span', { class: 'muted small' }, issue.state ? issue.state.name : ''))));
      } catch (error) { mount(issueResults, h('div', { class: 'muted small' }, error.message)); }
    }, 250);
    search.addEventListener('input', run);
    search.addEventListener('focus', run, { once: true });
    mount(issueBox, h('label', { for: 'issue-search' }, 'Linear issue'), search, h('div', { class: 'hint' }, 'Pick an issue to name the session after it and start from its text.'), chosen, issueResults);
  } else {
    mount(issueBox, h('div', { class: 'hint' }, 'Connect Linear in ', h('a', { href: '#/settings' }, 'Settings'), ' to start sessions from issues.'));
  }

  function setError(id, message) {
    errors[id] = message;
    const el = document.getElementById(`error-${id}`);
    if (el) el.textContent = message || '';
    const control = document.getElementById(id);
    if (control) { control.classList.toggle('invalid', !!message); control.setAttribute('aria-invalid', String(!!message)); }
  }

  function validate() {
    const n = name.value.trim();
    setError('name', !n ? 'A name is required.' : !NAME.test(n) ? 'Use letters, digits, “.”, “_” and “-” only (at most 64).'
      : store.session(n) ? `A session named “${n}” already exists.` : '');
    setError('repo', repos.length ? '' : 'Declare a repo in csm.yaml first (repos:).');
    const b = branch.value.trim();
    setError('branch', b && (/\s|\.\.|^[-/]|[~^:?*[\\]|\/$/.test(b)) ? 'Not a valid git branch name.' : '');
    submit.disabled = Object.values(errors).some(Boolean);
    return !submit.disabled;
  }
  for (const control of [name, branch]) control.addEventListener('input', () => { control.dataset.derived = '0'; validate(); });
  prompt.addEventListener('input', () => { prompt.dataset.derived = '0'; });

  async function onSubmit(event) {
    event.preventDefault();
    if (!validate()) return;
    const body = { name: name.value.trim(), repo: repo.value || undefined, host: host.value || undefined, branch: branch.value.trim() || undefined,
      base: base.value.trim() || undefined, effort: effort.value || undefined, model: model.value.trim() || undefined,
      prompt: prompt.value.trim() || undefined, linear: linear.value || undefined };
    submit.disabled = true;
    mount(formError);
    const label = submit.querySelector('span');
    label.textContent = 'Creating…';
    try {
      const result = await post('/api/sessions', body);
      const failed = (result.results || []).find((r) => r.outcome === 'failed');
      toast(failed ? `Declared ${body.name}, but starting it failed: ${failed.message}` : `Created ${body.name}`, failed ? 'error' : 'info');
      await store.refresh();
      navigate(`#/s/${enc(body.name)}`);
    } catch (error) {
      if (error.code === 'session_exists' || error.code === 'invalid_name') setError('name', error.message);
      else mount(formError, h('div', { class: 'callout callout-error', role: 'alert' }, icon('alert'), h('div', {}, h('strong', {}, error.code), h('div', {}, error.message))));
      submit.disabled = false;
    } finally {
      label.textContent = 'Create session';
    }
  }

  mount(root,
    pageHeader('New session', 'Declares the session in csm.yaml (comments kept) and starts it: a worktree on its own branch and Claude Code in tmux.'),
    h('form', { class: 'card card-pad', id: 'create-form', onsubmit: onSubmit, novalidate: true },
      h('div', { class: 'form-grid' },
        issueBox,
        field('name', 'Name', name, 'Also the tmux session (csm-<name>) and the default branch.'),
        field('repo', 'Repository', repo),
        field('host', 'Host', host),
        field('branch', 'Branch', branch, 'Defaults to csm/<name>.'),
        field('base', 'Base', base, 'Commit or branch the new branch starts from.'),
        field('effort', 'Effort', effort),
        h('div', { class: 'field full' }, h('label', { for: 'model' }, 'Model'), model),
        h('div', { class: 'field full' }, h('label', { for: 'prompt' }, 'Initial prompt'), prompt, h('div', { class: 'hint' }, 'Sent once, as the first message of the conversation.')),
        linear),
      formError,
      h('div', { class: 'dialog-actions' }, h('a', { class: 'btn btn-ghost', href: '#/' }, 'Cancel'), submit)));
  const presetIssue = preset || params.get('linear');
  if (presetIssue && config && config.hasLinear) {
    get(`/api/linear/issues/${enc(presetIssue)}`).then((d) => choose(d.issue)).catch(() => {});
  }
  validate();
  if (!name.value) { setError('name', ''); submit.disabled = false; }
  return null;
}
