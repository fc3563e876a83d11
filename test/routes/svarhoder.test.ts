// The headers of every answer (DESIGN §3), through HTTP on the built service: nothing may be stored
// by a browser or a proxy, or sniffed into another type, whether it is data or an error; a 401 says
// how to authenticate (RFC 6750); and what Node or Fastify refuse before any hook runs (headers too
// large, an undecodable path) is a problem from the catalogue too. (The 503 while closing:
// avslutning.test.ts.)
import { once } from 'node:events'
import { connect } from 'node:net'
import t, { type Test } from 'tap'
import { build, GRUPPER, type Svar } from '../helper.js'

const FASTE = { 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff' }

function harFasteHoder(t: Test, hoder: Record<string, unknown>, navn: string) {
  for (const [k, v] of Object.entries(FASTE)) t.equal(hoder[k], v, `${navn}: ${k}`)
  t.match(hoder['nav-call-id'], /^\S+$/, `${navn}: Nav-Call-Id`)
}

/** A raw HTTP exchange: what Node's own parser answers, with headers lower-cased. */
async function raatt(
  port: number,
  foresporsel: string,
): Promise<{ status: number; hoder: Record<string, string>; kropp: string }> {
  const s = connect(port, '127.0.0.1')
  await once(s, 'connect')
  let svar = ''
  s.on('data', (d: Buffer) => {
    svar += d.toString()
  })
  s.on('error', () => undefined)
  s.write(foresporsel)
  await once(s, 'close')
  const [hode = '', ...resten] = svar.split('\r\n\r\n')
  const [statuslinje = '', ...linjer] = hode.split('\r\n')
  const hoder = Object.fromEntries(
    linjer.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  )
  return { status: Number(statuslinje.split(' ')[1]), hoder, kropp: resten.join('\r\n\r\n') }
}

t.test('every answer, data or error, is no-store, no-cache and nosniff, with its call id', async (t) => {
  const b = await build(t)
  const ident = b.ident('ugradert-to-kommuner')
  const start = await b.startOppslag('ugradert-to-kommuner')
  t.equal(start.status, 201)
  const id = start.body.oppslagId as string
  const svar: [string, Svar, number][] = [
    ['start', start, 201],
    ['read all', await b.kall('GET', `/api/v1/oppslag/${id}`), 200],
    ['read one', await b.kall('GET', `/api/v1/oppslag/${id}/konto`), 200],
    ['live', await b.kall('GET', '/health/live', { token: null }), 200],
    ['ready', await b.kall('GET', '/health/ready', { token: null }), 200],
    ['metrics', await b.kall('GET', '/metrics', { token: null }), 200],
    [
      'bad JSON',
      await b.kall('POST', '/api/v1/oppslag', { raw: '{', headers: { 'content-type': 'application/json' } }),
      400,
    ],
    ['no token', await b.kall('GET', `/api/v1/oppslag/${id}`, { token: null }), 401],
    [
      'no role',
      await b.kall('GET', `/api/v1/oppslag/${id}`, { token: await b.token('Z990009', [GRUPPER.fortrolig]) }),
      403,
    ],
    ['audit without the role', await b.kall('POST', '/api/v1/audit/sok', { body: { personident: ident } }), 403],
    ['unknown route', await b.kall('GET', '/finnes-ikke'), 404],
    [
      'body too large',
      await b.kall('POST', '/api/v1/oppslag', {
        body: { personident: ident, henvendelseId: 'H', fyll: 'x'.repeat(5000) },
      }),
      413,
    ],
    [
      'wrong media type',
      await b.kall('POST', '/api/v1/oppslag', { raw: 'x', headers: { 'content-type': 'text/plain' } }),
      415,
    ],
    ['end', await b.kall('DELETE', `/api/v1/oppslag/${id}`), 204],
    ['ended', await b.kall('GET', `/api/v1/oppslag/${id}`), 404],
  ]
  for (const [navn, s, status] of svar) {
    t.equal(s.status, status, navn)
    harFasteHoder(t, s.headers, navn)
  }

  // A path Fastify's router cannot decode, or a parameter over its limit: Fastify answered with
  // plain JSON repeating the path, the personident in it included.
  for (const sti of [
    `/api/v1/oppslag/${ident}%`,
    `/api/v1/oppslag/${'A'.repeat(43)}%zz/konto`,
    `/api/v1/oppslag/${ident.repeat(10)}`,
  ]) {
    const s = await b.kall('GET', sti)
    t.equal(s.status, 400, sti)
    t.equal(s.body?.code, 'UGYLDIG_FORESPORSEL', sti)
    t.match(s.headers['content-type'], /^application\/problem\+json/, sti)
    t.notMatch(s.tekst, ident, `${sti}: the path is not repeated`)
    harFasteHoder(t, s.headers, sti)
  }
})

t.test('429 too carries the headers', async (t) => {
  const b = await build(t, { miljo: { RATE_LIMIT_PER_MINUTT: '1' } })
  await b.startOppslag('uten-saker')
  const s = await b.startOppslag('uten-saker')
  t.equal(s.status, 429)
  harFasteHoder(t, s.headers, '429')
})

t.test('401 carries WWW-Authenticate: Bearer, with error="invalid_token" when a token was sent', async (t) => {
  const b = await build(t)
  const na = Math.floor(Date.now() / 1000)
  const utlopt = await b.token('Z990009', undefined, { exp: na - 3600, iat: na - 7200, nbf: na - 7200 })
  const maskin = await b.sim.lagToken({ idtyp: 'app', aud: b.config.auth.audience })
  const saker: [string, Record<string, string>, string][] = [
    ['no Authorization', {}, 'Bearer'],
    ['another scheme', { authorization: 'Basic YTpi' }, 'Bearer'],
    ['garbage token', { authorization: 'Bearer abc.def.ghi' }, 'Bearer error="invalid_token"'],
    ['expired token', { authorization: `Bearer ${utlopt}` }, 'Bearer error="invalid_token"'],
    ['machine token', { authorization: `Bearer ${maskin}` }, 'Bearer error="invalid_token"'],
    ['two spaces', { authorization: `Bearer  ${utlopt}` }, 'Bearer error="invalid_token"'],
  ]
  for (const [navn, headers, forventet] of saker) {
    for (const [method, sti] of [
      ['POST', '/api/v1/oppslag'],
      ['GET', `/api/v1/oppslag/${'A'.repeat(43)}`],
      ['POST', '/api/v1/audit/sok'],
    ] as const) {
      const s = await b.kall(method, sti, { token: null, headers, ...(method === 'POST' ? { body: {} } : {}) })
      t.equal(s.status, 401, `${navn} ${sti}`)
      t.equal(s.headers['www-authenticate'], forventet, `${navn} ${sti}`)
      harFasteHoder(t, s.headers, `${navn} ${sti}`)
    }
  }
  t.notOk((await b.kall('GET', '/health/live', { token: null })).headers['www-authenticate'], 'only on a 401')
})

t.test('idtyp in any case: a machine token may not look up persons', async (t) => {
  const b = await build(t)
  const body = { personident: b.ident('uten-saker'), henvendelseId: 'H' }
  for (const idtyp of ['app', 'APP', 'App', 'aPp', ' app', 'device']) {
    // Everything else a user token has: an NKS employee's NAVident and groups.
    const token = await b.token('Z990009', [GRUPPER.nks], { idtyp })
    const s = await b.kall('POST', '/api/v1/oppslag', { token, body })
    t.equal(s.status, 401, `idtyp ${JSON.stringify(idtyp)}`)
    t.equal(s.body?.code, 'UAUTENTISERT')
  }
  for (const idtyp of ['user', 'User', undefined]) {
    const token = await b.token('Z990009', [GRUPPER.nks], { idtyp })
    t.equal(
      (await b.kall('POST', '/api/v1/oppslag', { token, body })).status,
      201,
      `idtyp ${String(idtyp)}: a user token`,
    )
  }
})

t.test('what Node refuses before a request exists: 431 and 400 as problems, under a fresh call id', async (t) => {
  const b = await build(t)
  const port = Number(new URL(b.url).port)
  const ident = b.ident('uten-saker')
  const store = await raatt(
    port,
    `GET /health/live HTTP/1.1\r\nHost: x\r\nNav-Call-Id: ok-1\r\nX-Fyll: ${ident}${'x'.repeat(20_000)}\r\n\r\n`,
  )
  t.equal(store.status, 431)
  t.match(store.hoder['content-type'], /^application\/problem\+json/)
  const kropp = JSON.parse(store.kropp)
  t.match(kropp, { status: 431, code: 'FOR_STORE_HODER', type: String, title: String, detail: String })
  t.match(store.hoder['nav-call-id'], /^[0-9a-f-]{36}$/)
  t.equal(kropp.callId, store.hoder['nav-call-id'])
  t.equal(
    store.hoder['content-length'],
    String(Buffer.byteLength(store.kropp)),
    'the length counts bytes (the title has ø)',
  )
  t.notMatch(store.kropp, ident)
  for (const [k, v] of Object.entries(FASTE)) t.equal(store.hoder[k], v, k)

  const feil = await raatt(port, 'GET /health/live HTTP/1.1\r\nHost x\r\n\r\n')
  t.equal(feil.status, 400)
  t.match(JSON.parse(feil.kropp), { status: 400, code: 'UGYLDIG_FORESPORSEL' })
  t.match(feil.hoder['content-type'], /^application\/problem\+json/)
  for (const [k, v] of Object.entries(FASTE)) t.equal(feil.hoder[k], v, k)

  t.equal((await b.kall('GET', '/health/live', { token: null })).status, 200, 'the service answers on')
})

t.test('HEAD reads nothing: no route answers it, so no fetch and no Permit without a body', async (t) => {
  const b = await build(t)
  const start = await b.startOppslag('ugradert-to-kommuner')
  const id = start.body.oppslagId as string
  const for_ = (await b.hendelser()).length
  const port = Number(new URL(b.url).port)
  const token = await b.token()
  b.sim.styring.nullstillKall()
  for (const sti of [`/api/v1/oppslag/${id}`, `/api/v1/oppslag/${id}/konto`, '/api/v1/audit/verifiser']) {
    const svar = await raatt(
      port,
      `HEAD ${sti} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    )
    t.equal(svar.status, 404, `HEAD ${sti.replace(id, ':id')}: 404`)
    harFasteHoder(t, svar.hoder, `HEAD ${sti.replace(id, ':id')}`)
  }
  t.same((await b.hendelser()).slice(for_), [], 'nothing was read, so nothing is on record')
  t.same(b.sim.styring.kall().perKommune, {}, 'no upstream call')
})
