// The verified-token cache of the auth plugin: keyed by the whole token, never past the token's
// exp, only for tokens that passed every check, and bounded. A small app with the plugin alone and
// no clock skew, so expiry is observable to the second; the plugin's clock is the test's, moved
// instead of waited for; verifications are counted by wrapping request.jwtVerify.
import Fastify, { type FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import auth from '../../src/plugins/auth.js'
import problem from '../../src/plugins/problem.js'
import { startOidc, type OidcUtsteder } from '../../simulator/oidc.js'

const AUD = 'tokencache-test'

async function oppsett(t: Test, valg: { tokenCacheMaks?: number } = {}) {
  const oidc: OidcUtsteder = await startOidc()
  t.teardown(() => oidc.close())
  const app: FastifyInstance = Fastify({ logger: false })
  let na = Date.now()
  await app.register(problem)
  await app.register(auth, {
    issuer: oidc.issuer,
    jwksUri: oidc.jwksUri,
    audience: AUD,
    klokkeslingringS: 0,
    na: () => na,
    ...valg,
  })
  let verifiseringer = 0
  app.addHook('onRequest', async (request) => {
    const ekte = request.jwtVerify.bind(request)
    request.jwtVerify = ((...a: Parameters<typeof ekte>) => {
      // The promise form calls itself again with a callback: count the outer call only.
      if (typeof (a as unknown[]).at(-1) !== 'function') verifiseringer++
      return ekte(...a)
    }) as typeof request.jwtVerify
  })
  app.addHook('onRequest', app.autentiser)
  app.get('/hvem', async (request) => request.saksbehandler)
  t.teardown(() => app.close())
  const kall = async (token: string, skjema = 'Bearer') => {
    const r = await app.inject({ method: 'GET', url: '/hvem', headers: { authorization: `${skjema} ${token}` } })
    return { status: r.statusCode, body: r.json() as { navident?: string; code?: string } }
  }
  const token = (krav: Record<string, unknown> = {}) =>
    oidc.lagToken({ navident: 'Z990009', groups: ['g'], aud: AUD, ...krav })
  return {
    kall,
    token,
    verifiseringer: () => verifiseringer,
    settKlokka: (ms: number) => {
      na = ms
    },
  }
}

t.test('a repeat request with the same token skips verification; the result is the same', async (t) => {
  const o = await oppsett(t)
  const token = await o.token()
  const forste = await o.kall(token)
  t.same(forste, { status: 200, body: { navident: 'Z990009', grupper: ['g'] } })
  t.same(await o.kall(token), forste)
  t.same(await o.kall(token, 'bearer'), forste, 'the scheme is case-insensitive, as before')
  t.equal(o.verifiseringer(), 1, 'verified once')
})

t.test('a cached token still expires at its exp', async (t) => {
  const o = await oppsett(t)
  const token = await o.token({ expiresIn: 2 })
  const exp = (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { exp: number }).exp
  t.equal((await o.kall(token)).status, 200)
  t.equal((await o.kall(token)).status, 200)
  t.equal(o.verifiseringer(), 1, 'the second request came from the cache')
  o.settKlokka(exp * 1000 - 1)
  t.equal((await o.kall(token)).status, 200, 'still served the last millisecond before exp')
  t.equal(o.verifiseringer(), 1, 'from the cache')
  o.settKlokka(exp * 1000 + 50)
  const etter = await o.kall(token)
  t.equal(etter.status, 401, 'refused once exp has passed')
  t.equal(etter.body.code, 'UAUTENTISERT')
  t.equal(o.verifiseringer(), 2, 'verified again, not served from the cache')
})

t.test('a token that differs from a cached one in any way is verified, and refused', async (t) => {
  const o = await oppsett(t)
  const ekte = await o.token()
  t.equal((await o.kall(ekte)).status, 200)
  const [h, p, s] = ekte.split('.') as [string, string, string]
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  const annenSignatur = `${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`
  const varianter: [string, string][] = [
    ['signature changed at the end', `${h}.${p}.${annenSignatur}`],
    ['a prefix of the token', ekte.slice(0, -1)],
    ['the token with a character added', `${ekte}A`],
    [
      'payload changed, same header and signature',
      `${h}.${Buffer.from(JSON.stringify({ ...payload, groups: ['alle'] })).toString('base64url')}.${s}`,
    ],
  ]
  for (const [navn, token] of varianter) {
    const foer = o.verifiseringer()
    const svar = await o.kall(token)
    t.equal(svar.status, 401, navn)
    t.equal(o.verifiseringer(), foer + 1, `${navn}: verified, not served from the cache`)
  }
  t.equal((await o.kall(ekte)).status, 200, 'the genuine token still works')
  t.equal((await o.kall(ekte, 'Bearer ')).status, 401, 'two spaces after the scheme: no token')
})

t.test('refused tokens are never cached; the cache is bounded', async (t) => {
  const o = await oppsett(t, { tokenCacheMaks: 2 })
  const feil = [await o.token({ aud: 'en-annen' }), await o.token({ idtyp: 'app', navident: undefined }), 'a.b.c']
  for (const token of feil) {
    for (let i = 0; i < 3; i++) t.equal((await o.kall(token)).status, 401)
  }
  t.equal(o.verifiseringer(), 9, 'every attempt with a refused token is verified again')

  const [a, b, c] = [await o.token({ oid: 'a' }), await o.token({ oid: 'b' }), await o.token({ oid: 'c' })] as [
    string,
    string,
    string,
  ]
  for (const token of [a, b, c]) t.equal((await o.kall(token)).status, 200)
  const foer = o.verifiseringer()
  t.equal((await o.kall(c)).status, 200)
  t.equal(o.verifiseringer(), foer, 'the newest is cached')
  t.equal((await o.kall(a)).status, 200)
  t.equal(o.verifiseringer(), foer + 1, 'the oldest was evicted to keep the bound of 2, and is verified again')
})
