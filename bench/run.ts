// The benchmark harness (`npm run bench`, never part of `npm test`). Everything on loopback: the
// simulator in this process, the service and a bare-Fastify baseline as child processes, load from
// autocannon (and a small closed-loop driver for the two-request lookup). Each scenario runs after
// a warm-up; the table reports every figure also as a ratio to the baseline measured in this run.
//
// Environment: BENCH_SEKUNDER (default 10), BENCH_OPPVARMING (3), BENCH_POSTGRES (a postgres://
// URL; default the local test database), BENCH_SCENARIER (comma list to run a subset),
// BENCH_SAMTIDIGE (200: lookups at once in scenario 3), BENCH_PERSONER (200: different persons
// those lookups are of, copies of one dataset person with cases in two municipalities, and as many
// employees making them), BENCH_RUNDER (3: rounds of the baseline and the read scenarios, taken in turn; medians reported),
// BENCH_LOG_LEVEL (info), BENCH_AUDIT_CEF (av), BENCH_NODE_FLAGG (node flags for every service child, e.g. `--cpu-prof`), BENCH_KJERNER=av (no
// core pinning), BENCH_SAMMENLIGN=<dir>[,<dir>…] (other builds' dist/ inside the repository, e.g. a
// copy under bench-results/ made before a change: each read scenario and scenario 3 also run on each, and
// scenario 5 starts each in turn, as more rows of the same run), BENCH_STARTER (5: starts per
// build in scenario 5), BENCH_SAMMENLIGN_FLAGG="<node flags>" (likewise, the same build with these flags
// added), BENCH_UTEN_AV=ja (scenario 1 without its auditing-off row), BENCH_PRODUKSJONSFLAGG=av (without the V8 flags of `npm start`, which every
// service child gets by default, so the figures are those of the production start), BENCH_RATE (100:
// lookups arriving per second in scenario 6, the open loop).
//
// With taskset and two or more cores, the service under test (and the baseline) run on the last
// core and this process (load) and the simulator on the first, so load and service do not take
// turns on one core and the ratio to the baseline is measured under the same conditions.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { Pool } from 'undici'
import { DEV_VERDIER } from '../src/config.js'
import { PG_URL, slettSkjemaer } from '../test/postgres.js'
import { cpuSekunder, hovedtradSekunder } from './cpu.js'
import { randomUUID } from 'node:crypto'
import { personMedTag, standardDatasett, lastDatasett } from '../simulator/index.js'
import { nesteSyntetiskeIdent } from '../simulator/syntetisk.js'
import { npmStart } from '../scripts/bundle.js'
import standardJson from '../simulator/dataset.json' with { type: 'json' }

const SEKUNDER = Number(process.env['BENCH_SEKUNDER'] ?? 10)
const OPPVARMING = Number(process.env['BENCH_OPPVARMING'] ?? 3)
const RUNDER = Math.max(1, Number(process.env['BENCH_RUNDER'] ?? 3))
const PERSONER = Math.max(1, Number(process.env['BENCH_PERSONER'] ?? 200))
const POSTGRES = process.env['BENCH_POSTGRES'] ?? PG_URL
const VALGTE = process.env['BENCH_SCENARIER']?.split(',')
const skal = (navn: string) => !VALGTE || VALGTE.includes(navn)
/** `npm start` (`node <flags> <file>`), the same as the Dockerfile's CMD: scenario 5 starts that
 *  file, and every service child gets those flags. */
const NPM_START = npmStart()
/** BENCH_SAMMENLIGN: other builds' dist/ to run beside this one (read scenarios and scenario 5). */
const ANDRE_BYGG = [
  ...new Set(
    process.env['BENCH_SAMMENLIGN']
      ?.split(',')
      .map((d) => d.trim())
      .filter(Boolean),
  ),
]
/** BENCH_SAMMENLIGN_FLAGG: the read scenarios also on this build with these node flags added. */
const ANDRE_FLAGG = process.env['BENCH_SAMMENLIGN_FLAGG']?.split(' ').filter(Boolean) ?? []
/** Starts per build in scenario 5. */
const STARTER = Math.max(1, Number(process.env['BENCH_STARTER'] ?? 5))
const NODE_FLAGG = [
  ...(process.env['BENCH_PRODUKSJONSFLAGG'] === 'av' ? [] : NPM_START.flagg),
  ...(process.env['BENCH_NODE_FLAGG']?.split(' ').filter(Boolean) ?? []),
]

/** Core pinning: [command prefix for the service, for the rest], or none without taskset. */
function kjerner(): { tjeneste: string[]; last: string[]; beskrivelse: string } {
  const n = cpus().length
  if (process.env['BENCH_KJERNER'] === 'av' || n < 2) return { tjeneste: [], last: [], beskrivelse: 'no core pinning' }
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' })
  } catch {
    return { tjeneste: [], last: [], beskrivelse: 'no core pinning (taskset unavailable)' }
  }
  const last = n > 2 ? `0-${n - 2}` : '0'
  if (n > 2) execFileSync('taskset', ['-cp', last, String(process.pid)], { stdio: 'ignore' })
  return {
    tjeneste: ['-c', String(n - 1)],
    last: ['-c', last],
    beskrivelse: `service on core ${n - 1}, load and simulator on ${last}`,
  }
}
const KJERNER = kjerner()

/** Spawns node, under taskset when pinning. */
function node(args: string[], pinning: string[], valg: Parameters<typeof spawn>[2]): ChildProcess {
  return pinning.length
    ? spawn('taskset', [...pinning, process.execPath, ...args], valg)
    : spawn(process.execPath, args, valg)
}

interface Barn {
  url: string
  prosess: ChildProcess
  stopp(): Promise<void>
}

