// The production start (`npm start`, the Dockerfile's CMD): runs the bundle (server.ts and all it
// imports, one CommonJS file) from V8's code cache made at build time (scripts/bundle.ts), so that
// neither the 4 MB bundle nor the functions the start runs are compiled again. On one core that
// was more than a third of start-up to ready (README, Benchmarks). Written by hand: Node 20 caches code
// only for scripts (vm.Script's cachedData), and Node 22's module.enableCompileCache is not on 20.
//
// The cache is used only for the bundle it was made from (its SHA-256) and only if V8 accepts it
// (the same V8 and the same V8 flags, such as the heap sizes). Otherwise the bundle is compiled as
// without it, and a warning says why. The cache is code (V8 runs its bytecode): it lies beside the
// bundle, made by the same build, and needs the same protection (the image keeps both root's).
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'
import { BUNDLE_FIL, KODECACHE_FIL, KODECACHE_STATUS, SKRIV_KODECACHE, kodecacheFil, kodecacheFor, somFunksjon } from './kodecache.js'

const mappe = dirname(fileURLToPath(import.meta.url))
const bundle = join(mappe, BUNDLE_FIL)
const cachefil = join(mappe, KODECACHE_FIL)
const kilde = readFileSync(bundle, 'utf8')
const argument = process.argv[2]
const skriv = argument === SKRIV_KODECACHE

let cache: Buffer | null = null
let hvorforIkke: string | null = null
if (!skriv) {
  try {
    cache = kodecacheFor(readFileSync(cachefil), kilde)
    if (!cache) hvorforIkke = 'den ble laget av en annen bundle'
  } catch {
    hvorforIkke = `${KODECACHE_FIL} mangler`
  }
}
const script = new Script(somFunksjon(kilde), { filename: bundle, ...(cache ? { cachedData: cache } : {}) })
const brukt = cache !== null && script.cachedDataRejected === false
if (cache && !brukt) hvorforIkke = 'V8 avviste den (en annen Node-versjon, eller andre V8-flagg enn da den ble laget)'
if (hvorforIkke) process.emitWarning(`V8-kodecachen brukes ikke: ${hvorforIkke}; bundlen kompileres uten`, { code: 'STONADSOPPSLAG_KODECACHE' })
// For the build's check and the tests: whether this start runs from the cache.
if (argument === KODECACHE_STATUS) process.stderr.write(`${KODECACHE_STATUS}: ${brukt ? 'brukt' : 'ikke brukt'}\n`)
// At exit, the cache holds every function the run compiled: a start, its first requests, a close.
// Written beside and renamed: a start never reads half a cache.
if (skriv) {
  process.once('exit', () => {
    writeFileSync(`${cachefil}.ny`, kodecacheFil(kilde, script.createCachedData()))
    renameSync(`${cachefil}.ny`, cachefil)
  })
}

const modul = { exports: {} }
;(script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void)(
  modul.exports, createRequire(bundle), modul, bundle, mappe,
)
