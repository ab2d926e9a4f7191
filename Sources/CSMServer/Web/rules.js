// Tool rules (csm.yaml `rules:`, first match wins): list, add, edit, delete, reorder by drag (Sortable
// from libjs-sortable, when installed) or with the arrow buttons, and test against a sample tool call.
import { api, get, post, put, del } from './api.js';
import { h, mount, icon, iconButton, button, toast, confirmDialog, modal, vendor, errorBox, pageHeader, empty } from './ui.js';

const TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'MultiEdit', 'Grep', 'Glob', 'WebFetch', 'WebSearch', 'NotebookEdit', 'Task', '*'];
const PLACEHOLDER = { Bash: 'git status:*', Read: './src/**', Edit: './src/**', Write: './src/**', WebFetch: 'domain:example.com', Grep: '', Glob: '' };

export async function render(root) {
  let rules = [];
  let etag = null;
  const list = h('ul', { class: 'rules', id: 'rules' });
  const listCard = h('div', { class: 'card' }, list);
  const dragNote = h('div', { class: 'muted small', id: 'drag-note' });

  mount(root,
    pageHeader('Tool rules', 'Decide tool calls without asking. The first rule that matches wins; with none, the call waits for you.',
      button('Add rule', () => edit(null), { kind: 'primary', iconName: 'plus', attrs: { id: 'add-rule' } })),
    listCard, dragNote,
    h('h2', { class: 'section-title', style: null }, 'Test a rule'),
    tester());
  root.querySelector('h2.section-title').style.marginTop = '26px';

  async function load() {
    const response = await fetch('/api/config/rules', { headers: { Accept: 'application/json' } });
    etag = response.headers.get('ETag');
    const data = await response.json();
    if (!response.ok) throw Object.assign(new Error(data.error ? data.error.message : 'failed'), data.error || {});
    rules = data.rules || [];
    draw();
  }

  async function save(next, label) {
    try {
      const data = await api('PUT', '/api/config/rules', { rules: next }, { headers: etag ? { 'If-Match': etag } : {} });
      rules = data.rules;
      toast(label);
      await load();
    } catch (error) {
      toast(error.code === 'config_changed' ? 'csm.yaml changed meanwhile; reloaded — try again.' : error.message, 'error');
      await load();
    }
  }

  function draw() {
    if (!rules.length) {
      mount(list, h('li', {}, empty('shield', 'No rules', 'Every tool call waits for a decision. Add rules, or answer “Always allow” in an approval.')));
      return;
    }
    mount(list, rules.map((rule, index) => h('li', { class: 'rule', 'data-index': index, 'data-rule': `${rule.tool}|${rule.pattern || ''}|${rule.action}` },
      h('span', { class: 'grip', title: 'Drag to reorder' }, icon('grip', 16)),
      h('span', { class: 'idx' }, String(index + 1)),
      h('span', {}, h('span', { class: `action action-${rule.action}` }, rule.action)),
      h('span', { class: 'pat', title: rule.pattern || 'any input' }, h('strong', {}, rule.tool), rule.pattern ? ` ${rule.pattern}` : h('span', { class: 'muted' }, ' (any input)')),
      h('span', { class: 'row-actions' },
        iconButton('up', 'Move up', () => move(index, -1), { attrs: { disabled: index === 0, 'data-move': 'up' } }),
        iconButton('down', 'Move down', () => move(index, 1), { attrs: { disabled: index === rules.length - 1, 'data-move': 'down' } }),
        iconButton('edit', 'Edit', () => edit(index)),
        iconButton('trash', 'Delete', () => remove(index))))));
  }

  function move(index, delta) {
    const next = rules.slice();
    const [rule] = next.splice(index, 1);
    next.splice(index + delta, 0, rule);
    save(next, 'Order saved');
  }

  async function remove(index) {
    const rule = rules[index];
    if (!await confirmDialog({ title: 'Delete this rule?', body: `${rule.action} ${rule.tool}${rule.pattern ? ` ${rule.pattern}` : ''}`, confirm: 'Delete', danger: true })) return;
    try {
      await api('DELETE', `/api/config/rules/${index}`, undefined, { headers: etag ? { 'If-Match': etag } : {} });
      toast('Rule deleted');
    } catch (error) { toast(error.message, 'error'); }
    await load();
  }

  async function edit(index) {
    const rule = index === null ? { tool: 'Bash', pattern: '', action: 'allow' } : rules[index];
    const result = await modal((close) => {
      const tool = h('input', { class: 'input', id: 'rule-tool', list: 'tool-names', value: rule.tool, autofocus: true });
      const pattern = h('input', { class: 'input mono', id: 'rule-pattern', value: rule.pattern || '', placeholder: PLACEHOLDER[rule.tool] ?? '' });
      tool.addEventListener('input', () => { pattern.placeholder = PLACEHOLDER[tool.value] ?? ''; });
      const action = h('select', { class: 'input', id: 'rule-action' }, ['allow', 'deny', 'ask'].map((a) => h('option', { value: a, selected: a === rule.action }, a)));
      const error = h('div', { class: 'error' });
      return h('form', { class: 'dialog-body', onsubmit: (e) => {
        e.preventDefault();
        if (!tool.value.trim()) { error.textContent = 'Name a tool, or * for every tool.'; return; }
        close({ tool: tool.value.trim(), pattern: pattern.value.trim() || undefined, action: action.value });
      } },
      h('h2', {}, index === null ? 'Add a rule' : `Edit rule ${index + 1}`),
      h('div', { class: 'field' }, h('label', { for: 'rule-tool' }, 'Tool'), tool, h('datalist', { id: 'tool-names' }, TOOLS.map((t) => h('option', { value: t })))),
      h('div', { class: 'field' }, h('label', { for: 'rule-pattern' }, 'Pattern'), pattern,
        h('div', { class: 'hint' }, 'A glob over the main input: Bash command (', h('code', {}, 'git *'), ', ', h('code', {}, 'npm run test:*'), '), a path (', h('code', {}, './src/**'), '), ', h('code', {}, 'domain:host'), ' for WebFetch. Empty matches any input.')),
      h('div', { class: 'field' }, h('label', { for: 'rule-action' }, 'Action'), action), error,
      h('div', { class: 'dialog-actions' }, button('Cancel', () => close(null), { kind: 'ghost' }), button(index === null ? 'Add rule' : 'Save', null, { kind: 'primary', type: 'submit', attrs: { id: 'rule-save' } })));
    }, { label: 'Rule' });
    if (!result) return;
    if (index === null) {
      try { await post('/api/config/rules', { rule: result }); toast('Rule added'); } catch (error) { toast(error.message, 'error'); }
      await load();
    } else {
      const next = rules.slice();
      next[index] = result;
      save(next, 'Rule saved');
    }
  }

  function tester() {
    const tool = h('input', { class: 'input', id: 'test-tool', list: 'tool-names-test', value: 'Bash' });
    const input = h('input', { class: 'input mono', id: 'test-input', placeholder: 'git push --force', value: '' });
    const out = h('div', { id: 'test-result', class: 'muted small' }, 'The result uses the rules above, exactly as the hook would.');
    const run = async (e) => {
      e.preventDefault();
      const raw = input.value.trim();
      let sample = raw;
      if (raw.startsWith('{')) { try { sample = JSON.parse(raw); } catch { sample = raw; } }
      try {
        const r = await post('/api/config/test-rule', { tool: tool.value.trim(), input: sample });
        mount(out, r.action
          ? h('span', {}, h('span', { class: `action action-${r.action}` }, r.action), ` by rule ${r.ruleIndex + 1}: ${r.rule.tool}${r.rule.pattern ? ` ${r.rule.pattern}` : ''}`)
          : h('span', {}, h('span', { class: 'action action-none' }, 'no rule'), ' — the call would wait for a person (approval dialog).'));
      } catch (error) { mount(out, errorBox(error)); }
    };
    return h('form', { class: 'card card-pad', id: 'rule-tester', onsubmit: run },
      h('div', { class: 'rule-form' },
        h('div', { class: 'field' }, h('label', { for: 'test-tool' }, 'Tool'), tool, h('datalist', { id: 'tool-names-test' }, TOOLS.map((t) => h('option', { value: t })))),
        h('div', { class: 'field pat-field' }, h('label', { for: 'test-input' }, 'Sample input'), input),
        h('div', { class: 'field hide-phone' }, h('label', {}, '\u00a0'), h('span', {})),
        button('Test', null, { kind: 'primary', type: 'submit', attrs: { id: 'test-run' } })),
      h('div', { style: null, class: 'test-out' }, out));
  }

  try { await load(); } catch (error) { mount(list, h('li', {}, errorBox(error))); }

  const Sortable = await vendor('sortable.js', 'Sortable');
  if (Sortable) {
    Sortable.create(list, {
      handle: '.grip', animation: 150, ghostClass: 'sortable-ghost', chosenClass: 'sortable-chosen', forceFallback: true, fallbackTolerance: 3,
      onEnd: (event) => {
        if (event.oldIndex === event.newIndex) return;
        const next = rules.slice();
        const [rule] = next.splice(event.oldIndex, 1);
        next.splice(event.newIndex, 0, rule);
        save(next, 'Order saved');
      },
    });
    dragNote.textContent = 'Drag by the handle, or use the arrows, to change the order.';
  } else {
    dragNote.textContent = 'Drag and drop needs the Debian package libjs-sortable; the arrows reorder meanwhile.';
  }
  return null;
}
