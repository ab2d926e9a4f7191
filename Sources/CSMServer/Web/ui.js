// DOM helpers. Every piece of text goes in through text nodes or attributes set one by one: nothing the
// dashboard shows from sessions, git or Linear is ever parsed as HTML here.

/** Builds an element: h('a', {class: 'x', href, onclick}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'hidden') el[key] = !!value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const ICONS = {
  grid: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  list: 'M4 6h16M4 12h16M4 18h16',
  plus: 'M12 5v14M5 12h14',
  plan: 'M5 4h14v16H5zM9 8h6M9 12h6M9 16h3',
  tasks: 'M9 6h11M9 12h11M9 18h11M4 6l1 1 2-2M4 12l1 1 2-2M4 18l1 1 2-2',
  shield: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
  repo: 'M6 3h11a1 1 0 0 1 1 1v16l-3-2-3 2-3-2-3 2V4a1 1 0 0 1 1-1z',
  host: 'M4 5h16v6H4zM4 13h16v6H4zM7 8h.01M7 16h.01',
  archive: 'M3 5h18v4H3zM5 9v10h14V9M10 13h4',
  settings: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19 12l2-1-2-4-2 1-2-1-.5-2h-5L9 7 7 8 5 7l-2 4 2 1v0l-2 1 2 4 2-1 2 1 .5 2h5l.5-2 2-1 2 1 2-4z',
  star: 'M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z',
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  refresh: 'M20 11a8 8 0 1 0-2 5.3M20 4v7h-7',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  open: 'M14 4h6v6M20 4l-9 9M18 14v6H4V6h6',
  play: 'M7 4l13 8-13 8z',
  merge: 'M6 3v18M6 7a4 4 0 0 0 4 4h4a4 4 0 0 1 4 4v0M18 15v6',
  menu: 'M4 6h16M4 12h16M4 18h16',
  x: 'M6 6l12 12M18 6L6 18',
  send: 'M4 12l16-8-6 16-2-7z',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0',
  terminal: 'M4 5h16v14H4zM7 9l3 3-3 3M12 15h5',
  git: 'M12 3l9 9-9 9-9-9zM12 8v8M9 12h6',
  up: 'M12 19V5M5 12l7-7 7 7',
  down: 'M12 5v14M5 12l7 7 7-7',
  grip: 'M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01',
  edit: 'M4 20h4L19 9l-4-4L4 16zM13 7l4 4',
  external: 'M14 4h6v6M20 4l-9 9M18 14v6H4V6h6',
  restore: 'M4 12a8 8 0 1 0 2.3-5.7M4 4v5h5',
  key: 'M14 10a4 4 0 1 0-4 4l1 1h2v2h2v2h3v-3z',
  alert: 'M12 4l9 16H3zM12 10v4M12 17h.01',
  check: 'M5 12l5 5 9-10',
  keyboard: 'M3 7h18v10H3zM7 11h.01M11 11h.01M15 11h.01M8 14h8',
};

/** A stroked 24×24 icon from the set above. */
export function icon(name, size = 18) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name] || ICONS.grid);
  svg.appendChild(path);
  return svg;
}

/** A button with an optional icon; `kind` is primary, danger, ghost or subtle. */
export function button(label, onclick, { kind = '', iconName, title, type = 'button', small, attrs = {} } = {}) {
  return h('button', { type, class: ['btn', kind && `btn-${kind}`, small && 'btn-sm'], onclick, title, ...attrs },
    iconName ? icon(iconName, small ? 15 : 17) : null, label ? h('span', {}, label) : null);
}

export function iconButton(name, label, onclick, extra = {}) {
  return h('button', { type: 'button', class: ['icon-btn', extra.class], title: label, 'aria-label': label, onclick, ...extra.attrs }, icon(name, 17));
}

const STATUS_LABEL = {
  starting: 'Starting', working: 'Working', waiting: 'Waiting', idle: 'Idle', stopped: 'Stopped',
  missing: 'Missing', unmanaged: 'Unmanaged', blocked: 'Blocked',
};
export const STATUSES = Object.keys(STATUS_LABEL);

export function statusLabel(status) { return STATUS_LABEL[status] || status; }

/** The coloured dot plus label of a session status. */
export function statusBadge(status, reason) {
  return h('span', { class: `status status-${status}`, title: reason || statusLabel(status) },
    h('span', { class: 'dot' }), statusLabel(status));
}

