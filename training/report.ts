// Placeholder replaced below.
export function writeReport(_dir: string): void {}
