/**
 * The JSON body parser: Fastify's own, which refuses keys that could rewrite an object's prototype
 * in code that copies the body (`"__proto__"`, or `"constructor"` holding `"prototype"`), with a
 * message that says so. Fastify's parser answers such a body as "not valid JSON", which sends the
 * client looking for a syntax error that is not there.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';
import { fieldPath } from './error-handler.js';

/** Where the body holds a prototype-rewriting key, as `body.a[2].b` and the key, or null. */
export function poisonedKey(value: unknown): { path: string; key: string } | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`]);
      continue;
    }
    const own = v as Record<string, unknown>;
    if (Object.hasOwn(own, '__proto__')) return { path: fieldPath('body', path), key: '__proto__' };
    const ctor = Object.hasOwn(own, 'constructor') ? own.constructor : undefined;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return { path: fieldPath('body', `${path}/constructor`), key: 'prototype' };
    for (const k of Object.keys(own).reverse()) stack.push([own[k], `${path}/${k}`]);
  }
  return null;
}

export function installJsonBodyParser(app: FastifyInstance): void {
  const guarded = app.getDefaultJsonParser('error', 'error');
  const plain = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body: string, done) => {
    guarded(req, body, (err, value) => {
      if (!err) return done(null, value);
      // Only a refused body is parsed again, without the guard, to tell poison from a syntax error.
      plain(req, body, (syntax, parsed) => {
        const hit = syntax ? null : poisonedKey(parsed);
        if (!hit) return done(err, undefined);
        done(badRequest(`${hit.path} has the key "${hit.key}", which this server refuses in any body: such a key can replace an object's prototype where the body is copied (rename or remove it)`), undefined);
      });
    });
  });
}
