// The trace: the ordered record of a run. Only http/ writes exchanges (failed ones
// included); flows add events. Everything downstream (findings, renderers, HAR
// export, explain) reads this one shape.

export type HttpErrorCode =
  | 'dns-failure'
  | 'connection-refused'
  | 'connection-reset'
  | 'tls-failure'
  | 'timeout'
  | 'network-failure';

export type HeaderMap = Record<string, string | string[]>;

export interface TraceRequest {
  method: string;
  url: string;
  headers: HeaderMap;
  body?: string | undefined;
}

export interface TraceResponse {
  status: number;
  headers: HeaderMap;
  body: string;
  /** Set when the body exceeded the client's size cap: body holds only its start. */
  truncated?: true | undefined;
}

export interface HttpExchange {
  type: 'exchange';
  id: number;
  /** What the exchange was for: "discovery.smart-configuration", "token", "fhir.read" ... */
  step: string;
  request: TraceRequest;
  response?: TraceResponse | undefined;
  /** ISO time the request started, and how long until the body was read (ms). */
  startedAt: string;
  durationMs: number;
  error?: { code: HttpErrorCode; message: string } | undefined;
}

export interface TraceEvent {
  type: 'event';
  id: number;
  at: string;
  /** Stable kebab-case name: "listener-started", "browser-opened", "callback" ... */
  name: string;
  message: string;
  data?: Record<string, unknown> | undefined;
}

export type TraceEntry = HttpExchange | TraceEvent;

export function isExchange(entry: TraceEntry): entry is HttpExchange {
  return entry.type === 'exchange';
}

/** Header lookup that ignores case and joins repeated headers. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

/** Told of a run as it happens (the CLI's live progress on a terminal). */
export interface TraceObserver {
  /** The HTTP client is about to send a request for this step. */
  exchangeStarting?(step: string): void;
  /** An exchange or event was recorded. */
  added?(entry: TraceEntry): void;
}

/** Collects entries in order and hands out ids. Holds no clock: callers pass times. */
export class Trace {
  readonly entries: TraceEntry[] = [];
  private nextId = 1;
  private readonly observers: TraceObserver[] = [];

  observe(observer: TraceObserver): void {
    this.observers.push(observer);
  }

  /** Called by the HTTP client before it sends; records nothing (the exchange is added when it ends). */
  exchangeStarting(step: string): void {
    for (const o of this.observers) o.exchangeStarting?.(step);
  }

  addExchange(exchange: Omit<HttpExchange, 'type' | 'id'>): HttpExchange {
    const entry: HttpExchange = { type: 'exchange', id: this.nextId++, ...exchange };
    this.entries.push(entry);
    for (const o of this.observers) o.added?.(entry);
    return entry;
  }

  addEvent(event: Omit<TraceEvent, 'type' | 'id'>): TraceEvent {
    const entry: TraceEvent = { type: 'event', id: this.nextId++, ...event };
    this.entries.push(entry);
    for (const o of this.observers) o.added?.(entry);
    return entry;
  }

  exchanges(step?: string): HttpExchange[] {
    return this.entries.filter(isExchange).filter((e) => step === undefined || e.step === step);
  }
}
