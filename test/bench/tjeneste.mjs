// The service as the benchmark runs it: a child process, configured through its environment like
// the real one, with one bench-only switch: BENCH_AUDIT=av swaps the audit store for a no-op, to
// measure what auditing costs. Never used outside test/bench.
import { buildApp } from '../../src/app.js'
import type { AuditStore } from '../../src/audit/port.js'
import { byggKonfig, lesMiljo } from '../../src/config.js'

const ingenAudit: AuditStore = {
  skriv: async () => {},
  klar: async () => true,
  sok: async () => [],
  kjede: async () => [],
  sjekkpunkt: async () => null,
  slettFor: async () => 0,
  lukk: async () => {},
}

const config = byggKonfig(lesMiljo(process.env))
const app = await buildApp(config, process.env['BENCH_AUDIT'] === 'av' ? { audit: ingenAudit } : {})
if (process.env['BENCH_SESJONER']) {
  app.get('/bench/sesjoner', async () => {
    // After a full collection, so live memory is told apart from garbage not yet collected.
    ;(globalThis as { gc?: () => void }).gc?.()
    const m = process.memoryUsage()
    return { antall: app.oppslagSesjoner.antall, bytes: app.oppslagSesjoner.bytes, heapMiB: m.heapUsed / 1048576, rssMiB: m.rss / 1048576 }
  })
}
await app.listen({ host: '127.0.0.1', port: 0 })
const adr = app.server.address() as { port: number }
process.stdout.write(`KLAR http://127.0.0.1:${adr.port}\n`)
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
