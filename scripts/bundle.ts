// The production build's last step (`npm run build`): server.ts and everything it imports bundled
// into one CommonJS file, the launcher beside it (src/start.mts), and V8's code cache for the
// bundle, made by starting it once with `npm start`'s V8 flags (V8 refuses a cache made under
// other flags). One file to read instead of hundreds of modules to resolve, and compiled code
// instead of source: most of start-up was both (README, Benchmarks).
//
// CommonJS because Node 20 caches code only for scripts. No dynamic import() is left in the bundle:
// a vm.Script can import() only through its experimental importModuleDynamically option, and on
// Node 20 a script from a code cache lost that callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
// The simulator, for development starts only, is a CommonJS bundle of its own beside it, and the
// documentation plugins are CommonJS packages, both required when used.
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build, type BuildOptions, type Plugin } from 'esbuild'
import { BUNDLE_FIL, KODECACHE_FIL, KODECACHE_STATUS, SKRIV_KODECACHE } from '../src/kodecache.js'

const ROT = fileURLToPath(new URL('..', import.meta.url))
export const START_FIL = 'start.mjs'
export const SIMULATOR_FIL = 'simulator.cjs'
/** Plain CommonJS files a worker thread loads by path (src/audit/sqlite.ts). */
export const TRAD_FILER = ['sqlite-skriver.cjs', 'kjedeformel.cjs']

/** server.ts's import of the simulator, to the simulator's own bundle: production code does not
 *  carry the simulator (and its dev token issuer), and a production start does not load it. */
const simulatorForSeg: Plugin = {
  name: 'simulator-for-seg',
  setup(b) {
    b.onResolve({ filter: /^\.\/simulator\/index\.js$/ }, () => ({ path: `./${SIMULATOR_FIL}`, external: true }))
  },
}

