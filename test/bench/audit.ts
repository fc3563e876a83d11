// Audit store throughput (`npm run bench:audit`): events durably committed per second on each
// store with 1, 16, 50 and 128 concurrent writers, each writer awaiting its own commit before the next
// (as a request does), the average group-commit batch that results, and the CPU time per event
// (all threads of this process; for PostgreSQL the server's own work is not in it); then retention
// of old events while a writer keeps writing (what a request would wait meanwhile).
import { mkdtempSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import pg from 'pg'
import type { AuditHendelse, AuditStore } from '../../src/audit/port.js'
import { PostgresAuditStore } from '../../src/audit/postgres.js'
import { SqliteAuditStore } from '../../src/audit/sqlite.js'
import { PG_URL } from '../postgres.js'

const SEKUNDER = Number(process.env['BENCH_SEKUNDER'] ?? 5)
const POSTGRES = process.env['BENCH_POSTGRES'] ?? PG_URL

const hendelse = (n: number): AuditHendelse => ({
  tid: new Date().toISOString(), navident: 'Z990009', handling: 'LES', kategori: 'konto', personident: '14839010150',
  henvendelseId: `H-${n}`, beslutning: 'Permit', regel: null, kilde: 'cache', sporingsIder: [], callId: `c-${n}`, instans: 'bench',
})

async function mal(store: AuditStore & { antallCommits: number }, skrivere: number) {
  let n = 0
  const commitsFor = store.antallCommits
  const cpu0 = process.cpuUsage()
  const slutt = performance.now() + SEKUNDER * 1000
  const t0 = performance.now()
  await Promise.all(Array.from({ length: skrivere }, async () => {
    while (performance.now() < slutt) await store.skriv([hendelse(n++)])
  }))
  const s = (performance.now() - t0) / 1000
  const commits = store.antallCommits - commitsFor
  // Every thread of this process: the SQLite writer thread's work included.
  const cpu = process.cpuUsage(cpu0)
  return { perSekund: n / s, batch: n / Math.max(commits, 1), cpuPerHendelse: (cpu.user + cpu.system) / n }
}

/** Retention of `antall` old events while one writer keeps writing: how long retention takes, the
 *  event loop's longest stall and the longest write meanwhile (what a request waited). */
async function retensjon(store: AuditStore, antall: number) {
  const gammel = (n: number): AuditHendelse => ({ ...hendelse(n), tid: '2010-01-01T00:00:00.000Z' })
  for (let i = 0; i < antall; i += 1000) await store.skriv(Array.from({ length: Math.min(1000, antall - i) }, (_, k) => gammel(i + k)))
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
  const slettet = await store.slettFor('2020-01-01T00:00:00.000Z', null)
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
for (const [navn, store] of [['SQLite (WAL, synchronous=FULL)', sqlite], ['PostgreSQL (local)', postgres]] as const) {
  for (const skrivere of [1, 16, 50, 128]) {
    const r = await mal(store, skrivere)
    rader.push(`| ${navn} | ${skrivere} | ${r.perSekund.toFixed(0)} | ${r.batch.toFixed(1)} | ${r.cpuPerHendelse.toFixed(1)} |`)
  }
  const r = await retensjon(store, RETENSJON_ANTALL)
  retensjonRader.push(`| ${navn} | ${r.slettet} | ${r.ms.toFixed(0)} | ${r.stopp.toFixed(0)} | ${r.lengsteSkriving.toFixed(0)} |`)
}
await sqlite.lukk()
await postgres.lukk()
const klient = new pg.Client({ connectionString: POSTGRES })
await klient.connect()
await klient.query(`DROP SCHEMA "${skjema}" CASCADE`)
await klient.end()
process.stdout.write([
  `# audit store throughput`, '',
  `${new Date().toISOString()} · ${cpus().length} cores · Node ${process.version} · ${SEKUNDER} s per cell`, '',
  '| store | writers | events/s committed | events per commit | CPU µs per event (this process) |', '|---|---:|---:|---:|---:|', ...rader, '',
  `Retention (old events deleted while one writer keeps writing; BENCH_RETENSJON sets how many):`, '',
  '| store | deleted | retention ms | longest event-loop stall ms | longest write meanwhile ms |', '|---|---:|---:|---:|---:|', ...retensjonRader, '',
].join('\n'))
