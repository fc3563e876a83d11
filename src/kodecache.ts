// The production start's V8 code cache (start.mts, scripts/bundle.ts): which files, how the bundle
// is wrapped, and the cache file's form. No I/O here.
import { hash } from 'node:crypto'

/** server.ts and everything it imports, one CommonJS file (scripts/bundle.ts). */
export const BUNDLE_FIL = 'stonadsoppslag.cjs'
/** V8's code cache for the bundle, made at build time. */
export const KODECACHE_FIL = 'stonadsoppslag.kodecache'
/** The launcher's argument that makes it write the cache when the process exits (build time only). */
export const SKRIV_KODECACHE = '--skriv-kodecache'
/** The launcher's argument that makes it say on stderr whether it runs from the cache
 *  (`--kodecache-status: brukt`), for the build's check and the tests. */
export const KODECACHE_STATUS = '--kodecache-status'

const SHA256_BYTES = 32

/** The bundle as a function of CommonJS's module variables, as Node wraps a module. The same text
 *  is compiled when the cache is made and when it is used (V8 ties a cache to its source). */
export function somFunksjon(kilde: string): string {
  // The bundle's own "use strict" (scripts/bundle.ts puts it first) is the function's first
  // statement: the service runs in strict mode, as its ES modules do under tsx.
  return `(function (exports, require, module, __filename, __dirname) {${kilde}\n})`
}

/** The cache file: the SHA-256 of the source it was made from, then V8's data. */
export function kodecacheFil(kilde: string, data: Buffer): Buffer {
  return Buffer.concat([hash('sha256', kilde, 'buffer'), data])
}

/** V8's data from a cache file, or null if it was made from another source. V8 itself checks
 *  only the source's length: a cache of another bundle of the same length would be taken, and run
 *  that bundle's compiled code instead of this one's. */
export function kodecacheFor(fil: Buffer, kilde: string): Buffer | null {
  if (fil.length <= SHA256_BYTES) return null
  return fil.subarray(0, SHA256_BYTES).equals(hash('sha256', kilde, 'buffer')) ? fil.subarray(SHA256_BYTES) : null
}
