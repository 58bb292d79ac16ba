/** Starts the real server on a loopback port for a test file, and a small JSON client for it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import '../../envs/index.js';
import { buildApp } from '../../server/app.js';
import type { ServerOptions } from '../../server/options.js';

export interface TestServer {
  app: FastifyInstance;
  url: string;
  replayDir: string;
  call: <T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: T; headers: Headers }>;
  close: () => Promise<void>;
}

export async function startServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const replayDir = await mkdtemp(join(tmpdir(), 'server-replays-'));
  const app = await buildApp({ replayDir, ...opts });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = async <T,>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (PNG, metrics): the raw text is the body.
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    app,
    url,
    replayDir,
    call,
    close: async () => {
      await app.close();
      await rm(replayDir, { recursive: true, force: true });
    },
  };
}