export function timeAgo(value) {
  if (!value) return '—';
  const seconds = Math.max(0, (Date.now() - new Date(value).getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const steps = [[60, 'm', 60], [3600, 'h', 24], [86400, 'd', 30], [2592000, 'mo', 12]];
  for (const [unit, suffix, limit] of steps) {
    const n = Math.round(seconds / unit);
    if (n < limit || suffix === 'mo') return `${Math.max(1, n)}${suffix} ago`;
  }
  return `${Math.round(seconds / 31536000)}y ago`;
}

export function money(value) {
  if (value === undefined || value === null) return '—';
  return value < 0.01 && value > 0 ? '<$0.01' : `$${value.toFixed(2)}`;
}

/** Toast messages at the bottom right. */
export function toast(message, kind = 'info') {
  const host = document.getElementById('toasts');
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    icon(kind === 'error' ? 'alert' : 'check', 16), h('span', {}, message));
  host.appendChild(el);
  setTimeout(() => el.classList.add('leaving'), kind === 'error' ? 7000 : 3500);
  setTimeout(() => el.remove(), kind === 'error' ? 7400 : 3900);
}

/** Opens a modal dialog with the given content; resolves with what `close(value)` is called with. */
export function modal(build, { wide = false, label = 'Dialog' } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: ['modal', wide && 'modal-wide'], 'aria-label': label });
    let done = false;
    const close = (value) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(undefined); });
    dialog.addEventListener('click', (event) => { if (event.target === dialog) close(undefined); });
    append(dialog, [build(close)]);
    document.body.appendChild(dialog);
    dialog.showModal();
    const focus = dialog.querySelector('[autofocus]') || dialog.querySelector('button.btn-primary, button.btn-danger, input, textarea, button');
    if (focus) focus.focus();
  });
}

/** A yes/no confirmation; resolves true when confirmed. */
export function confirmDialog({ title, body, confirm = 'Confirm', danger = false }) {
  return modal((close) => h('form', { method: 'dialog', class: 'dialog-body', onsubmit: (e) => { e.preventDefault(); close(true); } },
    h('h2', {}, title),
    typeof body === 'string' ? h('p', { class: 'muted' }, body) : body,
    h('div', { class: 'dialog-actions' },
      button('Cancel', () => close(false), { kind: 'ghost' }),
      button(confirm, null, { kind: danger ? 'danger' : 'primary', type: 'submit' }))), { label: title })
    .then((value) => value === true);
}

export async function copyText(text, what = 'Copied') {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what}: ${text}`);
  } catch {
    // Clipboard access needs a secure context (not a plain http:// address other than localhost).
    await modal((close) => h('div', { class: 'dialog-body' }, h('h2', {}, 'Copy this'),
      h('input', { class: 'input mono', value: text, readonly: true, autofocus: true, onfocus: (e) => e.target.select() }),
      h('div', { class: 'dialog-actions' }, button('Done', () => close(), { kind: 'primary' }))));
  }
}

/** An empty-state block. */
export function empty(iconName, title, text, action) {
  return h('div', { class: 'empty' }, h('div', { class: 'empty-icon' }, icon(iconName, 28)), h('h3', {}, title),
    text ? h('p', { class: 'muted' }, text) : null, action || null);
}

export function errorBox(error) {
  return h('div', { class: 'callout callout-error', role: 'alert' }, icon('alert', 18),
    h('div', {}, h('strong', {}, error.code || 'Error'), h('div', {}, error.message || String(error))));
}

export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', {}, h('h1', {}, title), subtitle ? h('p', { class: 'muted' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

/** Whether keyboard shortcuts should be ignored (the user is typing). */
export function isTyping(event) {
  const t = event.target;
  return t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

/** Loads a library from /vendor once; resolves with the global it defines, or null when not installed. */
const loading = {};
export function vendor(file, globalName) {
  if (!loading[file]) {
    loading[file] = new Promise((resolve) => {
      if (window[globalName]) return resolve(window[globalName]);
      const script = h('script', { src: `/vendor/${file}` });
      script.onload = () => resolve(window[globalName] || null);
      script.onerror = () => resolve(null);
      document.head.appendChild(script);
    });
  }
  return loading[file];
}
