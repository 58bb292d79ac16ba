/**
 * A bound on how deeply a JSON body may nest. Schemas type free-form parts (env options, agent
 * config, reward labels, uploaded replays) as any JSON, and code that walks them recursively
 * (JSON.stringify when a replay is saved, error messages quoting a value) overflows the stack on a
 * body like `[[[[...]]]]` a few hundred kilobytes long: a 500 instead of a 400.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

/** Far deeper than any real request (replays nest about six levels). */
export const MAX_BODY_DEPTH = 64;

/** Whether `value` nests deeper than `max` levels (iterative: the check itself cannot overflow). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(v as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function installBodyDepthLimit(app: FastifyInstance, max = MAX_BODY_DEPTH): void {
  app.addHook('preValidation', (req, _reply, done) => {
    const body = req.body;
    if (body !== null && typeof body === 'object' && nestedDeeperThan(body, max)) {
      done(badRequest(`body nests deeper than ${max} levels of arrays and objects`));
    } else {
      done();
    }
  });
}