async function startBarn(
  args: string[],
  env: Record<string, string>,
  klarMonster = /^KLAR (\S+)/,
): Promise<Barn & { startMs: number }> {
  const t0 = performance.now()
  const prosess = node(args, KJERNER.tjeneste, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((ok, feil) => {
    createInterface({ input: prosess.stdout as NodeJS.ReadableStream }).on('line', (l) => {
      const m = klarMonster.exec(l)
      if (m) ok(m[1] as string)
    })
    prosess.once('exit', (k) => feil(new Error(`${args.join(' ')} avsluttet (${k})`)))
  })
  return {
    url,
    prosess,
    startMs: performance.now() - t0,
    stopp: () =>
      new Promise<void>((ok) => {
        prosess.once('exit', () => ok())
        prosess.kill('SIGTERM')
      }),
  }
}

/** Current and peak resident memory of a process, MiB. */
function minne(pid: number): { rss: number; topp: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (felt: string) => Number(new RegExp(`${felt}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, topp: kb('VmHWM') / 1024 }
}

interface Resultat {
  navn: string
  rps: number
  p50: number
  p99: number
  toppMiB: number | null
  merknad?: string
  /** What the ratios are against: the bare-Fastify baseline (default), scenario 3's floor, or
   *  nothing (scenarios 4 and 5, which have no counterpart). */
  grunnlag?: Resultat | null
}

/** One budget of the performance issue, as measured in this run (BENCH_DOKUMENT writes them). */
interface Budsjett {
  hva: string
  grense: string
  malt: string
  holdt: boolean
}

/** The service's histogram of audit write waits (stonadsoppslag_audit_write_duration_seconds), cumulative
 *  count per bucket bound; null where there is none (the floor). */
async function auditVentetid(url: string): Promise<Map<string, number> | null> {
  const svar = await fetch(`${url}/metrics`)
  if (svar.status !== 200) return null
  const ut = new Map<string, number>()
  for (const m of (await svar.text()).matchAll(
    /^stonadsoppslag_audit_write_duration_seconds_bucket\{le="([^"]+)"\} (\d+)/gm,
  ))
    ut.set(m[1] as string, Number(m[2]))
  return ut
}

/** What share of the audit writes in between waited at most 1, 5 and 25 ms. */
function auditAndeler(for_: Map<string, number> | null, etter: Map<string, number> | null): string {
  if (!for_ || !etter) return ''
  const n = (etter.get('+Inf') ?? 0) - (for_.get('+Inf') ?? 0)
  if (n <= 0) return ''
  const andel = (le: string) => `${((100 * ((etter.get(le) ?? 0) - (for_.get(le) ?? 0))) / n).toFixed(1)} %`
  return `; audit writes waiting ≤ 1 / 5 / 25 ms: ${andel('0.001')} / ${andel('0.005')} / ${andel('0.025')} of ${n}`
}

/** The p-th percentile (0–100) of a sample; NaN for an empty one. */
function persentil(xs: number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN
}

/** CPU seconds spent over an autocannon run, as µs per request. */
function perKall(sekunder: number, r: autocannon.Result): number {
  return (1e6 * sekunder) / Math.max(1, r.requests.total)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** The simulator in a child process of its own, so that it does not share a core with the load. */
interface Simulator {
  pid: number
  urls: Record<string, string>
  baseUrl: string
  settFeil(mal: object, feil: object | null): Promise<void>
  token(navident?: string): Promise<string>
  /** Calls the simulator has answered so far, per upstream. */
  kall(): Promise<Record<string, number>>
  stopp(): Promise<void>
}

/** The bundled dataset plus `antall` copies of the person with cases in two municipalities, each
 *  with a synthetic ident, cases and documents of its own: lookups of different persons share no
 *  person data in flight, as on a real day. And `antall` employees, each known to NOM with a
 *  person of their own in PDL (no relatives, no cases): each lookup's access decision asks NOM and
 *  then PDL for its employee, as for a real NKS employee (one shared employee unknown to NOM left
 *  both out). Returns the file, the copies' idents and the employees' NAVidents. */
function datasettMedKopier(dir: string, antall: number): { fil: string; identer: string[]; navidenter: string[] } {
  const d = structuredClone(standardJson) as unknown as {
    personer: { personident: string; tags: string[]; fagsystem?: unknown }[]
    digisosSaker: { sokerFnr: string; tags: string[] }[]
    ansatte: { navident: string; personident: string | null; beskrivelse: string }[]
  }
  const forbilde = d.personer.find((p) => p.tags.includes('ugradert-to-kommuner')) as { personident: string }
  const saker = d.digisosSaker.filter((s) => s.sokerFnr === forbilde.personident)
  const brukte = new Set(d.personer.map((p) => p.personident))
  /** Synthetic idents born on `fodt`, each unused so far. */
  const nyeIdenter = (fodt: string) => {
    let individ = 500
    return () => {
      let ident = nesteSyntetiskeIdent(fodt, individ)
      while (brukte.has(ident)) ident = nesteSyntetiskeIdent(fodt, ++individ)
      individ = Number(ident.slice(6, 9)) + 1
      brukte.add(ident)
      return ident
    }
  }
  const personIdent = nyeIdenter('1990-03-14')
  const identer: string[] = []
  for (let i = 0; i < antall; i++) {
    const ident = personIdent()
    identer.push(ident)
    // The person's ident everywhere it appears (fagsystem records, søknad personalia), and every
    // id (fiksDigisosId, dokumentlagerId) new for this copy.
    const nyeIder = new Map<string, string>()
    const kopi = (x: unknown) =>
      JSON.parse(
        JSON.stringify(x)
          .replaceAll(forbilde.personident, ident)
          .replace(
            /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
            (u) => nyeIder.get(u) ?? (nyeIder.set(u, randomUUID()), nyeIder.get(u) as string),
          ),
      )
    d.personer.push({ ...kopi(forbilde), tags: [`bench-${i}`] })
    for (const sak of saker) d.digisosSaker.push({ ...kopi(sak), tags: sak.tags.map((t) => `${t}-bench-${i}`) })
  }
  const navidenter: string[] = []
  const ansattIdent = nyeIdenter('1985-06-20')
  for (let i = 0; i < antall; i++) {
    const ident = ansattIdent()
    const navident = `Z98${String(i).padStart(4, '0')}`
    navidenter.push(navident)
    // The model person has no relatives: the employee is related to nobody looked up.
    d.personer.push({ ...structuredClone(forbilde), personident: ident, fagsystem: {}, tags: [`bench-ansatt-${i}`] })
    d.ansatte.push({ navident, personident: ident, beskrivelse: `bench employee ${i}` })
  }
  lastDatasett(d) // fails here, naming the problem, rather than in the simulator
  const fil = join(dir, 'datasett.json')
  writeFileSync(fil, JSON.stringify(d))
  return { fil, identer, navidenter }
}

async function startSimulatorProsess(datasett?: string): Promise<Simulator> {
  const linjer: string[] = []
  const prosess = node(['--import', 'tsx', 'simulator/main.ts'], KJERNER.last, {
    env: {
      ...process.env,
      SIMULATOR_PORT: '0',
      SIMULATOR_GROUPS: DEV_VERDIER.GRUPPE_NKS,
      AZURE_APP_CLIENT_ID: DEV_VERDIER.AZURE_APP_CLIENT_ID,
      FIKS_INTEGRASJON_ID: DEV_VERDIER.FIKS_INTEGRASJON_ID,
      FIKS_INTEGRASJON_PASSORD: DEV_VERDIER.FIKS_INTEGRASJON_PASSORD,
      ...(datasett ? { SIMULATOR_DATASET: datasett } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((ok, feil) => {
    createInterface({ input: prosess.stdout as NodeJS.ReadableStream }).on('line', (l) => {
      linjer.push(l)
      if (l.startsWith('# dev-token')) ok()
    })
    prosess.once('exit', (k) => feil(new Error(`simulatoren avsluttet (${k})`)))
  })
  const urls = Object.fromEntries(
    linjer.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=', 2) as [string, string]),
  )
  const baseUrl = new URL(urls['PDL_URL'] as string).origin
  return {
    pid: prosess.pid as number,
    urls,
    baseUrl,
    settFeil: async (mal, feil) => {
      await fetch(`${baseUrl}/simulator/feil`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mal, feil }),
      })
    },
    token: async (navident = 'Z990009') => {
      const r = await fetch(`${baseUrl}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ navident }),
      })
      return ((await r.json()) as { access_token: string }).access_token
    },
    kall: async () =>
      ((await (await fetch(`${baseUrl}/simulator/kall`)).json()) as { perUpstream: Record<string, number> })
        .perUpstream,
    stopp: () =>
      new Promise<void>((ok) => {
        prosess.once('exit', () => ok())
        prosess.kill('SIGTERM')
      }),
  }
}

