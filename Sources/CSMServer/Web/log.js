// The session log: one entry per event of the session's stream. Prompts, assistant text (revealed as it
// streams in), tool uses formatted per tool with their results folded underneath, errors, and the
// reconciler's actions. Text is only ever set as text.
import { h, icon } from './ui.js';

const MAX_ENTRIES = 600;

/** Lines added and removed by an Edit / MultiEdit / Write input. */
function lineCounts(name, input) {
  const lines = (text) => (typeof text === 'string' && text.length ? text.split('\n').length : 0);
  if (name === 'Write') return { plus: lines(input.content), minus: 0 };
  if (name === 'Edit') return { plus: lines(input.new_string), minus: lines(input.old_string) };
  if (name === 'MultiEdit' && Array.isArray(input.edits)) {
    return input.edits.reduce((acc, e) => ({ plus: acc.plus + lines(e.new_string), minus: acc.minus + lines(e.old_string) }), { plus: 0, minus: 0 });
  }
  return null;
}

/** The one-line summary of a tool call: what it runs or touches. */
export function toolSummary(name, input) {
  input = input && typeof input === 'object' ? input : {};
  switch (name) {
    case 'Bash': return { icon: 'terminal', arg: input.command || '', note: input.description };
    case 'Read': return { icon: 'open', arg: input.file_path || '', note: input.offset ? `from line ${input.offset}` : null };
    case 'Edit': case 'MultiEdit': case 'Write': return { icon: 'edit', arg: input.file_path || '', counts: lineCounts(name, input) };
    case 'NotebookEdit': return { icon: 'edit', arg: input.notebook_path || '' };
    case 'Grep': return { icon: 'search', arg: input.pattern || '', note: [input.path, input.glob].filter(Boolean).join(' ') || null };
    case 'Glob': return { icon: 'search', arg: input.pattern || '', note: input.path || null };
    case 'WebFetch': return { icon: 'external', arg: input.url || '' };
    case 'WebSearch': return { icon: 'search', arg: input.query || '' };
    case 'Task': case 'Agent': return { icon: 'tasks', arg: input.description || input.prompt || '' };
    case 'TodoWrite': return { icon: 'tasks', arg: Array.isArray(input.todos) ? `${input.todos.length} todo${input.todos.length === 1 ? '' : 's'}` : '' };
    default: return { icon: 'settings', arg: JSON.stringify(input) };
  }
}

export function toolLine(name, input) {
  const summary = toolSummary(name, input);
  return [
    h('span', { class: 'tool-icon' }, icon(summary.icon, 15)),
    h('span', { class: 'tool-name' }, name),
    h('span', { class: 'tool-arg', title: summary.arg }, summary.arg),
    summary.counts ? h('span', { class: 'tool-stat' }, h('span', { class: 'plus' }, `+${summary.counts.plus}`), ' ', h('span', { class: 'minus' }, `−${summary.counts.minus}`)) : null,
    summary.note ? h('span', { class: 'muted small hide-phone' }, summary.note) : null,
  ];
}

export class SessionLog {
  constructor(container, { expandTools = false } = {}) {
    this.el = container;
    this.tools = new Map();
    this.expand = expandTools;
    this.lastSent = null;
    this.replaying = true;
    this.count = 0;
  }

  setExpand(on) {
    this.expand = on;
    for (const details of this.el.querySelectorAll('details.tool')) details.open = on;
  }

  atBottom() { return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < 80; }

  add(node) {
    const stick = this.replaying || this.atBottom();
    const placeholder = this.el.querySelector('.log-empty');
    if (placeholder) placeholder.remove();
    this.el.appendChild(node);
    this.count += 1;
    while (this.el.childElementCount > MAX_ENTRIES) this.el.firstElementChild.remove();
    if (stick) this.el.scrollTop = this.el.scrollHeight;
    return node;
  }

