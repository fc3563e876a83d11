// Retries: only idempotent calls, only on 5xx, resets and timeouts, with a budget.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { MockAgent } from 'undici'
import { HttpFeil, HttpKlient, somKildeFeil, SvarBudsjett } from '../../src/sources/http.js'
import { erKildesFeil } from '../../src/sources/vern.js'

const BASE = 'http://upstream.test'
/** The HttpFeil kind a call failed with, or null when it did not fail. */
const feilArsak = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { arsak?: string }) => e.arsak ?? 'annen feil',
  )

function oppsett(t: Test, retry = {}) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(() => agent.close())
  const utfall: string[] = []
  const http = new HttpKlient({
    navn: 'test',
    baseUrl: BASE,
    tidsavbrudd: 100,
    dispatcher: agent,
    retry: { grunnMs: 1, maksMs: 2, ...retry },
    maling: (_n, u) => utfall.push(u),
  })
  return { pool: agent.get(BASE), http, utfall }
}

t.test('a 503, a reset and a timeout are retried; the answer after them is returned', async (t) => {
  const { pool, http, utfall } = oppsett(t)
  pool.intercept({ path: '/a', method: 'GET' }).reply(503, {})
  pool
    .intercept({ path: '/a', method: 'GET' })
    .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
  pool.intercept({ path: '/a', method: 'GET' }).reply(200, { ok: true })
  t.same((await http.kall({ method: 'GET', path: 'a', idempotent: true })).data, { ok: true })
  t.same(utfall, ['503', 'NETTVERK', '200'])

  pool.intercept({ path: '/b', method: 'GET' }).reply(200, {}).delay(300)
  pool.intercept({ path: '/b', method: 'GET' }).reply(200, { ok: 2 })
  t.same((await http.kall({ method: 'GET', path: 'b', idempotent: true })).data, { ok: 2 })
})

t.test('not idempotent, or a 4xx: never retried; attempts are bounded', async (t) => {
  const { pool, http, utfall } = oppsett(t)
  pool.intercept({ path: '/c', method: 'POST' }).reply(503, {})
  t.equal((await http.kall({ method: 'POST', path: 'c', body: {} })).status, 503)
  pool.intercept({ path: '/d', method: 'GET' }).reply(404, {})
  t.equal((await http.kall({ method: 'GET', path: 'd', idempotent: true })).status, 404)
  pool.intercept({ path: '/e', method: 'GET' }).reply(500, {}).times(5)
  t.equal((await http.kall({ method: 'GET', path: 'e', idempotent: true })).status, 500)
  t.same(utfall, ['503', '404', '500', '500', '500'], 'three attempts in all')
})

t.test('the retry budget: a failing upstream gets only a bounded share of extra calls', async (t) => {
  const { pool, http, utfall } = oppsett(t, { andel: 0.1 })
  pool.intercept({ path: '/f', method: 'GET' }).reply(500, {}).persist()
  for (let i = 0; i < 30; i++) await http.kall({ method: 'GET', path: 'f', idempotent: true })
  t.equal(utfall.length, 30 + 10, 'the bucket of 10 retries, then none')
  pool.intercept({ path: '/g', method: 'GET' }).reply(200, {}).persist()
  for (let i = 0; i < 20; i++) await http.kall({ method: 'GET', path: 'g', idempotent: true })
  const for_ = utfall.length
  await http.kall({ method: 'GET', path: 'f', idempotent: true })
  t.equal(utfall.length - for_, 3, 'successes earned back two retries (20 × 0.1)')
})

t.test('a query function runs for each attempt (fresh sporingsId)', async (t) => {
  const { pool, http } = oppsett(t)
  const sett: string[] = []
  pool
    .intercept({
      path: (p) => {
        sett.push(p)
        return p.startsWith('/h')
      },
      method: 'GET',
    })
    .reply(502, {})
  pool
    .intercept({
      path: (p) => {
        sett.push(p)
        return p.startsWith('/h')
      },
      method: 'GET',
    })
    .reply(200, {})
  let n = 0
  await http.kall({ method: 'GET', path: 'h', idempotent: true, query: () => ({ sporingsId: String(++n) }) })
  t.ok(sett.some((p) => p.includes('sporingsId=1')) && sett.some((p) => p.includes('sporingsId=2')))
})

