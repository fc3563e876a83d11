// The key set behind token verification, on its own with a clock and a JWKS the test controls: what
// HTTP cannot show cheaply (the bounds over many made-up kids, the TTL, a failing issuer).
import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { Nokkelsett, UkjentNokkel, lesSett, type NokkelsettValg } from '../../src/plugins/nokkelsett.js'

const jwk = (kid: string, valg: { bits?: number; ec?: boolean; use?: string } = {}) => {
  const { publicKey } = valg.ec
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: valg.bits ?? 2048 })
  return { ...publicKey.export({ format: 'jwk' }), kid, ...(valg.use ? { use: valg.use } : {}) }
}
const A = jwk('a')
const B = jwk('b')

function oppsett(valg: Partial<NokkelsettValg> = {}) {
  let na = 1_000_000
  let hentinger = 0
  let dokument: unknown = { keys: [A, B] }
  let feiler = false
  const sett = new Nokkelsett({
    jwksUri: 'http://issuer.invalid/jwks',
    na: () => na,
    // The wait for the next fetch moves the clock, as time would.
    vent: async (ms) => {
      na += ms
    },
    hent: async () => {
      hentinger++
      if (feiler) throw new Error('nede')
      return dokument
    },
    ...valg,
  })
  return {
    sett,
    hentinger: () => hentinger,
    na: () => na,
    gaa: (ms: number) => {
      na += ms
    },
    dokument: (d: unknown) => {
      dokument = d
    },
    feil: (f: boolean) => {
      feiler = f
    },
  }
}

t.test('every key of the fetched set is kept: a second kid costs no fetch', async (t) => {
  const o = oppsett()
  t.match(await o.sett.pem('a', 'RS256'), /BEGIN PUBLIC KEY/)
  t.match(await o.sett.pem('b', 'RS256'), /BEGIN PUBLIC KEY/)
  t.equal(o.hentinger(), 1)
  await t.rejects(o.sett.pem('a', 'ES256'), UkjentNokkel, 'an RSA key is not an ES256 key')
})

t.test(
  'made-up kids: the negative cache is bounded, fetches are one an interval, and neither holds back a new kid',
  async (t) => {
    const o = oppsett({ ukjentKidMaks: 10, minIntervallMs: 1000, ukjentKidMs: 5000 })
    await o.sett.pem('a', 'RS256')
    const fra = o.na()
    for (let i = 0; i < 200; i++) await t.rejects(o.sett.pem(`falsk-${i}`, 'RS256'), UkjentNokkel)
    t.ok(o.sett.antallUkjente <= 10, `negative cache bounded (${o.sett.antallUkjente})`)
    const hentet = o.hentinger() - 1
    t.ok(hentet <= Math.ceil((o.na() - fra) / 1000) + 1, `${hentet} fetches in ${o.na() - fra} ms`)

    // Concurrent misses share one fetch.
    const foer = o.hentinger()
    const samtidige = Array.from({ length: 50 }, (_, i) => o.sett.pem(`samtidig-${i}`, 'RS256'))
    for (const p of samtidige) await t.rejects(p, UkjentNokkel)
    t.equal(o.hentinger(), foer + 1, '50 kids at once: one fetch')

    // A repeated kid: not fetched again until its entry expires.
    const igjen = o.hentinger()
    await t.rejects(o.sett.pem('samtidig-49', 'RS256'), UkjentNokkel)
    t.equal(o.hentinger(), igjen, 'in the negative cache')
    o.gaa(5001)
    await t.rejects(o.sett.pem('samtidig-49', 'RS256'), UkjentNokkel)
    t.equal(o.hentinger(), igjen + 1, 'asked again once the entry expired')

    // The issuer publishes a key: it is fetched on its first token, whatever was refused before.
    const C = jwk('c')
    o.dokument({ keys: [A, B, C] })
    const naFor = o.na()
    t.match(await o.sett.pem('c', 'RS256'), /BEGIN PUBLIC KEY/)
    t.ok(o.na() - naFor <= 1000, 'it waited at most one interval')
    await t.rejects(o.sett.pem('x'.repeat(257), 'RS256'), UkjentNokkel)
    await t.rejects(o.sett.pem('c', 'HS256'), UkjentNokkel)
    await t.rejects(o.sett.pem(undefined, 'RS256'), UkjentNokkel)
  },
)

