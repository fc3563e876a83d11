// Key rotation under attack, through HTTP on the built service: tokens with made-up kids (sent by
// anyone, without logging in) must never hold back a valid token, a key the issuer has published
// is accepted within seconds, and the JWKS is fetched at a bounded rate whatever arrives.
import { EventEmitter, once } from 'node:events'
import { createServer } from 'node:http'
import { createSign, generateKeyPairSync } from 'node:crypto'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { build, devSimulator, type Bygget } from '../helper.js'

/** A proxy in front of the issuer's JWKS that counts fetches and can hold them (`hold`). */
async function jwksProxy(t: Test, jwksUri: string) {
  const hendelser = new EventEmitter()
  let hentinger = 0
  let slipp: (() => void) | null = null
  let holdt: Promise<void> | null = null
  const server = createServer((_req, res) => {
    hentinger++
    hendelser.emit('mottatt')
    const videre = () =>
      request(jwksUri).then(
        async (r) => {
          res.end(await r.body.text())
          hendelser.emit('hentet')
        },
        () => res.destroy(),
      )
    void (holdt ?? Promise.resolve()).then(videre)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  t.teardown(() => {
    slipp?.()
    server.closeAllConnections()
    server.close()
  })
  return {
    uri: `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks`,
    hendelser,
    hentinger: () => hentinger,
    hold: () => {
      holdt = new Promise<void>((ok) => {
        slipp = ok
      })
    },
    slipp: () => {
      slipp?.()
      holdt = null
    },
  }
}

/** Tokens signed with a key the issuer never had, each with a kid of its own (or the one given). */
function falskeTokens(b: Bygget) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  let n = 0
  return (kid = `angrep-${n++}`) => {
    const hode = b64({ alg: 'RS256', typ: 'JWT', kid })
    const kropp = b64({
      iss: b.config.auth.issuer,
      aud: b.config.auth.audience,
      NAVident: 'Z990009',
      groups: [b.config.grupper.nks],
      oid: 'o',
      exp: Math.floor(Date.now() / 1000) + 600,
    })
    return `${hode}.${kropp}.${createSign('RSA-SHA256').update(`${hode}.${kropp}`).sign(privateKey).toString('base64url')}`
  }
}

async function oppsett(t: Test) {
  const sim = await devSimulator(t)
  const proxy = await jwksProxy(t, sim.urls.AZURE_OPENID_CONFIG_JWKS_URI)
  const b = await build(t, { simulator: sim, miljo: { AZURE_OPENID_CONFIG_JWKS_URI: proxy.uri } })
  const body = { personident: b.ident('uten-saker'), henvendelseId: 'H' }
  const start = (token: string) => b.kall('POST', '/api/v1/oppslag', { token, body })
  return { sim, proxy, b, start, falsk: falskeTokens(b) }
}

t.test(
  'a fresh replica: one made-up kid, then valid tokens are accepted; a rotated key within seconds under a stream of made-up kids',
  async (t) => {
    const { sim, proxy, b, start, falsk } = await oppsett(t)

    // The review's case: a fresh replica, one forged token, then a valid one at once.
    t.equal((await start(falsk())).status, 401, 'the forged token is refused')
    t.equal((await start(await b.token())).status, 201, 'a valid token right after it is accepted')
    t.equal((await start(await b.token('Z990009', undefined, { jti: 'annen' }))).status, 201, 'and the next')

    // A steady stream of made-up kids (new ones, and one repeated), from 16 clients at once.
    let stopp = false
    let falske = 0
    const svarFalske: number[] = []
    const angriper = async (k: number) => {
      while (!stopp) {
        falske++
        svarFalske.push((await start(falsk(k === 0 ? 'alltid-den-samme' : undefined))).status)
      }
    }
    const fra = Date.now()
    const foer = proxy.hentinger()
    const angrep = Array.from({ length: 16 }, (_, k) => angriper(k))
    await once(proxy.hendelser, 'hentet', { signal: AbortSignal.timeout(10_000) }) // the stream is causing refetches

    // The issuer rotates: a new key, published and signing from now on.
    await sim.oidc.roterNokkel()
    const rotert = Date.now()
    const svar = await start(await b.token())
    const ventet = Date.now() - rotert
    t.equal(svar.status, 201, 'the new key is accepted while made-up kids keep coming')
    t.ok(ventet < 3000, `within seconds (${ventet} ms)`)
    t.equal((await start(await b.token('Z990009', undefined, { jti: 'tredje' }))).status, 201, 'and stays accepted')

    stopp = true
    await Promise.all(angrep)
    const varighet = Date.now() - fra
    const hentet = proxy.hentinger() - foer
    t.ok(
      svarFalske.every((s) => s === 401),
      'every forged token refused',
    )
    t.ok(falske > 2 * hentet, `refetches bounded: ${hentet} fetches for ${falske} forged tokens`)
    t.ok(hentet <= Math.ceil(varighet / 1000) + 2, `at most about one fetch a second (${hentet} in ${varighet} ms)`)
  },
)

t.test(
  'a key published ahead of its use is kept from the fetch that saw it: never held back, not even by a refetch that hangs',
  async (t) => {
    const { sim, proxy, b, start, falsk } = await oppsett(t)
    const neste = await sim.oidc.publiserNokkel()

    t.equal((await start(await b.token())).status, 201, 'the current key: the set is fetched')
    t.equal(proxy.hentinger(), 1)
    t.equal((await start(falsk())).status, 401, 'a made-up kid')
    const hentingerEtterFalsk = proxy.hentinger()

    // A made-up kid whose refetch the issuer does not answer.
    proxy.hold()
    const hengende = start(falsk())
    await once(proxy.hendelser, 'mottatt', { signal: AbortSignal.timeout(10_000) })

    // The issuer starts signing with the key it published before the set was fetched.
    await sim.oidc.roterNokkel(neste)
    const svar = await start(await b.token())
    t.equal(svar.status, 201, 'the published key is accepted at once, while a refetch hangs')
    t.equal(proxy.hentinger(), hentingerEtterFalsk + 1, 'and it cost no fetch of its own')

    proxy.slipp()
    t.equal((await hengende).status, 401)
  },
)

t.test(
  'unknown kids: a repeated one is not fetched again for a while, a kid too long never; neither holds back another',
  async (t) => {
    const { sim, proxy, b, start, falsk } = await oppsett(t)
    t.equal((await start(await b.token())).status, 201)
    t.equal((await start(falsk('gjentatt'))).status, 401)
    const etter = proxy.hentinger()
    for (let i = 0; i < 10; i++) t.equal((await start(falsk('gjentatt'))).status, 401)
    t.equal(proxy.hentinger(), etter, 'the same made-up kid: answered from the negative cache')
    t.equal((await start(falsk('x'.repeat(300)))).status, 401)
    t.equal(proxy.hentinger(), etter, 'a 300-character kid costs no fetch')
    await sim.oidc.roterNokkel()
    t.equal((await start(await b.token())).status, 201, 'a new kid right after them is fetched and accepted')
    t.equal(proxy.hentinger(), etter + 1)
  },
)
