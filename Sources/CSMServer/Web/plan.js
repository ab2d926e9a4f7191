// The plan: the reconciler's latest pass as Terraform-like text and as a table, and Apply (a pass now),
// with its progress live from the stream and a confirmation when something would be destroyed.
import { get, post } from './api.js';
import { bus } from './live.js';
import { store } from './app.js';
import { h, mount, icon, button, timeAgo, confirmDialog, toast, empty, errorBox, pageHeader } from './ui.js';

const SYMBOL = { create: '+', start: '~', restart: '~', repair: '~', destroy: '-', blocked: '!' };
const VERB = { create: 'will be created', start: 'will be started', restart: 'will be restarted', repair: 'will be repaired',
  destroy: 'will be destroyed', blocked: 'is blocked' };
const CLASS = { create: 'p-create', destroy: 'p-destroy', blocked: 'p-blocked' };

/** The plan as `csm plan` prints it. */
export function planText(plan) {
  const actions = plan.actions || [];
  if (!actions.length) return [h('span', { class: 'p-create' }, 'No changes.'), ' Every session matches csm.yaml.'];
  const lines = [h('span', { class: 'p-dim' }, `csm will perform the following actions in workspace "${plan.workspace}":\n\n`)];
  for (const a of actions) {
    lines.push(h('span', { class: CLASS[a.kind] || 'p-change' }, `  ${SYMBOL[a.kind] || '?'} session "${a.session}" ${VERB[a.kind] || a.kind}`));
    lines.push(h('span', { class: 'p-dim' }, a.reason ? `: ${a.reason}` : ''), '\n');
    const d = a.desired;
    if (d && a.kind === 'create') lines.push(h('span', { class: 'p-dim' }, `      repo ${d.repo || '?'}, branch ${d.branch || '?'}, host ${a.host}\n`));
    if (a.kind === 'destroy') {
      const notes = [a.killsTmux && 'kills tmux', a.archivesWork && 'archives work first', a.deletesBranch ? 'deletes the branch' : 'keeps the branch'].filter(Boolean);
      lines.push(h('span', { class: 'p-dim' }, `      ${notes.join(', ')}\n`));
    }
  }
  const count = (kinds) => actions.filter((a) => kinds.includes(a.kind)).length;
  const blocked = count(['blocked']);
  lines.push('\n', h('strong', {}, `Plan: ${count(['create'])} to add, ${count(['start', 'restart', 'repair'])} to change, ${count(['destroy'])} to destroy`
    + (blocked ? `, ${blocked} blocked` : '') + '.'));
  return lines;
}

function actionsTable(id, actions, outcomeOf) {
  return h('div', { class: 'table-wrap', id }, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Session'), h('th', {}, 'Action'), h('th', { class: 'hide-phone' }, 'Host'), h('th', {}, 'Reason'), h('th', {}, 'Outcome'))),
    h('tbody', {}, actions.map((a) => {
      const r = outcomeOf(a);
      return h('tr', { 'data-session': a.session },
        h('td', { class: `mono ${CLASS[a.kind] || 'p-change'}` }, SYMBOL[a.kind] || '?'),
        h('td', { class: 'name' }, h('a', { href: `#/s/${encodeURIComponent(a.session)}` }, a.session)),
        h('td', {}, h('span', { class: 'tag' }, a.kind)),
        h('td', { class: 'hide-phone' }, a.host),
        h('td', { class: 'muted' }, a.reason || ''),
        h('td', {}, h('span', { class: `outcome outcome-${r.outcome}` }, r.outcome), r.message ? h('div', { class: 'muted small' }, r.message) : null));
    }))));
}