t.test('request paths: relative to the base path; an empty path is the base URL itself; the query', async (t) => {
  const klient = (baseUrl: string) =>
    new HttpKlient({ navn: 'test', baseUrl, tidsavbrudd: 100, dispatcher: new MockAgent() })
  t.equal(klient('http://pdl.test/pdl').sti('graphql'), '/pdl/graphql')
  t.equal(klient('http://pdl.test/pdl/').sti('/graphql'), '/pdl/graphql')
  t.equal(klient('http://fiks.test').sti('digisos/api/v1/nav/kommuner/0301'), '/digisos/api/v1/nav/kommuner/0301')
  t.equal(klient('http://texas.test/api/v1/token').sti(''), '/api/v1/token')
  t.equal(klient('http://x.test/a?fast=1').sti('', { b: 'æ ø' }), '/a?fast=1&b=%C3%A6+%C3%B8')
  t.equal(klient('http://x.test/a').sti('b', { sporingsId: 's-1' }), '/a/b?sporingsId=s-1')
})

t.test("the caller's abort ends the attempt with the caller's reason: a deadline stays a timeout", async (t) => {
  const { pool, http, utfall } = oppsett(t)
  pool.intercept({ path: '/i', method: 'GET' }).reply(200, {}).delay(150)
  const arsak = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: { arsak?: string }) => e.arsak,
    )
  t.equal(
    await arsak(http.kall({ method: 'GET', path: 'i', idempotent: true, signal: AbortSignal.timeout(20) })),
    'TIDSAVBRUDD',
  )
  const avbryt = new AbortController()
  avbryt.abort()
  t.equal(await arsak(http.kall({ method: 'GET', path: 'i', signal: avbryt.signal })), 'NETTVERK')
  t.same(utfall, ['TIDSAVBRUDD', 'NETTVERK'], 'no retry once the caller has given up')
})

t.test('a caller that gives up during the back-off gets the last outcome at once, not after the wait', async (t) => {
  const { pool, http, utfall } = oppsett(t, { grunnMs: 5000, maksMs: 5000 })
  pool.intercept({ path: '/k', method: 'GET' }).reply(503, {}).times(3)
  // Math.random() · 5000 ms: the back-off is long unless the caller's abort ends it.
  const tilfeldig = Math.random
  Math.random = () => 0.99
  t.teardown(() => {
    Math.random = tilfeldig
  })
  const t0 = Date.now()
  const svar = await http.kall({ method: 'GET', path: 'k', idempotent: true, signal: AbortSignal.timeout(50) })
  t.equal(svar.status, 503, 'the 503 it had')
  t.ok(Date.now() - t0 < 1000, `answered in ${Date.now() - t0} ms`)
  t.same(utfall, ['503'], 'no second attempt')
})

t.test('a UTF-8 byte-order mark before the JSON is skipped; a body of only that is empty', async (t) => {
  const { pool, http } = oppsett(t)
  const bom = Buffer.from([0xef, 0xbb, 0xbf])
  pool.intercept({ path: '/bom', method: 'GET' }).reply(200, Buffer.concat([bom, Buffer.from('{"ø":"æå"}')]))
  t.same((await http.kall({ method: 'GET', path: 'bom' })).data, { ø: 'æå' })
  pool.intercept({ path: '/bare-bom', method: 'GET' }).reply(200, bom)
  t.equal((await http.kall({ method: 'GET', path: 'bare-bom' })).data, undefined)
})

t.test('a signal aborted with a reason that is no Error still fails as a network fault', async (t) => {
  const { http } = oppsett(t)
  const avbryt = new AbortController()
  avbryt.abort(null)
  t.equal(await feilArsak(http.kall({ method: 'GET', path: 'x', signal: avbryt.signal })), 'NETTVERK')
})

t.test('an answer larger than the bound is a fault, not read into memory whole', async (t) => {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ fyll: 'x'.repeat(64 * 1024) }))
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  t.teardown(() => new Promise<void>((ok) => server.close(() => ok())))
  const { port } = server.address() as AddressInfo
  const http = new HttpKlient({
    navn: 'test',
    baseUrl: `http://127.0.0.1:${port}`,
    tidsavbrudd: 2000,
    maksSvarBytes: 1024,
  })
  t.teardown(() => http.close())
  t.equal(await feilArsak(http.kall({ method: 'GET', path: 'stor' })), 'FOR_STORT')
  const romslig = new HttpKlient({ navn: 'test', baseUrl: `http://127.0.0.1:${port}`, tidsavbrudd: 2000 })
  t.teardown(() => romslig.close())
  t.equal(((await romslig.kall({ method: 'GET', path: 'stor' })).data as { fyll: string }).fyll.length, 64 * 1024)
})

