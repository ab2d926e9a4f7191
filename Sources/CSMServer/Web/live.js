// One Server-Sent Events stream for the whole dashboard (GET /api/events), resumed from the last event id
// after a drop, and per-session streams for the session page. Listeners get parsed events.

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/** A resumable EventSource. `onState` gets 'connecting' | 'live' | 'lost'. */
export class LiveStream {
  constructor(url, { onEvent, onState, lastEventId } = {}) {
    this.url = url;
    this.onEvent = onEvent || (() => {});
    this.onState = onState || (() => {});
    this.lastId = lastEventId ?? null;
    this.attempt = 0;
    this.closed = false;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    this.onState(this.attempt === 0 ? 'connecting' : 'lost');
    const url = new URL(this.url, location.href);
    if (this.lastId !== null) url.searchParams.set('lastEventId', String(this.lastId));
    const source = new EventSource(url.toString());
    this.source = source;
    source.onopen = () => { this.attempt = 0; this.onState('live'); };
    source.onmessage = (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch { return; }
      if (typeof event.id === 'number') {
        if (this.lastId !== null && event.id <= this.lastId) return;
        this.lastId = event.id;
      }
      this.onEvent(event);
    };
    source.onerror = () => {
      // EventSource retries by itself while it can; we reconnect ourselves so the resume id is explicit
      // (and so a server restart, which ends the stream, is retried with backoff).
      source.close();
      if (this.closed) return;
      this.onState('lost');
      const delay = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)];
      this.attempt += 1;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Drops the connection as a network failure would, and resumes after `ms` (the lost banner's path). */
  drop(ms = 2000) {
    if (this.source) this.source.close();
    this.onState('lost');
    clearTimeout(this.timer);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), ms);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
  }
}

/** The dashboard-wide bus: pages subscribe to events of the shared stream. */
export const bus = {
  listeners: new Set(),
  state: 'connecting',
  stateListeners: new Set(),
  stream: null,
  start() {
    if (this.stream) return;
    this.stream = new LiveStream('/api/events', {
      onEvent: (event) => { for (const fn of this.listeners) { try { fn(event); } catch (e) { console.error(e); } } },
      onState: (state) => { this.state = state; for (const fn of this.stateListeners) fn(state); },
    });
  },
  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); },
  onState(fn) { this.stateListeners.add(fn); fn(this.state); return () => this.stateListeners.delete(fn); },
};
