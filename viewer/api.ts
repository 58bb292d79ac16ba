/**
 * The viewer's calls to the server that serves it. A token, when the server needs one, comes from
 * the `token` URL parameter or the token box and is kept in localStorage.
 */
import type { Replay } from '../envs/replay/schema.js';
import type { ReplaySummary } from '../envs/replay/store.js';

const TOKEN_KEY = 'lmm-arena-token';

export function getToken(): string {
  return new URLSearchParams(location.search).get('token') ?? localStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

/** Whether `url` points at the server that served the page (the only one the token is for). */
function sameOrigin(url: string): boolean {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = getToken();
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  // `?replay=` may name any URL: the token never goes to another origin.
  if (token && sameOrigin(path)) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { ...init, headers });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { message?: string } | null)?.message ?? res.statusText;
    throw new Error(`${res.status}: ${message}`);
  }
  return body as T;
}

/** Whether the page was served by the env server (a static build has no API). */
export async function serverAvailable(): Promise<boolean> {
  try {
    await call('/v1/health');
    return true;
  } catch {
    return false;
  }
}

export function listReplays(): Promise<{ total: number; replays: ReplaySummary[] }> {
  return call('/v1/replays?limit=200');
}

/** Fetches replay JSON from any URL (server path, static file); validation is the caller's. */
export function fetchReplayJson(url: string): Promise<unknown> {
  return call(url);
}

export function uploadReplay(replay: Replay): Promise<{ id: string; verification: { ok: boolean; message: string } }> {
  return call('/v1/replays', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(replay) });
}
