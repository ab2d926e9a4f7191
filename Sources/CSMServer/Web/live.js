// The live event streams, over the server's WebSocket (GET /api/ws): one for the whole dashboard and one
// per open session page (?session=NAME). WebSockets rather than EventSource because a browser allows only
// six HTTP/1.1 connections per server, which a few tabs of open SSE streams would use up. A dropped
// socket reconnects with backoff and resumes with ?lastEventId= the last id seen, so nothing is missed or
// shown twice.

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/** A resumable event stream. `onState` gets 'connecting' | 'live' | 'lost'. */
export class LiveStream {
  constructor(params, { onEvent, onState, lastEventId } = {}) {
    this.params = params || {};
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
    const url = new URL('/api/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.params.session) url.searchParams.set('session', this.params.session);
    if (this.lastId !== null) url.searchParams.set('lastEventId', String(this.lastId));
    const socket = new WebSocket(url.toString());
    this.socket = socket;
    socket.onopen = () => { this.attempt = 0; this.onState('live'); };
    socket.onmessage = (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch { return; }
      if (typeof event.id === 'number') {
        if (this.lastId !== null && event.id <= this.lastId) return;
        this.lastId = event.id;
      }
      this.onEvent(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.closed) return;
      this.retry(RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)]);
    };
  }

  retry(ms) {
    this.onState('lost');
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), ms);
  }

  /** Drops the connection as a network failure would, and resumes after `ms` (the lost banner's path). */
  drop(ms = 2000) {
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close();
    this.retry(ms);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close();
  }
}

/** The dashboard-wide bus: pages subscribe to events of the shared stream. */
export const bus = {
  listeners: new Set(),
  state: 'connecting',
  stateListeners: new Set(),
  stream: null,
  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); },
  onState(fn) { this.stateListeners.add(fn); fn(this.state); return () => this.stateListeners.delete(fn); },
};
