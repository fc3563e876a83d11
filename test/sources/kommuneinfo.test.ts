import t from 'tap'
import { medKommuneInfoCache } from '../../src/sources/kommuneinfo.js'
import { KildeFeil, type FiksDigisos } from '../../src/sources/ports.js'
import type { KommuneInfo } from '../../src/domain/digisos/sak.js'
import { build } from '../helper.js'

const info = (kommunenummer: string, harNksTilgang = true): KommuneInfo => ({
  kommunenummer,
  kanMottaSoknader: true,
  kanOppdatereStatus: true,
  harMidlertidigDeaktivertMottak: false,
  harMidlertidigDeaktivertOppdateringer: false,
  harNksTilgang,
  behandlingsansvarlig: null,
})

/** A Fiks port whose KommuneInfo answers are set by the test, counting the calls. */
function fiks() {
  const svar = new Map<string, KommuneInfo | null | Error>()
  const kall: string[] = []
  const port: FiksDigisos = {
    hentSaker: async () => [],
    hentDokument: async () => ({ dokument: true }),
    hentKommuneInfo: async (k) => {
      kall.push(k)
      const s = svar.get(k)
      if (s instanceof Error) throw s
      return s === undefined ? null : s
    },
    hentAlleKommuneInfo: async () =>
      [...svar.values()].filter((s): s is KommuneInfo => s !== null && !(s instanceof Error)),
  }
  return { port, svar, kall }
}

const ctx = { callId: 'c' }

t.test('an answer is reused while fresh, per municipality, then asked for again', async (t) => {
  const f = fiks()
  f.svar.set('0301', info('0301'))
  f.svar.set('4601', info('4601', false))
  let na = Date.now()
  const c = medKommuneInfoCache(f.port, { ttlMs: 80, na: () => na })
  t.same(await c.hentKommuneInfo('0301', ctx), info('0301'))
  t.same(await c.hentKommuneInfo('0301', ctx), info('0301'))
  t.same(await c.hentKommuneInfo('4601', ctx), info('4601', false), 'each municipality its own answer')
  t.same(f.kall, ['0301', '4601'])
  // NKS access switched off: obeyed once the TTL has run out.
  f.svar.set('0301', info('0301', false))
  na += 80
  t.equal((await c.hentKommuneInfo('0301', ctx))?.harNksTilgang, true, 'kept for the whole TTL')
  na += 1
  t.equal((await c.hentKommuneInfo('0301', ctx))?.harNksTilgang, false)
  t.same(f.kall, ['0301', '4601', '0301'])
})

t.test('"not configured" (a 404, which a gateway can answer too) and a fault are never kept', async (t) => {
  const f = fiks()
  const c = medKommuneInfoCache(f.port, { ttlMs: 60_000 })
  t.equal(await c.hentKommuneInfo('5001', ctx), null)
  f.svar.set('5001', info('5001'))
  t.same(await c.hentKommuneInfo('5001', ctx), info('5001'), 'asked again: now configured')
  t.same(f.kall, ['5001', '5001'])

  f.svar.set('1103', new KildeFeil('fiks', 'UTILGJENGELIG', 'nede'))
  await t.rejects(c.hentKommuneInfo('1103', ctx), KildeFeil)
  f.svar.set('1103', info('1103'))
  t.same(await c.hentKommuneInfo('1103', ctx), info('1103'), 'asked again after the fault')
  t.same(f.kall, ['5001', '5001', '1103', '1103'])
})

t.test('the case list and documents are never cached; TTL 0 is no cache at all', async (t) => {
  const f = fiks()
  const c = medKommuneInfoCache(f.port, { ttlMs: 60_000 })
  t.same(await c.hentSaker('14839010150', ctx), [])
  t.same(await c.hentDokument('id', 'dok', ctx), { dokument: true })
  t.equal(medKommuneInfoCache(f.port, { ttlMs: 0 }), f.port, 'the port itself')
})

t.test('the service asks Fiks for KommuneInfo once per municipality within the TTL', async (t) => {
  const b = await build(t)
  const les = async () => {
    const start = await b.startOppslag('ugradert-to-kommuner')
    return b.kall('GET', `/api/v1/oppslag/${start.body.oppslagId}`)
  }
  t.equal((await les()).status, 200)
  b.sim.styring.nullstillKall()
  const svar = await les()
  t.equal(svar.status, 200)
  t.same(
    svar.body.kilder.map((k: { kommunenummer: string; status: string }) => `${k.kommunenummer} ${k.status}`),
    ['0301 OK', '0301 OK', '4601 OK', '4601 OK'],
  )
  const k = b.sim.styring.kall()
  t.equal(k.perUpstream['fiks-kommuneinfo'], undefined, 'no KommuneInfo call for the second lookup')
  t.equal(k.perUpstream['fiks-soknader'], 1, 'the case list is asked for every lookup')
})

t.test('the list of every municipality keeps each one, so the lookups after it need no KommuneInfo call', async (t) => {
  const f = fiks()
  f.svar.set('0301', info('0301'))
  f.svar.set('5001', info('5001', false))
  const c = medKommuneInfoCache(f.port, { ttlMs: 60_000 })
  t.same(
    (await c.hentAlleKommuneInfo(ctx)).map((k) => k.kommunenummer),
    ['0301', '5001'],
  )
  t.same(await c.hentKommuneInfo('5001', ctx), info('5001', false))
  t.same(f.kall, [], 'answered from what the list brought')
})