t.test("a call's own bound below the client's: the answer past it is a fault, and is not retried", async (t) => {
  let kall = 0
  const server = createServer((_req, res) => {
    kall++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ fyll: 'x'.repeat(20 * 1024) }))
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  t.teardown(() => new Promise<void>((ok) => server.close(() => ok())))
  const { port } = server.address() as AddressInfo
  const http = new HttpKlient({
    navn: 'test',
    baseUrl: `http://127.0.0.1:${port}`,
    tidsavbrudd: 2000,
    maksSvarBytes: 64 * 1024,
  })
  t.teardown(() => http.close())
  t.equal(await feilArsak(http.kall({ method: 'GET', path: 'a', idempotent: true, maksBytes: 16 * 1024 })), 'FOR_STORT')
  t.equal(kall, 1, 'not retried')
  t.equal(
    ((await http.kall({ method: 'GET', path: 'a' })).data as { fyll: string }).fyll.length,
    20 * 1024,
    "the client's bound",
  )
  // A call cannot raise the client's bound.
  t.equal(await feilArsak(http.kall({ method: 'GET', path: 'a', maksBytes: 1024 * 1024 })), null)
})

t.test(
  'the bytes in flight across clients are bounded: a call past the budget fails at once; the budget is given back',
  async (t) => {
    // /holdt sends 48 KiB and then waits until the test lets it end; /liten and /stor answer at once.
    let slipp!: () => void
    const sluppet = new Promise<void>((ok) => {
      slipp = ok
    })
    let begynt!: () => void
    const holdtBegynt = new Promise<void>((ok) => {
      begynt = ok
    })
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      if (req.url === '/holdt') {
        res.write(`{"fyll":"${'x'.repeat(48 * 1024)}`)
        begynt()
        void sluppet.then(() => res.end('"}'))
      } else res.end(JSON.stringify({ fyll: 'y'.repeat(req.url === '/stor' ? 32 * 1024 : 1024) }))
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    t.teardown(
      () =>
        new Promise<void>((ok) => {
          server.closeAllConnections()
          server.close(() => ok())
        }),
    )
    const { port } = server.address() as AddressInfo
    const budsjett = new SvarBudsjett(64 * 1024)
    const lag = () => new HttpKlient({ navn: 'test', baseUrl: `http://127.0.0.1:${port}`, tidsavbrudd: 5000, budsjett })
    const [a, b] = [lag(), lag()]
    t.teardown(() => Promise.all([a.close(), b.close()]))

    const holdt = a.kall({ method: 'GET', path: 'holdt' })
    await holdtBegynt
    // Wait for the held bytes to arrive (the event, not a time).
    while (budsjett.bytes < 48 * 1024) await new Promise((ok) => setImmediate(ok))
    t.equal(
      await feilArsak(b.kall({ method: 'GET', path: 'stor', idempotent: true })),
      'OVERBELASTET',
      'another client past the budget',
    )
    t.equal(
      ((await b.kall({ method: 'GET', path: 'liten' })).data as { fyll: string }).fyll.length,
      1024,
      'a small one still fits',
    )
    slipp()
    t.equal(((await holdt).data as { fyll: string }).fyll.length, 48 * 1024, 'the held answer completes')
    t.equal(budsjett.bytes, 0, 'every byte given back')
    t.equal(
      ((await b.kall({ method: 'GET', path: 'stor' })).data as { fyll: string }).fyll.length,
      32 * 1024,
      'then the large one fits',
    )
    t.equal(budsjett.bytes, 0)
  },
)

t.test(
  'an answer with more JSON values than its byte bound can afford in heap is a fault, while small enough in bytes',
  async (t) => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      // 60 KiB either way: many empty objects, or one long string.
      res.end(req.url === '/mange' ? `[${'{},'.repeat(20_000)}{}]` : JSON.stringify({ tekst: 'x'.repeat(60 * 1024) }))
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    t.teardown(() => new Promise<void>((ok) => server.close(() => ok())))
    const { port } = server.address() as AddressInfo
    const http = new HttpKlient({
      navn: 'test',
      baseUrl: `http://127.0.0.1:${port}`,
      tidsavbrudd: 2000,
      maksSvarBytes: 64 * 1024,
    })
    t.teardown(() => http.close())
    // 64 KiB may cost 4 × 64 KiB in heap: 8 192 values at 32 bytes; 40 001 are too many.
    t.equal(await feilArsak(http.kall({ method: 'GET', path: 'mange' })), 'FOR_STORT')
    t.equal(await feilArsak(http.kall({ method: 'GET', path: 'lang' })), null, 'the same bytes as one string')
  },
)

