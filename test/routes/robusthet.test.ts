// Resilience against the simulator's injected faults: circuit breakers per municipality and per
// register, calls shared across lookups, and the access decision's own deadline.
import t from 'tap'
import { apneBrytere, build, type Bygget } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'
/** `kommunenummer/system` → status: one kilde per municipality and source. */
const kilder = (body: { kilder: { kommunenummer: string; system: string; status: string }[] }) =>
  Object.fromEntries(body.kilder.map((k) => [`${k.kommunenummer}/${k.system}`, k.status]))
const begge = (kommunenummer: string, s: string) => ({
  [`${kommunenummer}/DIGISOS`]: s,
  [`${kommunenummer}/FAGSYSTEM`]: s,
})

async function lesAlt(b: Bygget, tag: string) {
  const start = await b.startOppslag(tag)
  return b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`)
}

t.test('a municipality that keeps failing: its breaker opens, it is not asked, then a probe closes it', async (t) => {
  // KommuneInfo asked on every lookup: each lookup then calls Bergen, as the counts below assume.
  // The service's clock stands still unless moved: the open time is not raced by real lookups.
  let na = Date.now()
  const b = await build(t, {
    na: () => na,
    miljo: { BRYTER_FEIL_PA_RAD: '3', BRYTER_APEN_MS: '700', KOMMUNEINFO_CACHE_S: '0' },
  })
  const bergen = () => b.sim.styring.kall().perKommune['4601'] ?? {}
  const kallTilBergen = () => Object.values(bergen()).reduce((a, n) => a + (n ?? 0), 0)
  b.sim.styring.settFeil({ kommunenummer: '4601' }, { status: 500 })
  for (let i = 0; i < 3; i++)
    t.equal(kilder((await lesAlt(b, 'ugradert-to-kommuner')).body)['4601/DIGISOS'], 'UTILGJENGELIG')
  t.equal(await apneBrytere(b, 'kommune'), 1, "open in /metrics, Oslo's not (whose, /metrics does not say)")

  const foer = kallTilBergen()
  const t0 = Date.now()
  const apen = await lesAlt(b, 'ugradert-to-kommuner')
  t.same(kilder(apen.body), { ...begge('0301', 'OK'), ...begge('4601', 'UTILGJENGELIG') }, 'Oslo still shown')
  t.equal(kallTilBergen(), foer, 'an open breaker: Bergen is not called at all')
  t.ok(Date.now() - t0 < 1000, 'and the answer does not wait for it')

  // Recovered, but still within the open time: not asked yet.
  b.sim.styring.settFeil({ kommunenummer: '4601' }, null)
  t.equal(kilder((await lesAlt(b, 'ugradert-to-kommuner')).body)['4601/DIGISOS'], 'UTILGJENGELIG')
  t.equal(kallTilBergen(), foer)
  na += 699
  t.equal(
    kilder((await lesAlt(b, 'ugradert-to-kommuner')).body)['4601/DIGISOS'],
    'UTILGJENGELIG',
    'still open just before its open time ends',
  )
  t.equal(kallTilBergen(), foer)
  na += 1
  t.same(
    kilder((await lesAlt(b, 'ugradert-to-kommuner')).body),
    { ...begge('0301', 'OK'), ...begge('4601', 'OK') },
    'the probe succeeds and closes the breaker',
  )
  t.ok(kallTilBergen() > foer)
  t.equal(await apneBrytere(b, 'kommune'), 0, 'closed in /metrics')

  // A probe that fails opens it again at once.
  b.sim.styring.settFeil({ kommunenummer: '4601' }, { status: 500 })
  for (let i = 0; i < 3; i++) await lesAlt(b, 'ugradert-to-kommuner')
  na += 700
  const forProbe = kallTilBergen()
  t.equal(kilder((await lesAlt(b, 'ugradert-to-kommuner')).body)['4601/DIGISOS'], 'UTILGJENGELIG')
  t.ok(kallTilBergen() > forProbe, 'half-open: one probe is sent')
  const etterProbe = kallTilBergen()
  await lesAlt(b, 'ugradert-to-kommuner')
  t.equal(kallTilBergen(), etterProbe, 'the failed probe opened it again')
  b.sim.styring.fjernAlleFeil()
})

t.test('a register that keeps failing: 503 at once without calling it, audited; it closes again', async (t) => {
  let na = Date.now()
  const b = await build(t, { na: () => na, miljo: { BRYTER_FEIL_PA_RAD: '2', BRYTER_APEN_MS: '600' } })
  b.sim.styring.settFeil({ upstream: 'skjerming' }, { status: 500 })
  for (let i = 0; i < 2; i++) t.equal((await b.startOppslag('ugradert-to-kommuner')).status, 503)
  t.equal(await apneBrytere(b, 'skjerming'), 1)
  const foer = b.sim.styring.kall().perUpstream.skjerming
  const apen = await b.startOppslag('ugradert-to-kommuner')
  t.equal(apen.status, 503)
  t.equal(apen.body.code, 'REGISTER_UTILGJENGELIG')
  t.equal(b.sim.styring.kall().perUpstream.skjerming, foer, 'not called while open')
  t.match(
    (await b.hendelser()).at(-1),
    { beslutning: 'Deny', regel: 'REGISTER_UTILGJENGELIG' },
    'still audited as a denial',
  )
  b.sim.styring.fjernAlleFeil()
  na += 599
  t.equal((await b.startOppslag('ugradert-to-kommuner')).status, 503, 'still open just before its open time ends')
  t.equal(b.sim.styring.kall().perUpstream.skjerming, foer, 'and not called')
  na += 1
  t.equal((await b.startOppslag('ugradert-to-kommuner')).status, 201, 'the probe closes it')
  t.equal(await apneBrytere(b, 'skjerming'), 0)
})

t.test('the access decision has its own deadline: a register that hangs is a 503 in time', async (t) => {
  const b = await build(t, { miljo: { TILGANG_FRIST_MS: '400', UPSTREAM_TIDSAVBRUDD_MS: '5000' } })
  b.sim.styring.settFeil({ upstream: 'pdl' }, { latencyMs: 3000 })
  const t0 = Date.now()
  const svar = await b.startOppslag('ugradert-to-kommuner')
  const ms = Date.now() - t0
  t.equal(svar.status, 503)
  t.equal(svar.body.code, 'REGISTER_UTILGJENGELIG')
  t.ok(ms < 1200, `answered in ${ms} ms`)
  b.sim.styring.fjernAlleFeil()
})

t.test('coalescing: concurrent reads of one new lookup make one upstream call per resource', async (t) => {
  const b = await build(t)
  b.sim.styring.settFeil({ upstream: 'fiks-soknader' }, { latencyMs: 150 })
  const start = await b.startOppslag('ugradert-to-kommuner')
  b.sim.styring.nullstillKall()
  const svar = await Promise.all(
    Array.from({ length: 10 }, () => b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}/konto`)),
  )
  t.same(
    svar.map((s) => s.status),
    Array(10).fill(200),
  )
  const k = b.sim.styring.kall()
  t.equal(k.perUpstream['fiks-soknader'], 1)
  t.equal(k.perKommune['0301']?.['fiks-kommuneinfo'], 1)
  t.equal(k.perKommune['0301']?.['fiks-io'], 1)
  t.equal(k.perKommune['4601']?.['fiks-io'], 1)
  b.sim.styring.fjernAlleFeil()
})

