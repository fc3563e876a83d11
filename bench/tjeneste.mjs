// The service as the benchmark runs it: a child process, configured through its environment like
// the real one, with one bench-only switch: BENCH_AUDIT=av swaps the audit store for a no-op, to
// measure what auditing costs. Never used outside bench.
//
// Plain JavaScript over the built service (dist/, which `npm run bench` builds first): measured as
// production runs it, without a TypeScript loader's thread and memory in the figures.
import { pathToFileURL } from 'node:url'

// BENCH_DIST: another build's dist/ (absolute path; BENCH_SAMMENLIGN in run.ts), so a change can be
// measured against the build before it in the same run. It must lie inside the repository, where
// its imports find node_modules.
const dist = process.env['BENCH_DIST']
  ? pathToFileURL(`${process.env['BENCH_DIST']}/`).href
  : new URL('../dist/', import.meta.url).href
const { buildApp } = await import(`${dist}app.js`)
const { byggKonfig, lesMiljo } = await import(`${dist}config.js`)

/** @type {import('../src/audit/port.js').AuditStore} */
const ingenAudit = {
  skriv: async () => {},
  klar: async () => true,
  sok: async () => [],
  kjede: async () => [],
  sjekkpunkt: async () => null,
  slettFor: async () => 0,
  lukk: async () => {},
}

// BENCH_ALLOKERING=<file> (%p: the process id): a sampling profile of every allocation (collected ones included, unlike
// --heap-prof, which keeps only what is still live at exit), written on SIGTERM: where the garbage
// the collector spends its time on comes from.
let allokering = null
if (process.env['BENCH_ALLOKERING']) {
  const { Session } = await import('node:inspector/promises')
  const okt = new Session()
  okt.connect()
  await okt.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
  allokering = async () => {
    const { profile } = await okt.post('HeapProfiler.stopSampling')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(process.env['BENCH_ALLOKERING'].replace('%p', String(process.pid)), JSON.stringify(profile))
  }
}

const config = byggKonfig(lesMiljo(process.env))
const app = await buildApp(config, process.env['BENCH_AUDIT'] === 'av' ? { audit: ingenAudit } : {})
if (process.env['BENCH_SESJONER']) {
  app.get('/bench/sesjoner', async () => {
    // After a full collection, so live memory is told apart from garbage not yet collected.
    globalThis.gc?.()
    const m = process.memoryUsage()
    const mib = (x) => x / 1048576
    return {
      antall: app.oppslagSesjoner.antall,
      bytes: app.oppslagSesjoner.bytes,
      heapMiB: mib(m.heapUsed),
      heapTotalMiB: mib(m.heapTotal),
      externalMiB: mib(m.external),
      rssMiB: mib(m.rss),
    }
  })
}
await app.listen({ host: '127.0.0.1', port: 0 })
const adr = app.server.address()
process.stdout.write(`KLAR http://127.0.0.1:${adr.port}\n`)
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => allokering?.())
      .then(() => process.exit(0)),
)