t.test(
  "a fetch's account holds its parsed answers' cost until the fetch is done; past the budget a call fails",
  async (t) => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ tekst: 'x'.repeat(30 * 1024) }))
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    t.teardown(() => new Promise<void>((ok) => server.close(() => ok())))
    const { port } = server.address() as AddressInfo
    const budsjett = new SvarBudsjett(64 * 1024)
    const http = new HttpKlient({ navn: 'test', baseUrl: `http://127.0.0.1:${port}`, tidsavbrudd: 2000, budsjett })
    t.teardown(() => http.close())
    const konto = budsjett.konto()
    t.equal(await feilArsak(http.kall({ method: 'GET', path: 'a', konto })), null)
    t.equal(await feilArsak(http.kall({ method: 'GET', path: 'b', konto })), null)
    t.ok(budsjett.bytes > 60 * 1024, 'both answers held')
    t.equal(
      await feilArsak(http.kall({ method: 'GET', path: 'c', idempotent: true, konto: budsjett.konto() })),
      'OVERBELASTET',
      'another fetch finds the budget taken',
    )
    t.equal(
      await feilArsak(http.kall({ method: 'GET', path: 'd' })),
      'OVERBELASTET',
      'even a call held by no fetch cannot receive past it',
    )
    konto.frigi()
    t.equal(budsjett.bytes, 0, 'the fetch done: all given back')
    t.equal(await feilArsak(http.kall({ method: 'GET', path: 'e', konto: budsjett.konto() })), null)
    // Our own bound on memory is no fault of the source's: no breaker counts it.
    t.notOk(erKildesFeil(somKildeFeil('fiks', new HttpFeil('OVERBELASTET', 200, 'x')) as Error))
    t.ok(erKildesFeil(somKildeFeil('fiks', new HttpFeil('FOR_STORT', 200, 'x')) as Error), 'an answer too large is')
  },
)