function tjenesteMiljo(sim: Simulator, auditStore: string, ekstra: Record<string, string> = {}) {
  return {
    ...DEV_VERDIER,
    ...sim.urls,
    // The production defaults (level info, no request lines), except the CEF copy of each audit
    // event on stdout (BENCH_AUDIT_CEF=stdout measures it: where it goes is the platform's cost).
    // Production refuses stdout for the CEF copy, so that run starts in development mode.
    NODE_ENV: process.env['BENCH_AUDIT_CEF'] === 'stdout' ? 'development' : 'production',
    PDL_BEHANDLINGSNUMMER: 'B123',
    // Production requires a chain key of its own (not the published development key).
    AUDIT_NOKKEL: 'benchmark-nokkel-'.padEnd(40, 'x'),
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
    AUDIT_CEF: process.env['BENCH_AUDIT_CEF'] ?? 'av',
    AUDIT_STORE: auditStore,
    // One synthetic employee makes all the load: the per-employee limit would otherwise decide.
    OPPSLAG_MAKS_ANTALL: '50000',
    RATE_LIMIT_PER_MINUTT: '100000000',
    OPPSLAG_START_PER_MINUTT: '100000000',
    ...ekstra,
  }
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'stonadsoppslag-bench-'))
  const resultater: Resultat[] = []
  const budsjett: Budsjett[] = []
  const pgSkjemaer: string[] = []
  const notater: string[] = []
  const kopier = datasettMedKopier(tmp, PERSONER)
  const sim = await startSimulatorProsess(kopier.fil)
  const token = await sim.token()
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const ansattAuth = await Promise.all(
    kopier.navidenter.map(async (n) => ({
      authorization: `Bearer ${await sim.token(n)}`,
      'content-type': 'application/json',
    })),
  )
  const person = personMedTag(standardDatasett(), 'ugradert-to-kommuner').personident

  async function nyttOppslag(url: string): Promise<{ id: string; konto: string }> {
    const start = await fetch(`${url}/api/v1/oppslag`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ personident: person, henvendelseId: 'BENCH' }),
    })
    const { oppslagId } = (await start.json()) as { oppslagId: string }
    const konto = await (await fetch(`${url}/api/v1/oppslag/${oppslagId}/konto`, { headers: auth })).text()
    return { id: oppslagId, konto }
  }

  // ── baseline and scenario 1/2: cached category read ─────────────────────────
  // Only with a read scenario: the other scenarios are not compared with it.
  if (skal('1') || skal('2')) {
    const forste = await startBarn(
      [...NODE_FLAGG, 'bench/tjeneste.mjs'],
      tjenesteMiljo(sim, `sqlite:${join(tmp, 'payload.db')}`),
    )
    const { konto: payload } = await nyttOppslag(forste.url)
    await forste.stopp()

    // The baseline and every read scenario run side by side, in alternating rounds, so that a slow
    // spell of the machine hits them alike; each figure is the median over the rounds.
    const mal: {
      navn: string
      url: string
      barn: Barn
      opts: Partial<autocannon.Options>
      runder: autocannon.Result[]
      cpuPerKall: number[]
      hovedPerKall: number[]
      tider: { p50: number; p99: number }[]
    }[] = []
    const baseline = await startBarn(['bench/baseline.mjs'], { BENCH_PAYLOAD: payload })
    mal.push({
      navn: 'baseline: bare Fastify, same JSON',
      url: `${baseline.url}/payload`,
      barn: baseline,
      opts: {},
      runder: [],
      cpuPerKall: [],
      hovedPerKall: [],
      tider: [],
    })
    const lesMal = async (navn: string, auditStore: (variant: string) => string, env: Record<string, string> = {}) => {
      // With BENCH_SAMMENLIGN each read scenario also runs on each other build, on a store of its own.
      // With BENCH_SAMMENLIGN_FLAGG, also with those node flags added.
      const bygg: [string, Record<string, string>, string[]][] = [['', {}, []]]
      for (const annen of ANDRE_BYGG) bygg.push([`, build ${annen}`, { BENCH_DIST: resolve(annen) }, []])
      if (ANDRE_FLAGG.length) bygg.push([`, with ${ANDRE_FLAGG.join(' ')}`, {}, ANDRE_FLAGG])
      for (const [i, [variant, ekstra, flagg]] of bygg.entries()) {
        const s = await startBarn(
          [...NODE_FLAGG, ...flagg, 'bench/tjeneste.mjs'],
          tjenesteMiljo(sim, auditStore(i ? `_${i}` : ''), { ...env, ...ekstra }),
        )
        const { id } = await nyttOppslag(s.url)
        mal.push({
          navn: `${navn}${variant}`,
          url: `${s.url}/api/v1/oppslag/${id}/konto`,
          barn: s,
          opts: { headers: auth },
          runder: [],
          cpuPerKall: [],
          hovedPerKall: [],
          tider: [],
        })
      }
    }
    if (skal('1')) {
      await lesMal('1: cached read, SQLite audit', (v) => `sqlite:${join(tmp, `s1${v}.db`)}`)
      if (process.env['BENCH_UTEN_AV'] !== 'ja')
        await lesMal('1: cached read, auditing off', (v) => `sqlite:${join(tmp, `s1-av${v}.db`)}`, {
          BENCH_AUDIT: 'av',
        })
    }
    if (skal('2')) {
      const skjema = `bench_${Date.now()}`
      await lesMal('2: cached read, PostgreSQL audit', (v) => {
        pgSkjemaer.push(`${skjema}${v}`)
        return `${POSTGRES}${POSTGRES.includes('?') ? '&' : '?'}schema=${skjema}${v}`
      })
    }
    for (const m of mal) await autocannon({ url: m.url, connections: 50, duration: OPPVARMING, ...m.opts })
    for (let runde = 0; runde < RUNDER; runde++) {
      for (const m of mal) {
        const pid = m.barn.prosess.pid as number
        const cpu0 = cpuSekunder(pid)
        const hoved0 = hovedtradSekunder(pid)
        // autocannon's own percentiles are whole milliseconds (its histogram's unit), which makes
        // the baseline's p50 0 ms and no ratio possible: each 2xx response's time is kept here.
        const tider: number[] = []
        // The promise autocannon returns is also its event emitter (its types say only the former).
        const last = autocannon({
          url: m.url,
          connections: 50,
          duration: SEKUNDER,
          ...m.opts,
        }) as unknown as Promise<autocannon.Result> & EventEmitter
        last.on('response', (_klient: unknown, status: number, _bytes: number, ms: number) => {
          if (status >= 200 && status < 300) tider.push(ms)
        })
        const r = await last
        m.runder.push(r)
        m.tider.push({ p50: persentil(tider, 50), p99: persentil(tider, 99) })
        m.cpuPerKall.push(perKall(cpuSekunder(pid) - cpu0, r))
        m.hovedPerKall.push(perKall(hovedtradSekunder(pid) - hoved0, r))
      }
    }
    const baseCpu = median(mal[0]?.cpuPerKall ?? [])
    // Saturated, bare Fastify may serve several requests per wake-up and system call; a slower
    // target cannot. So the baseline also runs paced at each target's rate: the target's CPU per
    // request above that is what its own work costs. (Measured: about the same as saturated.)
    const vedSammeRate = new Map<(typeof mal)[number], string>()
    const pacetCpu = new Map<(typeof mal)[number], number>()
    const grunn = mal[0]
    if (grunn) {
      for (const m of mal.slice(1)) {
        const pid = grunn.barn.prosess.pid as number
        const cpu0 = cpuSekunder(pid)
        const r = await autocannon({
          url: grunn.url,
          connections: 50,
          duration: SEKUNDER,
          overallRate: Math.round(median(m.runder.map((x) => x.requests.average))),
        })
        pacetCpu.set(m, perKall(cpuSekunder(pid) - cpu0, r))
        vedSammeRate.set(
          m,
          `; baseline paced at this rate: CPU ${(pacetCpu.get(m) as number).toFixed(0)} µs/request at ${r.requests.average.toFixed(0)} req/s`,
        )
      }
    }
    for (const m of mal) {
      const cpu = median(m.cpuPerKall)
      const hoved = median(m.hovedPerKall)
      // The ratio within each round (this target against the baseline's run just before it) is
      // steadier than a ratio of medians when the machine has slow spells.
      const forhold = m.runder.map((r, i) => r.requests.average / (mal[0]?.runder[i]?.requests.average ?? Number.NaN))
      const feil = m.runder.reduce((n, r) => n + r.non2xx + r.errors, 0)
      const rps = m.runder.map((r) => r.requests.average)
      resultater.push({
        navn: m.navn,
        rps: median(rps),
        p50: median(m.tider.map((x) => x.p50)),
        p99: median(m.tider.map((x) => x.p99)),
        toppMiB: minne(m.barn.prosess.pid as number).topp,
        // CPU per request (every thread of the process) is steadier than req/s on a noisy machine:
        // on a saturated core its inverse is the throughput.
        merknad: `CPU ${cpu.toFixed(0)} µs/request (${(baseCpu / cpu).toFixed(2)} × baseline's rate; event loop ${hoved.toFixed(0)}, other threads ${(cpu - hoved).toFixed(0)})${vedSammeRate.get(m) ?? ''}${RUNDER > 1 ? `; req/s per round ${rps.map((x) => x.toFixed(0)).join(' / ')}${m === mal[0] ? '' : `; × baseline per round ${forhold.map((x) => x.toFixed(2)).join(' / ')} (median ${median(forhold).toFixed(2)})`}` : ''}${feil ? `; ${feil} feil` : ''}`,
      })
      // The budgets hold for this build (not BENCH_SAMMENLIGN's) with the audit store on.
      const grense =
        m.navn === '1: cached read, SQLite audit'
          ? { rps: 0.5, cpu: 1.7 }
          : m.navn === '2: cached read, PostgreSQL audit'
            ? { rps: 0.35, cpu: 2 }
            : null
      const paced = pacetCpu.get(m)
      if (grense && paced) {
        budsjett.push({
          hva: `${m.navn}: req/s × baseline`,
          grense: `≥ ${grense.rps}`,
          malt: median(forhold).toFixed(2),
          holdt: median(forhold) >= grense.rps,
        })
        budsjett.push({
          hva: `${m.navn}: CPU × the baseline paced at its rate`,
          grense: `≤ ${grense.cpu}`,
          malt: `${(cpu / paced).toFixed(2)} (${cpu.toFixed(0)} against ${paced.toFixed(0)} µs)`,
          holdt: cpu / paced <= grense.cpu,
        })
      }
      await m.barn.stopp()
    }
  }

  // ── scenario 3: uncached lookup, POST + GET of all, 200 concurrent ─────────
  const SAMTIDIGE = Number(process.env['BENCH_SAMTIDIGE'] ?? 200)
  const navnPersoner = `${PERSONER} person${PERSONER === 1 ? '' : 's'}`
  const upstreams = [
    'pdl',
    'skjerming',
    'nom',
    'fiks-soknader',
    'fiks-dokument',
    'fiks-kommuneinfo',
    'fiks-io',
  ] as const
  const oppslagScenario = async (navn: string, forsinkelseMs: number) => {
    for (const u of upstreams)
      await sim.settFeil({ upstream: u }, forsinkelseMs > 0 ? { latencyMs: forsinkelseMs } : null)
    /** Closed-loop load: SAMTIDIGE lookups at once, each POST then GET, after a warm-up. */
    const last = async (s: Barn) => {
      const pool = new Pool(s.url, { connections: 256 })
      const post: number[] = []
      const get: number[] = []
      let feil = 0
      const kjor = async (nr: number, slutt: number, mal: boolean) => {
        // Lookup nr n is of person n mod BENCH_PERSONER, by employee n mod BENCH_PERSONER: with as
        // many persons as lookups at once, no two lookups in flight share person data (1 person:
        // every lookup shares every call), and each employee has one lookup at a time.
        const hvem = JSON.stringify({ personident: kopier.identer[nr % kopier.identer.length], henvendelseId: 'B' })
        const auth = ansattAuth[nr % ansattAuth.length] as Record<string, string>
        while (performance.now() < slutt) {
          const t0 = performance.now()
          const a = await pool.request({ method: 'POST', path: '/api/v1/oppslag', headers: auth, body: hvem })
          const { oppslagId } = (await a.body.json()) as { oppslagId?: string }
          const t1 = performance.now()
          if (!oppslagId) {
            feil++
            continue
          }
          const g = await pool.request({ method: 'GET', path: `/api/v1/oppslag/${oppslagId}`, headers: auth })
          await g.body.text()
          if (g.statusCode !== 200) feil++
          const t2 = performance.now()
          if (mal) {
            post.push(t1 - t0)
            get.push(t2 - t1)
          }
        }
      }
      await Promise.all(
        Array.from({ length: SAMTIDIGE }, (_, nr) => kjor(nr, performance.now() + OPPVARMING * 1000, false)),
      )
      const kallFor = await sim.kall()
      const auditFor = await auditVentetid(s.url)
      const start = performance.now()
      const cpu0 = cpuSekunder(s.prosess.pid as number)
      const simCpu0 = cpuSekunder(sim.pid)
      const lastCpu0 = process.cpuUsage()
      await Promise.all(
        Array.from({ length: SAMTIDIGE }, (_, nr) => kjor(nr, performance.now() + SEKUNDER * 1000, true)),
      )
      const cpuPerOppslag = (1e3 * (cpuSekunder(s.prosess.pid as number) - cpu0)) / Math.max(1, post.length)
      const varighet = (performance.now() - start) / 1000
      // The simulator and the load share the other core: if that core is full, their queueing is
      // in the latencies too, and the service-added figures are an upper bound.
      const lastCpu = process.cpuUsage(lastCpu0)
      const andreKjerne = (cpuSekunder(sim.pid) - simCpu0 + (lastCpu.user + lastCpu.system) / 1e6) / varighet
      // Upstream calls per lookup (lookups still in flight at the end make this a slight overcount).
      const kallEtter = await sim.kall()
      const perOppslag = Object.entries(kallEtter)
        .map(([u, n]) => [u, (n - (kallFor[u] ?? 0)) / Math.max(1, post.length)] as const)
        .filter(([, n]) => n > 0)
      const toppMiB = minne(s.prosess.pid as number).topp
      const audit = auditAndeler(auditFor, await auditVentetid(s.url))
      await pool.close()
      await s.stopp()
      return { post, get, feil, varighet, cpuPerOppslag, andreKjerne, perOppslag, toppMiB, audit }
    }
    // Critical path of upstream latency: POST: NOM → PDL for the employee, beside PDL and
    // skjerming for the person = 2 hops; GET: case list → documents and fagsystem in parallel = 2
    // hops (KommuneInfo comes from its cache after the warm-up: KOMMUNEINFO_CACHE_S; the floor
    // keeps it too).
    const postHopp = 2
    const getHopp = 2
    const rad = (
      hva: string,
      r: Awaited<ReturnType<typeof last>>,
      gulv?: Awaited<ReturnType<typeof last>>,
    ): Resultat => {
      const egen = (xs: number[], hopp: number, p: number) => persentil(xs, p) - hopp * forsinkelseMs
      const rate = r.post.length / r.varighet
      const tjenesteKjerne = (r.cpuPerOppslag * r.post.length) / 1e3 / r.varighet
      notater.push(
        `Scenario 3, ${hva}: upstream calls per lookup ${r.perOppslag.map(([u, n]) => `${u} ${n.toFixed(2)}`).join(', ')} (in all ${r.perOppslag.reduce((a, [, n]) => a + n, 0).toFixed(1)}).`,
      )
      // Lookups/s and latency against the floor are the table's ratio columns; CPU is here.
      const motGulv = gulv ? `; CPU/lookup × floor ${(r.cpuPerOppslag / gulv.cpuPerOppslag).toFixed(1)}` : ''
      const hele = r.post.map((p, i) => p + (r.get[i] ?? 0))
      return {
        navn: hva,
        rps: rate,
        p50: persentil(hele, 50),
        p99: persentil(hele, 99),
        toppMiB: r.toppMiB,
        merknad: `CPU ${r.cpuPerOppslag.toFixed(2)} ms/lookup (${(100 * tjenesteKjerne).toFixed(0)} % of a core, simulator + load ${(100 * r.andreKjerne).toFixed(0)} %); added p50/p99: POST ${egen(r.post, postHopp, 50).toFixed(1)}/${egen(r.post, postHopp, 99).toFixed(1)} ms, GET ${egen(r.get, getHopp, 50).toFixed(1)}/${egen(r.get, getHopp, 99).toFixed(1)} ms${motGulv}${r.audit}${r.feil ? `; ${r.feil} feil` : ''}`,
      }
    }
    // The floor first, then the service, against the same simulator and persons.
    const gulv = await last(
      await startBarn(
        [...NODE_FLAGG, 'bench/baseline-oppslag.mjs'],
        tjenesteMiljo(sim, `sqlite:${join(tmp, `s3-gulv-${forsinkelseMs}.db`)}`),
      ),
    )
    const gulvRad = rad(`${navn}: floor, bare Fastify making the same calls`, gulv)
    gulvRad.grunnlag = gulvRad
    resultater.push(gulvRad)
    const tjeneste = await last(
      await startBarn(
        [...NODE_FLAGG, 'bench/tjeneste.mjs'],
        tjenesteMiljo(sim, `sqlite:${join(tmp, `s3-${forsinkelseMs}.db`)}`),
      ),
    )
    resultater.push({ ...rad(`${navn} (POST+GET per lookup)`, tjeneste, gulv), grunnlag: gulvRad })
    if (forsinkelseMs === 0) {
      const x = tjeneste.cpuPerOppslag / gulv.cpuPerOppslag
      budsjett.push({
        hva: '3: uncached lookup: CPU × the floor',
        grense: '≤ 1.5',
        malt: `${x.toFixed(2)} (${tjeneste.cpuPerOppslag.toFixed(2)} against ${gulv.cpuPerOppslag.toFixed(2)} ms)`,
        holdt: x <= 1.5,
      })
    }
    // With BENCH_SAMMENLIGN, each other build after it, against the same floor.
    for (const annen of ANDRE_BYGG) {
      const barn = await startBarn([...NODE_FLAGG, 'bench/tjeneste.mjs'], {
        ...tjenesteMiljo(
          sim,
          `sqlite:${join(tmp, `s3-${forsinkelseMs}-${basename(annen)}-${ANDRE_BYGG.indexOf(annen)}.db`)}`,
        ),
        BENCH_DIST: resolve(annen),
      })
      resultater.push({
        ...rad(`${navn} (POST+GET per lookup), build ${annen}`, await last(barn), gulv),
        grunnlag: gulvRad,
      })
    }
    for (const u of upstreams) await sim.settFeil({ upstream: u }, null)
  }
  if (skal('3')) {
    await oppslagScenario(`3: uncached lookup, ${SAMTIDIGE} at once, ${navnPersoner}, upstreams 0 ms`, 0)
    await oppslagScenario(`3: uncached lookup, ${SAMTIDIGE} at once, ${navnPersoner}, upstreams 50 ms`, 50)
  }

  // ── scenario 6: open loop: lookups arriving at a fixed rate, 50 ms upstreams ─
  // Closed loop (scenario 3) measures what the machine can push through; an NKS agent's lookup
  // arrives whether or not the last one is done. At BENCH_RATE lookups/s (each a POST and a GET of
  // everything, a new person each), what does the service add to the floor's latency?
  if (skal('6')) {
    const RATE = Number(process.env['BENCH_RATE'] ?? 100)
    const FORSINKELSE_MS = 50
    for (const u of upstreams) await sim.settFeil({ upstream: u }, { latencyMs: FORSINKELSE_MS })
    const apenLast = async (s: Barn) => {
      const pool = new Pool(s.url, { connections: 1024 })
      const tider: number[] = []
      let feil = 0
      let nr = 0
      const kjor = async (sekunder: number, mal: boolean) => {
        const antall = Math.round(RATE * sekunder)
        const t0 = performance.now()
        const underveis: Promise<void>[] = []
        for (let i = 0; i < antall; i++) {
          // Pacing the arrivals (this is the load generator's clock, not a wait for a result).
          const planlagt = t0 + (i * 1000) / RATE
          const vent = planlagt - performance.now()
          if (vent > 1) await new Promise((ok) => setTimeout(ok, vent))
          const n = nr++
          underveis.push(
            (async () => {
              const auth = ansattAuth[n % ansattAuth.length] as Record<string, string>
              const hvem = JSON.stringify({
                personident: kopier.identer[n % kopier.identer.length],
                henvendelseId: 'B',
              })
              const a = await pool.request({ method: 'POST', path: '/api/v1/oppslag', headers: auth, body: hvem })
              const { oppslagId } = (await a.body.json()) as { oppslagId?: string }
              if (!oppslagId) {
                feil++
                return
              }
              const g = await pool.request({ method: 'GET', path: `/api/v1/oppslag/${oppslagId}`, headers: auth })
              await g.body.text()
              if (g.statusCode !== 200) feil++
              // From the planned arrival: a lookup the generator started late still counts its wait.
              if (mal) tider.push(performance.now() - planlagt)
            })(),
          )
        }
        await Promise.all(underveis)
      }
      await kjor(OPPVARMING, false)
      const pid = s.prosess.pid as number
      const cpu0 = cpuSekunder(pid)
      const start = performance.now()
      await kjor(SEKUNDER, true)
      const kjerne = (cpuSekunder(pid) - cpu0) / ((performance.now() - start) / 1000)
      await pool.close()
      await s.stopp()
      return { tider, feil, kjerne }
    }
    const gulv = await apenLast(
      await startBarn(
        [...NODE_FLAGG, 'bench/baseline-oppslag.mjs'],
        tjenesteMiljo(sim, `sqlite:${join(tmp, 's6-gulv.db')}`),
      ),
    )
    const skjema = `bench6_${Date.now()}`
    pgSkjemaer.push(skjema)
    const mal: [string, string][] = [
      ['SQLite audit', `sqlite:${join(tmp, 's6.db')}`],
      ['PostgreSQL audit', `${POSTGRES}${POSTGRES.includes('?') ? '&' : '?'}schema=${skjema}`],
    ]
    const gulvRad: Resultat = {
      navn: `6: open loop, ${RATE} lookups/s, upstreams ${FORSINKELSE_MS} ms: floor`,
      rps: RATE,
      p50: persentil(gulv.tider, 50),
      p99: persentil(gulv.tider, 99),
      toppMiB: null,
      merknad: `${(100 * gulv.kjerne).toFixed(0)} % of a core${gulv.feil ? `; ${gulv.feil} feil` : ''}`,
    }
    gulvRad.grunnlag = gulvRad
    resultater.push(gulvRad)
    for (const [hva, store] of mal) {
      const r = await apenLast(await startBarn([...NODE_FLAGG, 'bench/tjeneste.mjs'], tjenesteMiljo(sim, store)))
      const p50 = persentil(r.tider, 50)
      const p99 = persentil(r.tider, 99)
      budsjett.push({
        hva: `6: open loop at ${RATE} lookups/s (floor at ${(100 * gulv.kjerne).toFixed(0)} % of a core), ${hva}: added p99`,
        grense: '≤ 20 ms',
        malt: `${(p99 - gulvRad.p99).toFixed(1)} ms`,
        holdt: p99 - gulvRad.p99 <= 20,
      })
      resultater.push({
        navn: `6: open loop, ${RATE} lookups/s, upstreams ${FORSINKELSE_MS} ms: ${hva}`,
        rps: RATE,
        p50,
        p99,
        toppMiB: null,
        grunnlag: gulvRad,
        merknad: `${(100 * r.kjerne).toFixed(0)} % of a core; added over the floor p50 ${(p50 - gulvRad.p50).toFixed(1)} ms, p99 ${(p99 - gulvRad.p99).toFixed(1)} ms${r.feil ? `; ${r.feil} feil` : ''}`,
      })
    }
    for (const u of upstreams) await sim.settFeil({ upstream: u }, null)
  }

  // ── scenario 4: memory with 10 000 live lookups ─────────────────────────────
  if (skal('4')) {
    const s = await startBarn(
      ['--expose-gc', ...NODE_FLAGG, 'bench/tjeneste.mjs'],
      tjenesteMiljo(sim, `sqlite:${join(tmp, 's4.db')}`, { BENCH_SESJONER: 'ja' }),
    )
    const pool = new Pool(s.url, { connections: 50 })
    let nr = 0
    let ufullstendige = 0
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (nr < 10_000) {
          nr++
          const a = await pool.request({
            method: 'POST',
            path: '/api/v1/oppslag',
            headers: auth,
            body: JSON.stringify({ personident: person, henvendelseId: 'M' }),
          })
          const { oppslagId } = (await a.body.json()) as { oppslagId: string }
          const g = await pool.request({ method: 'GET', path: `/api/v1/oppslag/${oppslagId}`, headers: auth })
          const tekst = await g.body.text()
          if (g.statusCode !== 200 || tekst.includes('UTILGJENGELIG')) ufullstendige++
        }
      }),
    )
    const sesjoner = (await (await fetch(`${s.url}/bench/sesjoner`)).json()) as {
      antall: number
      bytes: number
      heapMiB: number
      heapTotalMiB: number
      externalMiB: number
      rssMiB: number
    }
    const m = minne(s.prosess.pid as number)
    resultater.push({
      navn: '4: 10 000 live lookups, each read once',
      rps: 10_000 / ((performance.now() - t0) / 1000),
      p50: Number.NaN,
      p99: Number.NaN,
      toppMiB: m.topp,
      merknad: `RSS ${m.rss.toFixed(0)} MiB (after GC ${sesjoner.rssMiB.toFixed(0)}, live heap ${sesjoner.heapMiB.toFixed(0)} of ${sesjoner.heapTotalMiB.toFixed(0)}, external ${sesjoner.externalMiB.toFixed(0)}), ${sesjoner.antall} sessions, cache ${(sesjoner.bytes / 1024 / 1024).toFixed(1)} MiB${ufullstendige ? `, ${ufullstendige} incomplete reads` : ''}`,
      grunnlag: null,
    })
    budsjett.push({
      hva: '4: 10 000 live lookups: RSS',
      grense: '≤ 256 MiB',
      malt: `${m.rss.toFixed(0)} MiB`,
      holdt: m.rss <= 256,
    })
    notater.push(
      `Scenario 4: RSS now ${m.rss.toFixed(1)} MiB, peak ${m.topp.toFixed(1)} MiB; ${sesjoner.antall} sessions holding ${(sesjoner.bytes / 1048576).toFixed(1)} MiB by the cache's own size count.`,
    )
    await pool.close()
    await s.stopp()
  }

  // ── scenario 5: start-up to ready, the built server ─────────────────────────
  if (skal('5')) {
    // With BENCH_SAMMENLIGN the other builds' bundles start in turn with this one's, so that
    // start-up is compared under the same spells of the host.
    // Older builds start with what their npm start ran: the code-cache launcher, or the first ESM bundle.
    const startfil = (d: string) =>
      [basename(NPM_START.fil), 'start.mjs', 'stonadsoppslag.js'].map((f) => join(d, f)).find((f) => existsSync(f)) ??
      join(d, basename(NPM_START.fil))
    const bygg = [NPM_START.fil, ...ANDRE_BYGG.map(startfil)].map((fil) => ({ fil, tider: [] as number[] }))
    let nr = 0
    for (let i = 0; i < STARTER; i++) {
      for (const { fil, tider } of bygg) {
        const port = 18_500 + nr
        const t0 = performance.now()
        const prosess = node([...NODE_FLAGG, fil], KJERNER.tjeneste, {
          env: {
            ...process.env,
            ...tjenesteMiljo(sim, `sqlite:${join(tmp, `s5-${nr}.db`)}`),
            PORT: String(port),
            HOST: '127.0.0.1',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        })
        nr++
        let avsluttet: number | null = null
        prosess.once('exit', (k) => {
          avsluttet = k ?? -1
        })
        for (;;) {
          if (avsluttet !== null) throw new Error(`${fil} avsluttet (${avsluttet}) før den var klar`)
          try {
            const r = await fetch(`http://127.0.0.1:${port}/health/ready`)
            if (r.status === 200) break
          } catch {
            /* not listening yet */
          }
          await new Promise((r) => setTimeout(r, 5))
        }
        tider.push(performance.now() - t0)
        await new Promise<void>((ok) => {
          prosess.once('exit', () => ok())
          prosess.kill('SIGTERM')
        })
      }
    }
    const egne = bygg[0]?.tider ?? []
    budsjett.push({
      hva: '5: start-up to ready (median; slowest)',
      grense: '≤ 1 000 ms',
      malt: `${persentil(egne, 50).toFixed(0)} ms; ${Math.max(...egne).toFixed(0)} ms`,
      holdt: persentil(egne, 50) <= 1000,
    })
    for (const { fil, tider } of bygg) {
      resultater.push({
        navn: `5: start-up to ready (npm start: ${fil}), ${tider.length} runs`,
        rps: Number.NaN,
        p50: persentil(tider, 50),
        p99: Math.max(...tider),
        toppMiB: null,
        merknad: `min ${Math.min(...tider).toFixed(0)} ms; the p99 column is the slowest start`,
        grunnlag: null,
      })
    }
  }

  await sim.stopp()
  // Scenario 2's audit schemas go with the run (each service child has closed its store).
  if (pgSkjemaer.length) await slettSkjemaer(POSTGRES, pgSkjemaer)
  const ingen: Resultat = { navn: '', rps: Number.NaN, p50: Number.NaN, p99: Number.NaN, toppMiB: null }
  const base: Resultat = resultater[0]?.navn.startsWith('baseline') ? resultater[0] : ingen
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–')
  const linjer = [
    `# stonadsoppslag benchmark`,
    '',
    `${new Date().toISOString()} · ${cpus().length} cores (${cpus()[0]?.model ?? '?'}) · Node ${process.version} · ${SEKUNDER} s per scenario (read scenarios and baseline: median of ${RUNDER} alternating rounds) after ${OPPVARMING} s warm-up, loopback · ${KJERNER.beskrivelse}${NODE_FLAGG.length ? ` · service flags: ${NODE_FLAGG.join(' ')}` : ''}`,
    '',
    '| scenario | req/s | × baseline | p50 ms | p50 × baseline | p99 ms | p99 × baseline | peak RSS MiB | RSS × baseline | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...resultater.map((r) => {
      const g = r.grunnlag === undefined ? base : (r.grunnlag ?? ingen)
      const rss = r.toppMiB === null ? '–' : f(r.toppMiB, 0)
      const rssForhold = r.toppMiB === null || g.toppMiB === null ? '–' : f(r.toppMiB / g.toppMiB, 1)
      return `| ${r.navn} | ${f(r.rps, 0)} | ${f(r.rps / g.rps, 2)} | ${f(r.p50, 2)} | ${f(r.p50 / g.p50, 1)} | ${f(r.p99, 2)} | ${f(r.p99 / g.p99, 1)} | ${rss} | ${rssForhold} | ${r.merknad ?? ''} |`
    }),
    '',
    '× baseline: scenarios 1 and 2 against the bare-Fastify baseline; scenario 3 against its floor in the same run (the same upstream calls on the same critical path, nothing else); scenarios 4 and 5 have no counterpart.',
    '',
    ...notater,
    '',
  ]
  const tabell = linjer.join('\n')
  process.stdout.write(tabell)
  mkdirSync('bench-results', { recursive: true })
  writeFileSync(join('bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.md`), tabell)
  if (process.env['BENCH_DOKUMENT']) skrivDokument(process.env['BENCH_DOKUMENT'], linjer[2] as string, budsjett, tabell)
}

/** BENCH_DOKUMENT=docs/performance.md: the budgets and the whole table of this run replace the part
 *  of that document between its two markers, with the command that made them. */
function skrivDokument(fil: string, maskin: string, budsjett: Budsjett[], tabell: string): void {
  const [start, slutt] = ['<!-- bench:start -->', '<!-- bench:end -->']
  const dok = readFileSync(fil, 'utf8')
  const a = dok.indexOf(start)
  const b = dok.indexOf(slutt)
  if (a < 0 || b < a) throw new Error(`${fil} mangler ${start} … ${slutt}`)
  const miljo = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_') && k !== 'BENCH_DOKUMENT')
    .map(([k, v]) => `${k}=${v} `)
    .join('')
  const del = [
    start,
    `Made by \`${miljo}BENCH_DOKUMENT=${fil} npm run bench\`: ${maskin}`,
    '',
    '| budget | limit | measured | met |',
    '|---|---|---|---|',
    ...budsjett.map((x) => `| ${x.hva} | ${x.grense} | ${x.malt} | ${x.holdt ? 'yes' : '**no**'} |`),
    '',
    '<details><summary>The whole table of that run</summary>',
    '',
    ...tabell.split('\n').slice(4),
    '</details>',
    slutt,
  ].join('\n')
  writeFileSync(fil, dok.slice(0, a) + del + dok.slice(b + slutt.length))
}

await main()
