// The production build's last step (`npm run build`): the service (simulator/tjeneste.ts's start of
// src/start.ts) and everything it imports bundled into one ES module, dist/stonadsoppslag.mjs,
// which `npm start` runs: one file to read instead of hundreds of modules to resolve, which was
// most of the start-up time (docs/performance.md). The simulator, for development starts only, is a
// bundle of its own beside it, which the production image leaves out (Dockerfile).
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build, type BuildOptions, type Plugin } from 'esbuild'

const ROT = fileURLToPath(new URL('..', import.meta.url))
export const BUNDLE_FIL = 'stonadsoppslag.mjs'
export const SIMULATOR_FIL = 'simulator.mjs'
/** Plain CommonJS files a worker thread loads by path (src/audit/sqlite.ts). */
export const TRAD_FILER = ['sqlite-skriver.cjs', 'kjedeformel.cjs', 'sqlite-transaksjon.cjs']

/** The entry's import of the simulator, to the simulator's own bundle: production code does not
 *  carry the simulator (and its dev token issuer), and a production start does not load it. */
const SERVICE_INNGANG = 'simulator/tjeneste.ts'
const simulatorForSeg: Plugin = {
  name: 'simulator-for-seg',
  setup(b) {
    b.onResolve({ filter: /^\.\/index\.js$/ }, (a) =>
      a.importer === join(ROT, SERVICE_INNGANG) ? { path: `./${SIMULATOR_FIL}`, external: true } : undefined,
    )
  },
}

/** `npm start`: `node <V8 flags> dist/<file>`, as the Dockerfile's CMD. */
export function npmStart(): { flagg: string[]; fil: string } {
  const start = (JSON.parse(readFileSync(join(ROT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start
  const m = /^node((?: --[^ ]+)*) (dist\/\S+\.m?js)$/.exec(start)
  if (!m) throw new Error(`npm start har uventet form: ${start}`)
  return { flagg: (m[1] as string).split(' ').filter(Boolean), fil: m[2] as string }
}

/** The service's bundle and the simulator's into `ut`, with the files the SQLite writer thread
 *  loads beside them. */
export async function bundle(ut: string): Promise<void> {
  const felles: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    logLevel: 'warning',
    absWorkingDir: ROT,
    // Optional and never installed, or development only: from node_modules at run time.
    external: ['pg-native', '@fastify/swagger', '@fastify/swagger-ui', 'pino-pretty'],
    // CommonJS dependencies bundled into an ES module still call require().
    banner: {
      js: `import { createRequire as lagRequire } from 'node:module';\nconst require = lagRequire(import.meta.url);`,
    },
  }
  await build({ ...felles, entryPoints: [SERVICE_INNGANG], outfile: join(ut, BUNDLE_FIL), plugins: [simulatorForSeg] })
  await build({ ...felles, entryPoints: ['simulator/index.ts'], outfile: join(ut, SIMULATOR_FIL) })
  // The SQLite store's writer thread runs a file of its own, found beside the bundle (sqlite.ts),
  // and requires the others from beside it.
  for (const fil of TRAD_FILER) copyFileSync(join(ROT, 'src', 'audit', fil), join(ut, fil))
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

/** A start of the bundle in a folder, ready. */
export interface StartetBundle {
  url: string
  /** What it wrote to stderr so far (Node's warnings among it). */
  stderr: () => string
  /** SIGTERM; resolves with the exit code. */
  stopp: () => Promise<number | null>
}

/** Starts the bundle in `mappe` with `flagg` in development mode (the simulator bundle answers
 *  for every upstream) and waits until /health/ready answers 200. */
export async function startBundle(
  mappe: string,
  flagg: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartetBundle> {
  const tmp = mkdtempSync(join(tmpdir(), 'stonadsoppslag-start-'))
  const barn = spawn(process.execPath, [...flagg, join(mappe, BUNDLE_FIL)], {
    env: {
      ...env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      SIMULATOR_PORT: '0',
      LOG_LEVEL: 'info',
      AUDIT_STORE: `sqlite:${join(tmp, 'audit.db')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  barn.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
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

// Compared as real paths: in a checkout under a symlink, argv[1] is not resolved and import.meta is.
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dist = join(ROT, 'dist')
  await bundle(dist)
  // tsc's module-by-module output (which the benchmark runs) imports them too; tsc copies no .cjs.
  for (const fil of TRAD_FILER) copyFileSync(join(ROT, 'src', 'audit', fil), join(dist, 'audit', fil))
  process.stdout.write(`${BUNDLE_FIL} og ${SIMULATOR_FIL} i ${dist}\n`)
}
