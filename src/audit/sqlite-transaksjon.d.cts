import type { DatabaseSync } from 'node:sqlite'
export declare function iTransaksjon<T>(db: DatabaseSync, fn: () => T): T
