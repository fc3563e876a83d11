// Closing: a request that arrives once closing has begun gets a problem+json from the catalogue,
// with the headers of every answer, and its connection ends; the request in flight finishes.
import t from 'tap'
import { once } from 'node:events'
import { connect } from 'node:net'
import { Client } from 'undici'
import { buildApp } from '../src/app.js'
import { SqliteAuditStore } from '../src/audit/sqlite.js'
import { byggKonfig, DEV_VERDIER, lesMiljo } from '../src/config.js'
import { devSimulator } from './helper.js'

t.test(
  'closing: in flight finishes; a request begun before closing and finished after is 503 AVSLUTTER problem+json',
  async (t) => {
    const sim = await devSimulator(t)
    const config = byggKonfig(lesMiljo({ NODE_ENV: 'test', LOG_LEVEL: 'silent', AUDIT_CEF: 'av' }), {
      ...DEV_VERDIER,
      ...sim.urls,
    })
    const app = await buildApp(config, { audit: new SqliteAuditStore(`${t.testdir()}/a.db`) })
    // The slow request is held by the test, not by a timer: it finishes when the test lets it.
    let slipp = () => {}
    const sluppet = new Promise<void>((ok) => {
      slipp = ok
    })
    let iGang = () => {}
    const startet = new Promise<void>((ok) => {
      iGang = ok
    })
    app.get('/treg', async () => {
      iGang()
      await sluppet
      return { ferdig: true }
    })
    // Added after buildApp's own: by the time it runs, the service has begun turning requests away.
    let lukkerBegynt = () => {}
    const lukkingBegynt = new Promise<void>((ok) => {
      lukkerBegynt = ok
    })
    app.addHook('preClose', async () => lukkerBegynt())
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as { port: number }).port
    const klient = new Client(`http://127.0.0.1:${port}`)
    t.teardown(() => klient.close())

    // B: a request begun (its first bytes sent) before closing starts, finished after.
    const b = connect(port, '127.0.0.1')
    await once(b, 'connect')
    let svarB = ''
    b.on('data', (d: Buffer) => {
      svarB += d.toString()
    })
    const bSlutt = once(b, 'close')
    b.write('GET /health/live HTTP/1.1\r\nHost: x\r\n')
    const forst = klient.request({ method: 'GET', path: '/treg' })
    await startet
    const lukket = app.close()
    await lukkingBegynt
    b.write('\r\n')
    await bSlutt
    slipp()
    const a = await forst
    t.equal(a.statusCode, 200)
    t.same(await a.body.json(), { ferdig: true }, 'the request in flight finishes')
    const [hode = '', kropp = ''] = svarB.split('\r\n\r\n')
    t.match(hode, /^HTTP\/1\.1 503 /)
    t.match(hode, /content-type: application\/problem\+json/i)
    t.match(hode, /connection: close/i)
    t.match(JSON.parse(kropp), { code: 'AVSLUTTER', status: 503 })
    // It carries what every answer carries (sent before the call-id hook runs).
    const callId = /^nav-call-id: (\S+)$/im.exec(hode)?.[1]
    t.ok(callId, 'a call id')
    t.equal(JSON.parse(kropp).callId, callId, 'the same in the problem')
    t.match(hode, /^cache-control: no-store$/im)
    t.match(hode, /^pragma: no-cache$/im)
    t.match(hode, /^x-content-type-options: nosniff$/im)
    await lukket
  },
)
