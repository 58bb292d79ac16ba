// Whether this process runs with glibc told to keep freed memory (scripts/fast-allocator.sh, which
// every npm script goes through, says why). glibc reads the variables at start-up, so a process can
// only report what it started with, not change it.

/** The settings scripts/fast-allocator.sh gives; a larger value is as good. */
export const FAST_ALLOCATOR_ENV = {
  MALLOC_MMAP_THRESHOLD_: 4294967296,
  MALLOC_TRIM_THRESHOLD_: 4294967296,
  MALLOC_TOP_PAD_: 536870912,
} as const;

/** True where the allocator keeps freed blocks (or where glibc's settings do not apply: not Linux). */
export function fastAllocatorActive(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return true;
  return Object.entries(FAST_ALLOCATOR_ENV).every(([k, min]) => Number(env[k]) >= min);
}

/** Tells a CLI's user (on stderr) when the process started without the fast path, and what to do. */
export function warnWithoutFastAllocator(write: (line: string) => void = (line) => console.error(line)): void {
  if (fastAllocatorActive()) return;
  write('note: started without scripts/fast-allocator.sh (run it through npm run, or prefix the command with `sh scripts/fast-allocator.sh`): training and decoding run about 3x slower, in page faults');
}