t.test(
  'an attempt cut while it waits for a connection fails with its reason once undici starts it, and never reaches the upstream',
  async (t) => {
    let slipp: () => void = () => {}
    const stier: string[] = []
    let mottatt: () => void = () => {}
    const forstMottatt = new Promise<void>((ok) => {
      mottatt = ok
    })
    const server = createServer((req, res) => {
      stier.push(req.url ?? '')
      mottatt()
      const svar = () => res.end('{}')
      if (req.url === '/forst') slipp = svar
      else svar()
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    t.teardown(() => new Promise<void>((ok) => server.close(() => ok())))
    const { port } = server.address() as AddressInfo
    // One connection: the second call queues behind the first.
    const http = new HttpKlient({
      navn: 'test',
      baseUrl: `http://127.0.0.1:${port}`,
      tidsavbrudd: 5000,
      maksTilkoblinger: 1,
    })
    t.teardown(() => http.close())
    const forst = http.kall({ method: 'GET', path: 'forst' })
    // The first call holds the one connection before the second is made.
    await forstMottatt
    const avbryt = new AbortController()
    const andre = feilArsak(http.kall({ method: 'GET', path: 'andre', signal: avbryt.signal }))
    avbryt.abort(Object.assign(new Error('fristen gikk ut'), { name: 'TimeoutError' }))
    slipp()
    t.equal((await forst).status, 200)
    t.equal(await andre, 'TIDSAVBRUDD', "the caller's deadline, as a timeout")
    t.same(stier, ['/forst'], 'the cut call was never sent')
  },
)

t.test('a dot segment in a path (an id from an upstream) is refused: the call fails and is never sent', async (t) => {
  const { pool, http, utfall } = oppsett(t)
  pool
    .intercept({ path: () => true, method: 'GET' })
    .reply(200, { feil: 'sendt' })
    .persist()
  for (const sti of ['soknader/../dokumenter/x', '..', 'a/./b', 'a/..']) {
    t.throws(() => http.sti(sti), /punktsegment/, sti)
    // Idempotent: it would be retried if it were taken for a network fault.
    await t.rejects(http.kall({ method: 'GET', path: sti, idempotent: true }), sti)
  }
  t.equal(http.sti('a/..b/c.d'), '/a/..b/c.d', 'dots inside a segment are fine')
  t.same(
    utfall,
    ['UGYLDIG_STI', 'UGYLDIG_STI', 'UGYLDIG_STI', 'UGYLDIG_STI'],
    'refused once each, never retried, not a network fault',
  )
})

t.test(
  'the readiness probe: any answer counts, as soon as its head arrives; no answer within its time, or no server, does not',
  async (t) => {
    // Real servers on loopback: the probe goes through the service's own Agent, not a mock.
    const svar = new Map<string, (res: ServerResponse) => void>([
      ['/tekst', (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('nede for vedlikehold')],
      ['/json', (res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"feil":true}')],
      ['/tom', (res) => res.writeHead(204).end()],
      // Its head, then a body that never ends.
      [
        '/halv',
        (res) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.write('{"a":')
        },
      ],
      // Larger than the client's answer bound and the probe's own.
      ['/stor', (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(512 * 1024))],
      ['/stille', () => undefined],
    ])
    const server = createServer((req, res) => svar.get(req.url ?? '')?.(res))
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    t.teardown(
      () =>
        new Promise<void>((ok) => {
          server.closeAllConnections()
          server.close(() => ok())
        }),
    )
    const { port } = server.address() as AddressInfo
    const klient = (sti: string, maksSvarBytes?: number) => {
      const k = new HttpKlient({
        navn: 'test',
        baseUrl: `http://127.0.0.1:${port}${sti}`,
        tidsavbrudd: 4000,
        ...(maksSvarBytes ? { maksSvarBytes } : {}),
      })
      t.teardown(() => k.close())
      return k
    }
    const tid = async (p: Promise<boolean>) => {
      const t0 = performance.now()
      return { oppe: await p, ms: performance.now() - t0 }
    }
    t.equal(await klient('/tekst').nar(), true, 'a 500 in plain text is an answer')
    t.equal(await klient('/json').nar(), true, 'a 404 with JSON is an answer')
    t.equal(await klient('/tom').nar(), true, 'an empty 204 is an answer')
    const halv = await tid(klient('/halv').nar(500))
    t.equal(halv.oppe, true, 'a body still coming: the head was the answer')
    t.ok(halv.ms < 250, `answered at the head, not at the deadline (${halv.ms.toFixed(0)} ms)`)
    t.equal(await klient('/stor', 1024).nar(), true, 'an answer larger than every bound is still an answer')
    const stille = await tid(klient('/stille').nar(50))
    t.equal(stille.oppe, false, 'no answer within the probe time')
    t.ok(stille.ms < 1000, `the probe time, not the client's 4 s, ends it (${stille.ms.toFixed(0)} ms)`)
    // Port 9 (discard) on loopback: nobody listens there.
    const ingen = new HttpKlient({ navn: 'test', baseUrl: 'http://127.0.0.1:9/', tidsavbrudd: 2000 })
    t.teardown(() => ingen.close())
    t.equal(await ingen.nar(), false, 'nobody listening')
  },
)

t.test(
  'the status decides before the body is parsed: an error answer in plain text is its status, a 200 in plain text a fault',
  async (t) => {
    const { pool, http, utfall } = oppsett(t)
    // A gateway's or a servlet container's error page: text, not the upstream's JSON error body.
    pool
      .intercept({ path: '/avvist', method: 'GET' })
      .reply(400, 'Bad Request', { headers: { 'content-type': 'text/plain' } })
    t.same(
      await http.kall({ method: 'GET', path: 'avvist', idempotent: true }),
      { status: 400, data: undefined },
      'a 4xx, never a parse error',
    )
    pool
      .intercept({ path: '/nede', method: 'GET' })
      .reply(503, '<html>Service Unavailable</html>', { headers: { 'content-type': 'text/html' } })
    pool.intercept({ path: '/nede', method: 'GET' }).reply(200, { ok: true })
    t.same(
      (await http.kall({ method: 'GET', path: 'nede', idempotent: true })).data,
      { ok: true },
      'a 5xx in HTML is retried as any 5xx',
    )
    pool.intercept({ path: '/tekst', method: 'GET' }).reply(200, 'ok', { headers: { 'content-type': 'text/plain' } })
    t.equal(
      await feilArsak(http.kall({ method: 'GET', path: 'tekst', idempotent: true })),
      'UGYLDIG_JSON',
      'a 200 that is not JSON is a fault',
    )
    t.same(utfall, ['400', '503', '200', 'UGYLDIG_JSON'])
  },
)
