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

export async function render(root) {
  const textBox = h('pre', { class: 'plan-text', id: 'plan-text' });
  const tableBox = h('div', { id: 'plan-table' });
  const status = h('div', { id: 'apply-status' });
  const applyButton = button('Apply', () => apply(), { kind: 'primary', iconName: 'play', attrs: { id: 'apply' } });
  let data = null;
  let running = null; // { total, outcomes: Map }
  let config = null;

  mount(root,
    pageHeader('Plan', 'What the reconciler would change to make the running sessions match csm.yaml.', button('Refresh', () => load(), { iconName: 'refresh' }), applyButton),
    status,
    h('div', { class: 'card', style: null }, textBox),
    h('h2', { style: null, class: 'section-title' }, 'Actions'),
    tableBox);
  root.querySelector('h2.section-title').style.marginTop = '22px';

  function draw() {
    if (!data) return;
    const pass = data.pass;
    if (!pass) {
      mount(textBox, 'The reconciler has not run a pass yet.');
      mount(tableBox, empty('plan', 'No pass yet', 'Apply runs one now.'));
      return;
    }
    const plan = pass.plan || { actions: [], workspace: store.workspace };
    mount(textBox, pass.error ? h('span', { class: 'p-blocked' }, pass.error) : planText(plan));
    const results = new Map((pass.results || []).map((r) => [`${r.session}/${r.action}`, r]));
    const actions = plan.actions || [];
    if (!actions.length) { mount(tableBox, h('div', { class: 'callout callout-ok' }, icon('check'), h('div', {}, 'In sync: nothing to do.'))); }
    else {
      mount(tableBox, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Session'), h('th', {}, 'Action'), h('th', { class: 'hide-phone' }, 'Host'), h('th', {}, 'Reason'), h('th', {}, 'Outcome'))),
        h('tbody', {}, actions.map((a) => {
          const live = running && running.outcomes.get(a.session);
          const r = live || results.get(`${a.session}/${a.kind}`);
          const outcome = r ? r.outcome : running ? 'running' : 'pending';
          return h('tr', { 'data-session': a.session },
            h('td', { class: `mono ${CLASS[a.kind] || 'p-change'}` }, h('span', { class: `plan-text ${CLASS[a.kind] || 'p-change'}` }, SYMBOL[a.kind] || '?')),
            h('td', { class: 'name' }, h('a', { href: `#/s/${encodeURIComponent(a.session)}` }, a.session)),
            h('td', {}, h('span', { class: 'tag' }, a.kind)),
            h('td', { class: 'hide-phone' }, a.host),
            h('td', { class: 'muted' }, a.reason || ''),
            h('td', {}, h('span', { class: `outcome outcome-${outcome}`, title: r && r.message ? r.message : '' }, outcome), r && r.message ? h('div', { class: 'muted small' }, r.message) : null));
        })))));
    }
    const failures = data.failures || [];
    const info = [];
    info.push(h('div', { class: 'muted small' }, `Pass ${pass.number} (${pass.reason}) · ${timeAgo(pass.startedAt)} · ${(pass.durationSeconds ?? 0).toFixed(2)} s`));
    if (failures.length) info.push(h('div', { class: 'callout callout-error' }, icon('alert'), h('div', { class: 'grow' }, h('strong', {}, `${failures.length} session${failures.length === 1 ? '' : 's'} failing`),
      failures.map((f) => h('div', { class: 'small' }, `${f.session}: ${f.message || ''}`)))));
    if (running) {
      const done = running.outcomes.size;
      const bar = h('div', { class: 'progress' }, h('span', {}));
      bar.firstChild.style.width = `${running.total ? Math.round((done / running.total) * 100) : 30}%`;
      info.unshift(h('div', { class: 'callout', id: 'apply-progress' }, icon('refresh'), h('div', { class: 'grow' }, h('strong', {}, 'Applying…'),
        h('div', { class: 'muted small' }, `${done} of ${running.total || '?'} actions done`), bar)));
    }
    mount(status, info);
  }

  async function load() {
    try {
      [data, config] = await Promise.all([get('/api/plan'), config ? Promise.resolve(config) : get('/api/config').catch(() => null)]);
      draw();
    } catch (error) { mount(status, errorBox(error)); }
  }

  async function apply() {
    const actions = (data && data.pass && data.pass.plan && data.pass.plan.actions) || [];
    const destroys = actions.filter((a) => a.kind === 'destroy');
    if (destroys.length) {
      const prune = config && config.server && config.server.prune;
      const ok = await confirmDialog({ title: prune ? `Destroy ${destroys.length} session${destroys.length === 1 ? '' : 's'}?` : 'Apply the plan?', danger: prune,
        confirm: prune ? 'Apply and destroy' : 'Apply',
        body: h('div', {}, h('p', { class: 'muted' }, prune ? 'These sessions are no longer in csm.yaml and will be destroyed (work is never lost: a destroy that would lose work is blocked):'
          : 'These undeclared sessions are kept, because server.reconcile.prune is off:'), h('ul', {}, destroys.map((a) => h('li', { class: 'mono' }, a.session)))) });
      if (!ok) return;
    }
    running = { total: actions.length, outcomes: new Map() };
    applyButton.disabled = true;
    draw();
    try {
      data = await post('/api/apply');
      const failed = ((data.pass && data.pass.results) || []).filter((r) => r.outcome === 'failed');
      toast(failed.length ? `Applied with ${failed.length} failure${failed.length === 1 ? '' : 's'}` : 'Applied', failed.length ? 'error' : 'info');
    } catch (error) { toast(error.message, 'error'); }
    running = null;
    applyButton.disabled = false;
    draw();
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
