/** A small OpenEnv WebSocket client for the tests: one message out, the next one back, as `EnvClient` does. */
import WebSocket from 'ws';

export interface Answer {
  type: string;
  data: Record<string, unknown>;
}

export interface Frame {
  media_type: string;
  data: string;
  width: number;
  height: number;
}

export interface ObservationData {
  observation: {
    text: string;
    frame: Frame;
    terminated: boolean;
    truncated: boolean;
    action_is_valid: boolean;
    info: Record<string, unknown>;
    episode_id: string;
    step_count: number;
  };
  reward: number | null;
  done: boolean;
}

export class Session {
  private readonly inbox: Answer[] = [];
  private waiter: ((a: Answer | null) => void) | null = null;
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => this.push(JSON.parse(raw.toString()) as Answer));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.push(null);
    });
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<Session> {
    const ws = new WebSocket(url, { maxPayload: 100 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Session(ws)));
      ws.once('error', reject);
    });
  }

  private push(a: Answer | null) {
    if (a) this.inbox.push(a);
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w(this.inbox.shift() ?? null);
    }
  }

  /** The next answer, or null once the socket is closed. */
  next(): Promise<Answer | null> {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Sends `message` as the official client does (`json.dumps` of the dict) and reads the answer. */
  async send(message: unknown): Promise<Answer | null> {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    return this.next();
  }

  async reset(data: Record<string, unknown> = {}): Promise<ObservationData> {
    return this.expect('observation', { type: 'reset', data });
  }

  async step(text: string): Promise<ObservationData> {
    return this.expect('observation', { type: 'step', data: { text } });
  }

  async expect(type: string, message: unknown): Promise<ObservationData> {
    const a = await this.send(message);
    if (!a || a.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(a)?.slice(0, 500)}`);
    return a.data as unknown as ObservationData;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export function wsUrl(httpUrl: string, envId: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/openenv/${envId}/ws`;
}
