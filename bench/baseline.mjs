// The baseline: a bare Fastify app serving the same JSON payload, with no auth, no audit, no cache.
import Fastify from 'fastify'

const payload = JSON.parse(process.env['BENCH_PAYLOAD'] ?? '{}')
const app = Fastify({ logger: false })
app.get('/payload', async () => payload)
await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`KLAR http://127.0.0.1:${app.server.address().port}\n`)
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
