// Types for behold-eksterne.mjs (plain JavaScript, so the deps stage runs it with node alone).
export function lukning(lock: { packages: Record<string, unknown> }, navn: string[]): Set<string>
export function fjernResten(dir: string, beholdt: Set<string>): void
