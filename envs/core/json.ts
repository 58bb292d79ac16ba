// JSON values: what env state, info and options are made of, so they cross HTTP unchanged. A file of
// its own because the spaces (spaces.ts) and the env contract (types.ts) both speak it.

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