export async function render(root) {
  const textBox = h('pre', { class: 'plan-text', id: 'plan-text' });
  const tableBox = h('div', { id: 'plan-actions' });
  const passBox = h('div', { id: 'last-pass' });
  const status = h('div', { id: 'apply-status' });
  const applyButton = button('Apply', () => apply(), { kind: 'primary', iconName: 'play', attrs: { id: 'apply' } });
  let data = null;
  let running = null; // { actions, outcomes: Map session → {outcome, message} }
  let config = null;

  mount(root,
    pageHeader('Plan', 'What applying would change now to make the running sessions match csm.yaml.', button('Refresh', () => load(), { iconName: 'refresh' }), applyButton),
    status,
    h('div', { class: 'card' }, textBox),
    tableBox,
    passBox);

  function draw() {
    if (!data) return;
    const preview = running ? { workspace: store.workspace, actions: running.actions } : (data.preview || { workspace: store.workspace, actions: [] });
    mount(textBox, planText(preview));
    const actions = preview.actions || [];
    mount(tableBox, actions.length ? [h('h2', { class: 'section-title spaced' }, 'Actions'),
      actionsTable('plan-table', actions, (a) => (running && running.outcomes.get(a.session)) || { outcome: running ? 'running' : 'pending' })] : null);
    applyButton.disabled = !!running;
    const pass = data.pass;
    if (pass && !running) {
      const results = new Map((pass.results || []).map((r) => [`${r.session}/${r.action}`, r]));
      const passActions = (pass.plan && pass.plan.actions) || [];
      mount(passBox, h('h2', { class: 'section-title spaced' }, `Last pass`, h('span', { class: 'muted small' }, `#${pass.number} · ${pass.reason} · ${timeAgo(pass.startedAt)} · ${(pass.durationSeconds ?? 0).toFixed(2)} s`)),
        pass.error ? h('div', { class: 'callout callout-error' }, icon('alert'), h('div', {}, pass.error))
          : passActions.length ? actionsTable('pass-table', passActions, (a) => results.get(`${a.session}/${a.kind}`) || { outcome: 'skipped' })
            : h('div', { class: 'callout callout-ok' }, icon('check'), h('div', {}, 'Nothing to do: every session matched csm.yaml.')));
    } else if (!pass) {
      mount(passBox, h('p', { class: 'muted small' }, 'The reconciler has not run a pass yet.'));
    }
    const failures = data.failures || [];
    const info = [];
    if (failures.length) info.push(h('div', { class: 'callout callout-error' }, icon('alert'), h('div', { class: 'grow' }, h('strong', {}, `${failures.length} session${failures.length === 1 ? '' : 's'} failing (retried with backoff)`),
      failures.map((f) => h('div', { class: 'small' }, `${f.session}: ${f.message || ''}`)))));
    if (running) {
      const done = running.outcomes.size;
      const bar = h('div', { class: 'progress' }, h('span', {}));
      bar.firstChild.style.width = `${running.actions.length ? Math.round((done / running.actions.length) * 100) : 30}%`;
      info.unshift(h('div', { class: 'callout', id: 'apply-progress' }, icon('refresh'), h('div', { class: 'grow' }, h('strong', {}, 'Applying…'),
        h('div', { class: 'muted small' }, `${done} of ${running.actions.length} actions done`), bar)));
    }
    mount(status, info);
  }

  async function load() {
    try {
      [data, config] = await Promise.all([get('/api/plan?preview=true'), config ? Promise.resolve(config) : get('/api/config').catch(() => null)]);
      draw();
    } catch (error) { mount(status, errorBox(error)); }
  }

  async function apply() {
    const actions = (data && data.preview && data.preview.actions) || [];
    const destroys = actions.filter((a) => a.kind === 'destroy');
    if (destroys.length) {
      const prune = config && config.server && config.server.prune;
      const ok = await confirmDialog({ title: `Destroy ${destroys.length} session${destroys.length === 1 ? '' : 's'}?`, danger: true,
        confirm: 'Apply and destroy',
        body: h('div', {}, h('p', { class: 'muted' }, 'These sessions are no longer in csm.yaml and will be destroyed. Work is never lost: a destroy that would lose work is blocked instead.'),
          h('ul', {}, destroys.map((a) => h('li', { class: 'mono' }, a.session))),
          prune ? null : h('p', { class: 'muted small' }, 'server.reconcile.prune is off, so the server keeps them and skips these.')) });
      if (!ok) return;
    }
    running = { actions, outcomes: new Map() };
    draw();
    try {
      const result = await post('/api/apply');
      const failed = ((result.pass && result.pass.results) || []).filter((r) => r.outcome === 'failed');
      toast(failed.length ? `Applied with ${failed.length} failure${failed.length === 1 ? '' : 's'}` : 'Applied', failed.length ? 'error' : 'info');
    } catch (error) { toast(error.message, 'error'); }
    running = null;
    await load();
    store.refresh();
  }

  const off = bus.on((event) => {
    if (event.type === 'session.action' && running && event.session) {
      running.outcomes.set(event.session, { outcome: event.data.outcome, message: event.data.message });
      draw();
    }
    if (event.type === 'reconcile.pass' && !running) load();
  });
  await load();
  return off;
}