t.test('coalescing across lookups: a burst of lookups shares identical calls in flight', async (t) => {
  // KommuneInfo not kept between lookups, so its sharing in flight is what is seen.
  const b = await build(t, { miljo: { KOMMUNEINFO_CACHE_S: '0' } })
  const N = 12
  // Lookups of the same person by different employees, read at the same moment.
  const oppslag = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const token = await b.token(`Z99${String(9100 + i).padStart(4, '0')}`)
      const start = await b.startOppslag('ugradert-to-kommuner', { token })
      t.equal(start.status, 201)
      return { token, id: start.body.oppslagId as string }
    }),
  )
  b.sim.styring.settFeil({ upstream: 'fiks-soknader' }, { latencyMs: 150 })
  b.sim.styring.nullstillKall()
  const svar = await Promise.all(oppslag.map((o) => b.kall('GET', `${OPPSLAG}/${o.id}`, { token: o.token })))
  t.same(
    svar.map((s) => s.status),
    Array(N).fill(200),
  )
  t.same(new Set(svar.map((s) => JSON.stringify(s.body.kategorier))).size, 1, 'every lookup got the same data')
  const k = b.sim.styring.kall()
  t.equal(k.perUpstream['fiks-soknader'], 1, `one case-list call for ${N} lookups`)
  t.equal(k.perKommune['0301']?.['fiks-io'], 1)
  t.equal(k.perKommune['0301']?.['fiks-kommuneinfo'], 1)
  const metrics = await b.kall('GET', '/metrics', { token: null })
  t.match(metrics.tekst, /stonadsoppslag_upstream_shared_calls_total\{upstream="fiks"\} \d+/)
  // Each lookup's audit event names the sporingsIds of the shared calls.
  const lesinger = (await b.hendelser()).filter((h) => h.handling === 'LES' && h.kilde === 'upstream')
  t.equal(lesinger.length, N * 5)
  t.ok(
    lesinger.every((h) => h.sporingsIder.length > 0),
    'every read names its sporingsIds',
  )

  // Different persons share only what is the same for both (KommuneInfo), never person data.
  b.sim.styring.nullstillKall()
  b.sim.styring.settFeil({ upstream: 'fiks-kommuneinfo' }, { latencyMs: 150 })
  const to = await Promise.all(['kvp-generisk', 'utbetaling-annen-mottaker'].map((tag) => lesAlt(b, tag)))
  t.same(
    to.map((s) => s.status),
    [200, 200],
  )
  const k2 = b.sim.styring.kall()
  t.equal(k2.perUpstream['fiks-soknader'], 2, 'one case list per person')
  t.equal(k2.perKommune['0301']?.['fiks-kommuneinfo'], 1, 'KommuneInfo for Oslo shared')
  t.equal(k2.perKommune['0301']?.['fiks-io'], 2, 'fagsystem asked once per person')
  t.not(JSON.stringify(to[0]?.body.kategorier), JSON.stringify(to[1]?.body.kategorier))
  b.sim.styring.fjernAlleFeil()
})

t.test('no token for Fiks: the municipalities are UTILGJENGELIG, the read is not a 503', async (t) => {
  const b = await build(t)
  const start = await b.startOppslag('ugradert-to-kommuner') // the registers' tokens are fetched here
  b.sim.styring.settFeil({ upstream: 'texas' }, { status: 500 })
  const svar = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`)
  t.equal(svar.status, 200)
  t.same(
    kilder(svar.body),
    { ...begge('0301', 'UTILGJENGELIG'), 'null/DIGISOS': 'UTILGJENGELIG' },
    'the case list is unknown (unnumbered: cases elsewhere may be missing); the own municipality could not be asked',
  )
  b.sim.styring.fjernAlleFeil()
  const igjen = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`)
  t.same(kilder(igjen.body), { ...begge('0301', 'OK'), ...begge('4601', 'OK') }, 'not cached: asked again')
})
