/**
 * Errors a route throws on purpose, each with its HTTP status, a stable `error` code and a message
 * for people; the error handler turns them into `{ error, message }`.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, 'bad_request', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const unprocessable = (message: string) => new ApiError(422, 'unprocessable', message);
export const unavailable = (message: string, retryAfterS: number) =>
  new ApiError(503, 'unavailable', message, { 'retry-after': String(retryAfterS) });