/** `npm start`: `node <V8 flags> dist/start.mjs`, as the Dockerfile's CMD. */
export function npmStart(): { flagg: string[]; fil: string } {
  const start = (JSON.parse(readFileSync(join(ROT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  const m = /^node((?: --[^ ]+)*) (dist\/\S+\.m?js)$/.exec(start)
  if (!m) throw new Error(`npm start har uventet form: ${start}`)
  return { flagg: (m[1] as string).split(' ').filter(Boolean), fil: m[2] as string }
}

/** The bundle and the launcher into `ut`. */
export async function bundle(ut: string): Promise<void> {
  const felles: BuildOptions = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: ROT }
  const commonJs: BuildOptions = {
    ...felles,
    format: 'cjs',
    // Native, or optional and never installed, or development only: from node_modules at run time.
    external: ['better-sqlite3', 'pg-native', '@fastify/swagger', '@fastify/swagger-ui', 'pino-pretty'],
    // import() becomes require(): see the top of this file.
    supported: { 'dynamic-import': false },
    // The SQLite store resolves better-sqlite3's path for its writer thread from its own URL. The
    // banner goes before esbuild's "use strict", so it brings its own: strict mode, as the ES
    // modules the bundle is made of (a write to a frozen permit must throw, not be ignored).
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: `"use strict";\nconst importMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
  }
  const { metafile } = await build({ ...commonJs, entryPoints: ['src/server.ts'], outfile: join(ut, BUNDLE_FIL), plugins: [simulatorForSeg], metafile: true })
  const dynamiske = Object.values(metafile.outputs).flatMap((o) => o.imports).filter((i) => i.kind === 'dynamic-import')
  if (dynamiske.length > 0) throw new Error(`dynamisk import() i bundlen: ${dynamiske.map((i) => i.path).join(', ')}`)
  await build({ ...commonJs, entryPoints: ['src/simulator/index.ts'], outfile: join(ut, SIMULATOR_FIL) })
  // The SQLite store's writer thread runs a file of its own, found beside the bundle (sqlite.ts),
  // and requires the chain's formula from the file beside it.
  for (const fil of TRAD_FILER) copyFileSync(join(ROT, 'src', 'audit', fil), join(ut, fil))
  await build({ ...felles, entryPoints: ['src/start.mts'], outfile: join(ut, START_FIL), format: 'esm' })
}

/** The URL a started service listens on, from its log's `Server listening at` line (LOG_LEVEL info
 *  or lower, HOST 127.0.0.1); rejects if it exits first or takes longer than `maksMs`. */
export function lytterPa(barn: ChildProcess, maksMs: number): Promise<string> {
  return new Promise<string>((ok, feil) => {
    const tidsavbrudd = setTimeout(() => feil(new Error(`tjenesten startet ikke innen ${maksMs / 1000} s`)), maksMs)
    createInterface({ input: barn.stdout as NodeJS.ReadableStream }).on('line', (linje) => {
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(linje)
      if (m) {
        clearTimeout(tidsavbrudd)
        ok(m[1] as string)
      }
    })
    barn.once('exit', (kode) => {
      clearTimeout(tidsavbrudd)
      feil(new Error(`tjenesten avsluttet med ${kode}`))
    })
  })
}

/** A start of the launcher in a folder, ready. */
export interface StartetBundle {
  url: string
  /** What it wrote to stderr so far (Node's warnings among it). */
  stderr: () => string
  /** SIGTERM; resolves with the exit code. */
  stopp: () => Promise<number | null>
}

/** Starts the launcher in `mappe` with `flagg` in development mode (the simulator bundle answers
 *  for every upstream) and waits until /health/ready answers 200. */
export async function startBundle(mappe: string, flagg: string[], argumenter: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<StartetBundle> {
  const tmp = mkdtempSync(join(tmpdir(), 'stonadsoppslag-start-'))
  const barn = spawn(process.execPath, [...flagg, join(mappe, START_FIL), ...argumenter], {
    env: { ...env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', SIMULATOR_PORT: '0', LOG_LEVEL: 'info', AUDIT_STORE: `sqlite:${join(tmp, 'audit.db')}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  barn.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const avsluttet = new Promise<number | null>((ok) => barn.once('exit', (kode) => ok(kode)))
  const stopp = async () => {
    barn.kill('SIGTERM')
    const kode = await avsluttet
    rmSync(tmp, { recursive: true, force: true })
    return kode
  }
  try {
    const url = await lytterPa(barn, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${stderr}`)
    })
    for (let forsok = 0; ; forsok++) {
      const svar = await fetch(`${url}/health/ready`).catch(() => null)
      if (svar?.status === 200) break
      if (forsok >= 100) throw new Error('bundlen ble ikke klar')
      await new Promise((ok) => setTimeout(ok, 50))
    }
    return { url, stderr: () => stderr, stopp }
  } catch (e) {
    await stopp()
    throw e
  }
}

/** Starts the launcher in `mappe` once with `flagg`, waits until it is ready, and stops it: the
 *  launcher writes the code cache as it exits. Then starts it again and fails unless that start
 *  ran from the cache (so a missing, empty or refused cache fails the build). NODE_OPTIONS is left out: V8 flags in it would make a cache that a start
 *  with `flagg` alone refuses. */
export async function lagKodecache(mappe: string, flagg: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { NODE_OPTIONS: _utelatt, ...utenValg } = env
  const lag = await startBundle(mappe, flagg, [SKRIV_KODECACHE], utenValg)
  const kode = await lag.stopp()
  if (kode !== 0) throw new Error(`bundlen avsluttet med ${kode}: ${lag.stderr()}`)
  const sjekk = await startBundle(mappe, flagg, [KODECACHE_STATUS], utenValg)
  await sjekk.stopp()
  if (!sjekk.stderr().includes(`${KODECACHE_STATUS}: brukt`)) throw new Error(`kodecachen ble ikke brukt: ${sjekk.stderr()}`)
}

// Compared as real paths: in a checkout under a symlink, argv[1] is not resolved and import.meta is.
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dist = join(ROT, 'dist')
  await bundle(dist)
  await lagKodecache(dist, npmStart().flagg)
  process.stdout.write(`${BUNDLE_FIL}, ${START_FIL} og ${KODECACHE_FIL} i ${dist}\n`)
}
