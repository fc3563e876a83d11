// The municipality list's cache: fresh within its TTL, one shared call for concurrent misses, the
// last list while Fiks fails only when asked for (and never older than a day), and a caller's
// signal that stops its wait without stopping the shared call.
import t from 'tap'
import {
  KOMMUNELISTE_MAKS_FORELDET_MS,
  KommunelisteCache,
  KommunelisteUtilgjengelig,
} from '../../src/sources/kommuneliste.js'
import { KildeFeil } from '../../src/sources/ports.js'
import type { KommuneInfo } from '../../src/domain/digisos/sak.js'

const info = (kommunenummer: string): KommuneInfo => ({
  kommunenummer,
  kanMottaSoknader: true,
  kanOppdatereStatus: true,
  harMidlertidigDeaktivertMottak: false,
  harMidlertidigDeaktivertOppdateringer: false,
  harNksTilgang: true,
  behandlingsansvarlig: null,
})

function oppsett(ttlMs = 1000) {
  let na = 1_000_000
  let svar: () => Promise<KommuneInfo[]> = async () => [info('4601'), info('0301')]
  let kall = 0
  const cache = new KommunelisteCache(
    { hentAlleKommuneInfo: () => (kall++, svar()) },
    { ttlMs, na: () => na, tidsfristMs: 1000 },
  )
  return { cache, flytt: (ms: number) => void (na += ms), sett: (f: typeof svar) => void (svar = f), kall: () => kall }
}

t.test('fresh within the TTL, sorted; concurrent misses share one call', async (t) => {
  const o = oppsett()
  const [a, b] = await Promise.all([o.cache.hent('c'), o.cache.hent('c')])
  t.equal(a, b)
  t.same(
    a.kommuner.map((k) => k.kommunenummer),
    ['0301', '4601'],
  )
  t.equal(o.kall(), 1)
  o.flytt(999)
  await o.cache.hent('c')
  t.equal(o.kall(), 1, 'still fresh')
  o.flytt(2)
  await o.cache.hent('c')
  t.equal(o.kall(), 2, 'asked again once the TTL has run out')
})

t.test('Fiks failing: the last list only with foreldet, and not past a day', async (t) => {
  const o = oppsett()
  const forste = await o.cache.hent('c')
  o.sett(async () => {
    throw new KildeFeil('fiks', 'UTILGJENGELIG', 'nede')
  })
  o.flytt(5000)
  await t.rejects(o.cache.hent('c'), KommunelisteUtilgjengelig, "the lookups' gate takes no stale list")
  t.equal(await o.cache.hent('c', { foreldet: true }), forste, 'the referral list takes the last one')
  o.flytt(KOMMUNELISTE_MAKS_FORELDET_MS)
  await t.rejects(o.cache.hent('c', { foreldet: true }), KommunelisteUtilgjengelig, 'not one older than a day')
})

t.test(
  'fersk: whether a list served is within its TTL (a stale one may drop a municipality, not confirm one)',
  async (t) => {
    const o = oppsett()
    const liste = await o.cache.hent('c')
    t.equal(o.cache.fersk(liste), true)
    o.flytt(999)
    t.equal(o.cache.fersk(liste), true)
    o.flytt(1)
    t.equal(o.cache.fersk(liste), false, 'at the TTL it is stale, as hent judges it')
  },
)

t.test("a caller's signal ends its own wait; the shared call goes on for the others", async (t) => {
  const o = oppsett()
  let svar!: (v: KommuneInfo[]) => void
  o.sett(() => new Promise((ok) => (svar = ok)))
  const avbryt = new AbortController()
  const kort = o.cache.hent('c', { signal: avbryt.signal })
  const lang = o.cache.hent('c')
  avbryt.abort(new Error('fristen'))
  await t.rejects(kort, KommunelisteUtilgjengelig)
  svar([info('0301')])
  t.same(
    (await lang).kommuner.map((k) => k.kommunenummer),
    ['0301'],
  )
  t.equal(o.kall(), 1)
  t.ok(await o.cache.hent('c', { signal: AbortSignal.abort() }), 'a fresh list needs no wait, whatever the signal')
  o.flytt(10_000)
  o.sett(async () => [info('0301')])
  await t.rejects(
    o.cache.hent('c', { signal: AbortSignal.abort() }),
    KommunelisteUtilgjengelig,
    'none fresh and the signal aborted: refused at once',
  )
})