  meta(event, label) {
    const time = event.ts ? new Date(event.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    return h('div', { class: 'msg-meta' }, [label, time].filter(Boolean).join(' · '));
  }

  /** Renders one event; returns true when it was shown. */
  handle(event) {
    const d = event.data || {};
    switch (event.type) {
      case 'message.sent':
        this.lastSent = d.text;
        this.add(h('div', { class: 'msg msg-user', 'data-kind': 'prompt' }, d.text));
        return true;
      case 'agent.user_prompt':
        if (this.lastSent !== null && d.text && d.text.trim() === this.lastSent.trim()) { this.lastSent = null; return false; }
        this.add(h('div', { class: 'msg msg-user', 'data-kind': 'prompt' }, d.text || ''));
        return true;
      case 'agent.assistant_text': {
        const node = h('div', { class: 'msg msg-assistant', 'data-kind': 'assistant' });
        this.add(h('div', {}, this.meta(event, 'Claude'), node));
        this.reveal(node, d.text || '');
        return true;
      }
      case 'agent.tool_use': {
        const input = d.input && typeof d.input === 'object' ? d.input : {};
        const details = h('details', { class: 'tool', 'data-kind': 'tool', 'data-tool': d.name || '' },
          h('summary', { class: 'tool-head' }, toolLine(d.name || 'tool', input), h('span', { class: 'result-mark' })),
          h('pre', { class: 'tool-result tool-input' }, d.name === 'Bash' ? (input.command || '') : JSON.stringify(input, null, 2)));
        details.open = this.expand;
        if (d.id) this.tools.set(d.id, details);
        this.add(details);
        return true;
      }
      case 'agent.tool_result': {
        const details = this.tools.get(d.toolUseId);
        const content = typeof d.content === 'string' ? d.content : JSON.stringify(d.content);
        const pre = h('pre', { class: 'tool-result', 'data-kind': 'result' }, content || '(no output)');
        if (details) {
          if (d.isError) details.classList.add('tool-error');
          const mark = details.querySelector('.result-mark');
          mark.replaceChildren(icon(d.isError ? 'alert' : 'check', 14));
          mark.className = `result-mark ${d.isError ? 'err-mark' : 'ok-mark'}`;
          details.appendChild(pre);
        } else {
          const orphan = h('details', { class: ['tool', d.isError && 'tool-error'] }, h('summary', { class: 'tool-head' }, h('span', { class: 'tool-name' }, 'Result')), pre);
          orphan.open = this.expand;
          this.add(orphan);
        }
        return true;
      }
      case 'agent.error':
        this.add(h('div', { class: 'event-error', role: 'alert', 'data-kind': 'error' }, icon('alert', 15), ' ', d.message || 'error'));
        return true;
      case 'agent.approval_pending':
        this.add(h('div', { class: 'event-line' }, icon('bell', 14), `Waiting for approval: ${d.tool || 'tool'}`));
        return true;
      case 'agent.approval_decided':
        this.add(h('div', { class: 'event-line' }, icon('shield', 14), `Approval ${d.decision || d.action || 'decided'}${d.by ? ` by ${d.by}` : ''}`));
        return true;
      case 'agent.tool_auto_allowed': case 'agent.tool_auto_denied':
        this.add(h('div', { class: 'event-line' }, icon('shield', 14), `${d.tool || 'Tool'} ${event.type.endsWith('allowed') ? 'allowed' : 'denied'} by rule ${d.rule ?? ''}`.trim()));
        return true;
      case 'session.action':
        this.add(h('div', { class: 'event-line' }, icon('plan', 14), `${d.action}: ${d.outcome}${d.message ? ` — ${d.message}` : ''}`));
        return true;
      case 'setup.started': case 'setup.finished':
        this.add(h('div', { class: 'event-line' }, icon('terminal', 14), event.type === 'setup.started' ? 'Setup started' : `Setup finished (exit ${d.status ?? d.exitStatus ?? '?'})`));
        return true;
      case 'setup.output':
        this.add(h('pre', { class: 'tool-result' }, d.text || d.lines || ''));
        return true;
      default:
        return false;
    }
  }

  /** Shows assistant text as it arrives: word by word for live events, at once when replaying history. */
  reveal(node, text) {
    if (this.replaying || text.length < 24 || matchMedia('(prefers-reduced-motion: reduce)').matches) {
      node.textContent = text;
      return;
    }
    node.classList.add('streaming');
    const words = text.split(/(\s+)/);
    const step = Math.max(1, Math.ceil(words.length / 40));
    let i = 0;
    const tick = () => {
      i = Math.min(words.length, i + step);
      node.textContent = words.slice(0, i).join('');
      if (this.atBottom()) this.el.scrollTop = this.el.scrollHeight;
      if (i < words.length) setTimeout(tick, 16); else node.classList.remove('streaming');
    };
    tick();
  }
}
