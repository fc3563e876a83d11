// GET /api/v1/kommuner (DESIGN §3): every municipality's NKS status from Fiks's
// GET /digisos/api/v1/nav/kommuner (KS's Digisos API, getAlleKommunerStatus), for the NKS role, with
// no personal data, cached, and a 503 problem only when Fiks is down and nothing is cached.
import t from 'tap'
import { build, GRUPPER } from '../helper.js'

const STI = '/api/v1/kommuner'

t.test('every configured municipality, in order, with its flags; no contact persons; not audited', async (t) => {
  const b = await build(t)
  const foer = (await b.hendelser()).length
  const svar = await b.kall('GET', STI)
  t.equal(svar.status, 200)
  const konfigurert = b.sim.datasett.kommuner
    .filter((k) => k.kommuneInfo !== null)
    .map((k) => k.kommunenummer)
    .sort()
  t.same(
    svar.body.kommuner.map((k: { kommunenummer: string }) => k.kommunenummer),
    konfigurert,
    'Stavanger, not configured in Fiks, is not listed',
  )
  const per = Object.fromEntries(svar.body.kommuner.map((k: { kommunenummer: string }) => [k.kommunenummer, k]))
  t.match(
    per['5001'],
    { harNksTilgang: false },
    'a municipality without NKS access is listed here, so the agent can refer the caller',
  )
  t.match(per['3301'], { harNksTilgang: true, harMidlertidigDeaktivertOppdateringer: true })
  t.match(per['3201'], { harNksTilgang: true, harMidlertidigDeaktivertMottak: true })
  t.match(per['4223'], { kanOppdatereStatus: false, behandlingsansvarlig: 'Kristiansand kommune' })
  t.same(Object.keys(per['0301']).sort(), [
    'behandlingsansvarlig',
    'harMidlertidigDeaktivertMottak',
    'harMidlertidigDeaktivertOppdateringer',
    'harNksTilgang',
    'kanMottaSoknader',
    'kanOppdatereStatus',
    'kommunenummer',
  ])
  t.notMatch(svar.tekst, /@|kontaktpersoner/, "KS's contact persons (municipal staff's e-mails) are not passed on")
  t.ok(Math.abs(Date.parse(svar.body.hentet) - Date.now()) < 60_000, 'hentet: when Fiks gave it')
  t.equal((await b.hendelser()).length, foer, 'no person, no audit event')
})

t.test('the NKS role is required: 401 without a token, 403 without the group', async (t) => {
  const b = await build(t)
  const uten = await b.kall('GET', STI, { token: null })
  t.equal(uten.status, 401)
  t.equal(uten.headers['www-authenticate'], 'Bearer')
  const revisor = await b.kall('GET', STI, { token: await b.token('Z990009', [GRUPPER.revisjon]) })
  t.equal(revisor.status, 403)
  t.equal(revisor.body.code, 'AVVIST_MANGLER_ROLLE')
  t.equal(revisor.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(
    b.sim.styring.kall().perUpstream['fiks-kommuner'],
    undefined,
    'Fiks is not asked for a caller without the role',
  )
})

t.test('cached for KOMMUNELISTE_CACHE_S; concurrent misses share one call', async (t) => {
  const b = await build(t, { miljo: { KOMMUNELISTE_CACHE_S: '300' } })
  b.sim.styring.nullstillKall()
  const svar = await Promise.all([b.kall('GET', STI), b.kall('GET', STI), b.kall('GET', STI)])
  t.same(
    svar.map((s) => s.status),
    [200, 200, 200],
  )
  t.equal(b.sim.styring.kall().perUpstream['fiks-kommuner'], 1, 'one call to Fiks for three at once')
  await b.kall('GET', STI)
  t.equal(b.sim.styring.kall().perUpstream['fiks-kommuner'], 1, 'and none while fresh')
})

t.test('Fiks down: the last list is served; with none, a 503 problem', async (t) => {
  const b = await build(t, { miljo: { KOMMUNELISTE_CACHE_S: '0' } })
  b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, { status: 503 })
  const ingen = await b.kall('GET', STI)
  t.equal(ingen.status, 503)
  t.equal(ingen.body.code, 'KOMMUNELISTE_UTILGJENGELIG')
  t.equal(ingen.headers['content-type'], 'application/problem+json; charset=utf-8')

  b.sim.styring.fjernAlleFeil()
  const forste = await b.kall('GET', STI)
  t.equal(forste.status, 200)
  b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, { malformed: true })
  b.sim.styring.nullstillKall()
  const gammel = await b.kall('GET', STI)
  t.equal(b.sim.styring.kall().perUpstream['fiks-kommuner'], 1, 'TTL 0: Fiks is asked again')
  t.equal(gammel.status, 200, 'the last list while Fiks fails')
  t.same(gammel.body, forste.body, 'the same list, with the time Fiks gave it')
  b.sim.styring.fjernAlleFeil()
})
