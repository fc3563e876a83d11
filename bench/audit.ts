// Audit store throughput (`npm run bench:audit`): events durably committed per second on each
// store with 1, 16, 50 and 128 concurrent writers, each writer awaiting its own commit before the next
// (as a request does), the average group-commit batch that results, and the CPU time per event
// (all threads of this process, and the event loop's share; a local PostgreSQL server's own CPU in a
// column of its own); then retention of old events while a writer keeps writing (what a request would wait
// meanwhile). The 50-writer cell also runs with events spread over 10 000 persons and 500 employees,
// as real traffic is: each event then lands on its own pages of the person and employee indexes.
import { mkdtempSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { AuditHendelse, AuditStore } from '../src/audit/port.js'
import { PostgresAuditStore } from '../src/audit/postgres.js'
import { SqliteAuditStore } from '../src/audit/sqlite.js'
import { PG_URL, slettSkjemaer } from '../test/postgres.js'
import { hovedtradSekunder, postgresSekunder } from './cpu.js'
import { nesteSyntetiskeIdent } from '../simulator/syntetisk.js'

const SEKUNDER = Number(process.env['BENCH_SEKUNDER'] ?? 5)
const POSTGRES = process.env['BENCH_POSTGRES'] ?? PG_URL

/** Synthetic (Tenor-style) persons, and employees, for the spread cell. */
const PERSONER = Array.from({ length: 10_000 }, (_, i) =>
  nesteSyntetiskeIdent(
    `19${50 + (i % 50)}-${String(1 + ((i >> 5) % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    100 + (i % 800),
  ),
)
const ANSATTE = Array.from({ length: 500 }, (_, i) => `Z99${String(i).padStart(4, '0')}`)

const hendelse = (n: number, spredt = false): AuditHendelse => ({
  tid: new Date().toISOString(),
  navident: spredt ? (ANSATTE[n % ANSATTE.length] as string) : 'Z990009',
  handling: 'LES',
  kategori: 'konto',
  personident: spredt ? (PERSONER[(n * 7919) % PERSONER.length] as string) : '14839010150',
  henvendelseId: `H-${n}`,
  beslutning: 'Permit',
  regel: null,
  kilde: 'cache',
  sporingsIder: [],
  callId: `c-${n}`,
  instans: 'bench',
})

/** CPU seconds of the local PostgreSQL server's processes so far; null when the server is elsewhere. */
function serverCpu(): number | null {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(POSTGRES).hostname) ? postgresSekunder() : null
}

async function mal(store: AuditStore & { antallCommits: number }, skrivere: number, spredt = false) {
  let n = 0
  const commitsFor = store.antallCommits
  const cpu0 = process.cpuUsage()
  const hoved0 = hovedtradSekunder(process.pid)
  const server0 = store instanceof PostgresAuditStore ? serverCpu() : null
  const slutt = performance.now() + SEKUNDER * 1000
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: skrivere }, async () => {
      while (performance.now() < slutt) await store.skriv([hendelse(n++, spredt)])
    }),
  )
  const s = (performance.now() - t0) / 1000
  const commits = store.antallCommits - commitsFor
  // Every thread of this process: the SQLite writer thread's work included.
  const cpu = process.cpuUsage(cpu0)
  return {
    perSekund: n / s,
    batch: n / Math.max(commits, 1),
    cpuPerHendelse: (cpu.user + cpu.system) / n,
    hovedPerHendelse: (1e6 * (hovedtradSekunder(process.pid) - hoved0)) / n,
    serverPerHendelse: server0 === null ? null : (1e6 * ((serverCpu() as number) - server0)) / n,
  }
}

/** Retention of `antall` old events while one writer keeps writing: how long retention takes, the
 *  event loop's longest stall and the longest write meanwhile (what a request waited). */
async function retensjon(store: AuditStore, antall: number) {
  const gammel = (n: number): AuditHendelse => ({ ...hendelse(n), tid: '2010-01-01T00:00:00.000Z' })
  for (let i = 0; i < antall; i += 1000)
    await store.skriv(Array.from({ length: Math.min(1000, antall - i) }, (_, k) => gammel(i + k)))
  const forsinkelse = monitorEventLoopDelay({ resolution: 1 })
  forsinkelse.enable()
  let lengsteSkriving = 0
  let ferdig = false
  let n = 0
  const skriver = (async () => {
    while (!ferdig) {
      const t0 = performance.now()
      await store.skriv([hendelse(n++)])
      lengsteSkriving = Math.max(lengsteSkriving, performance.now() - t0)
    }
  })()
  await new Promise((ok) => setTimeout(ok, 50))
  const t0 = performance.now()
  const slettet = await store.slettFor('2020-01-01T00:00:00.000Z')
  const ms = performance.now() - t0
  await new Promise((ok) => setTimeout(ok, 50))
  ferdig = true
  await skriver
  forsinkelse.disable()
  return { slettet, ms, stopp: forsinkelse.max / 1e6, lengsteSkriving }
}

const rader: string[] = []
const retensjonRader: string[] = []
const RETENSJON_ANTALL = Number(process.env['BENCH_RETENSJON'] ?? 200_000)
const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'))
const sqlite = new SqliteAuditStore(join(dir, 'audit.db'))
const skjema = `bench_audit_${Date.now()}`
const postgres = await PostgresAuditStore.apne(POSTGRES, { skjema })
for (const [navn, store] of [
  ['SQLite (WAL, synchronous=FULL)', sqlite],
  ['PostgreSQL (local)', postgres],
] as const) {
  for (const [skrivere, spredt] of [
    [1, false],
    [16, false],
    [50, false],
    [128, false],
    [50, true],
  ] as const) {
    const r = await mal(store, skrivere, spredt)
    rader.push(
      `| ${navn} | ${skrivere} | ${spredt ? '10 000 / 500' : '1 / 1'} | ${r.perSekund.toFixed(0)} | ${r.batch.toFixed(1)} | ${r.cpuPerHendelse.toFixed(1)} | ${r.hovedPerHendelse.toFixed(1)} | ${r.serverPerHendelse?.toFixed(1) ?? '–'} |`,
    )
  }
  const r = await retensjon(store, RETENSJON_ANTALL)
  retensjonRader.push(
    `| ${navn} | ${r.slettet} | ${r.ms.toFixed(0)} | ${r.stopp.toFixed(0)} | ${r.lengsteSkriving.toFixed(0)} |`,
  )
}
await sqlite.lukk()
await postgres.lukk()
await slettSkjemaer(POSTGRES, [skjema])
process.stdout.write(
  [
    `# audit store throughput`,
    '',
    `${new Date().toISOString()} · ${cpus().length} cores · Node ${process.version} · ${SEKUNDER} s per cell`,
    '',
    '| store | writers | persons / employees | events/s committed | events per commit | CPU µs per event (this process) | of which event loop | PostgreSQL server CPU µs per event |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rader,
    '',
    `Retention (old events deleted while one writer keeps writing; BENCH_RETENSJON sets how many):`,
    '',
    '| store | deleted | retention ms | longest event-loop stall ms | longest write meanwhile ms |',
    '|---|---:|---:|---:|---:|',
    ...retensjonRader,
    '',
  ].join('\n'),
)