t.test('concurrent first tokens on a fresh replica share the first fetch', async (t) => {
  const o = oppsett()
  const [a, b] = await Promise.all([o.sett.pem('a', 'RS256'), o.sett.pem('b', 'RS256')])
  t.match(a, /BEGIN PUBLIC KEY/)
  t.match(b, /BEGIN PUBLIC KEY/)
  t.equal(o.hentinger(), 1)
  t.equal(o.na(), 1_000_000, 'and neither waited for an interval')
})

t.test(
  'the TTL: a stale set is fetched again; a key taken out stops; an issuer down is bridged for one TTL only',
  async (t) => {
    const o = oppsett({ ttlMs: 60_000 })
    await o.sett.pem('a', 'RS256')
    o.gaa(60_000)
    o.dokument({ keys: [B] })
    t.match(
      await o.sett.pem('a', 'RS256'),
      /BEGIN PUBLIC KEY/,
      'at the TTL the old set answers while it is fetched again',
    )
    await o.sett.rolig()
    t.equal(o.hentinger(), 2, 'fetched again at the TTL')
    await t.rejects(o.sett.pem('a', 'RS256'), UkjentNokkel, 'a, taken out of the set, stops once it is fetched')
    t.match(await o.sett.pem('b', 'RS256'), /BEGIN PUBLIC KEY/)

    o.gaa(60_000)
    o.feil(true)
    const hentingerFor = o.hentinger()
    t.match(await o.sett.pem('b', 'RS256'), /BEGIN PUBLIC KEY/, 'issuer down: the last set bridges')
    await o.sett.rolig()
    t.equal(o.hentinger(), hentingerFor + 1)
    o.gaa(59_000)
    t.match(await o.sett.pem('b', 'RS256'), /BEGIN PUBLIC KEY/)
    o.gaa(1_000)
    await t.rejects(o.sett.pem('b', 'RS256'), UkjentNokkel, 'not beyond a second TTL')
    o.feil(false)
    o.gaa(1_000)
    t.match(await o.sett.pem('b', 'RS256'), /BEGIN PUBLIC KEY/, 'back once the issuer answers')
  },
)

t.test(
  'a JWKS document: unusable keys are left out, the usable ones kept; none usable is a failed fetch',
  async (t) => {
    const sett = lesSett({
      keys: [
        A,
        jwk('kort', { bits: 1024 }),
        jwk('enc', { use: 'enc' }),
        { kid: 'odelagt', kty: 'RSA', n: 'x', e: 'y' },
        { kty: 'RSA' },
        jwk('ec', { ec: true }),
      ],
    })
    t.same([...sett.keys()].sort(), ['a', 'ec'])
    t.ok(sett.get('ec')?.ES256)
    t.throws(() => lesSett({ keys: [] }))
    t.throws(() => lesSett({ keys: [jwk('kort', { bits: 1024 })] }))
    t.throws(() => lesSett('<html>'))

    const o = oppsett()
    o.dokument({ keys: [] })
    await t.rejects(o.sett.pem('a', 'RS256'), UkjentNokkel)
    o.dokument({ keys: [A] })
    o.gaa(1000)
    t.match(await o.sett.pem('a', 'RS256'), /BEGIN PUBLIC KEY/, 'a failed fetch leaves no negative entry')
  },
)

t.test('the JWKS over HTTP: an error status, a redirect or an oversized body is a failed fetch', async (t) => {
  const { createServer } = await import('node:http')
  let svar: (res: import('node:http').ServerResponse) => void = (res) => res.end(JSON.stringify({ keys: [A] }))
  const server = createServer((_req, res) => svar(res))
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  t.teardown(() => server.close())
  const uri = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks`
  const sett = () => new Nokkelsett({ jwksUri: uri, minIntervallMs: 0 })

  t.match(await sett().pem('a', 'RS256'), /BEGIN PUBLIC KEY/, 'a JWKS is read')
  const feil: [string, typeof svar][] = [
    [
      '500',
      (res) => {
        res.statusCode = 500
        res.end(JSON.stringify({ keys: [A] }))
      },
    ],
    [
      'redirect',
      (res) => {
        res.statusCode = 302
        res.setHeader('location', '/annen')
        res.end()
      },
    ],
    ['over 1 MiB', (res) => res.end(JSON.stringify({ keys: [A], fyll: 'x'.repeat(1024 * 1024) }))],
    ['not JSON', (res) => res.end('<html>')],
  ]
  for (const [navn, f] of feil) {
    svar = f
    await t.rejects(sett().pem('a', 'RS256'), UkjentNokkel, navn)
  }
})
