// KommuneInfo as KS means it, and one kilde per municipality and source (issue 17, items 2–4),
// end to end over HTTP against the simulator. KS's KommuneInfo: ks-no/ks-no.github.io
// static/api/digisos-api-v1.json; only harNksTilgang gates, the one flag KS defines for NKS's access
// (DESIGN §4); no digisos-soker.json when kanOppdatereStatus is false, as
// navikt/sosialhjelp-innsyn-api's InnsynService.hentJsonDigisosSoker.
import t from 'tap'
import { apneBrytere, build, type Bygget } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'

async function lesAlt(b: Bygget, tag: string) {
  const start = await b.startOppslag(tag)
  if (start.status !== 201) throw new Error(`start ${tag}: ${start.status} ${start.tekst}`)
  return b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`)
}
type KildeSvar = { kommunenummer: string; system: string; status: string; behandlingsansvarlig: string | null }
const status = (kilder: KildeSvar[]) =>
  Object.fromEntries(kilder.map((k) => [`${k.kommunenummer}/${k.system}`, k.status]))
const sak = (b: Bygget, tag: string) => b.sim.datasett.digisosSaker.find((s) => s.tags.includes(tag))!

t.test(
  'KommuneInfo: the pause flags show the data marked MIDLERTIDIG_DEAKTIVERT; behandlingsansvarlig shown',
  async (t) => {
    const b = await build(t)
    const svar = await lesAlt(b, 'sak-i-kommune-med-pauset-mottak')
    t.equal(svar.status, 200)
    t.same(
      svar.body.kilder,
      [
        {
          kommunenummer: '3201',
          system: 'DIGISOS',
          status: 'MIDLERTIDIG_DEAKTIVERT',
          behandlingsansvarlig: 'Bærum kommune',
        },
        { kommunenummer: '3201', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Bærum kommune' },
      ],
      'harMidlertidigDeaktivertMottak: shown, may be stale',
    )
    t.same(
      svar.body.kategorier['okonomisk-sosialhjelp'].soknader.map((s: { fiksDigisosId: string }) => s.fiksDigisosId),
      [sak(b, 'sak-baerum-pauset-mottak').fiksDigisosId],
      "Bærum's søknad is shown",
    )
  },
)

t.test(
  'KommuneInfo: kanOppdatereStatus false fetches no digisos-soker.json; the søknad is shown without its events',
  async (t) => {
    const b = await build(t)
    const vennesla = sak(b, 'sak-vennesla-uten-status')
    b.sim.styring.nullstillKall()
    const svar = await lesAlt(b, 'sak-i-kommune-uten-statusoppdatering')
    t.equal(svar.status, 200)
    t.same(
      svar.body.kilder,
      [
        { kommunenummer: '4223', system: 'DIGISOS', status: 'OK', behandlingsansvarlig: 'Kristiansand kommune' },
        { kommunenummer: '4223', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Kristiansand kommune' },
      ],
      'nothing is missing: the municipality sends no events; its host municipality is named',
    )
    t.equal(
      b.sim.styring.kall().perKommune['4223']?.['fiks-dokument'],
      1,
      'only soknad.json is fetched, though Fiks holds an event log',
    )
    const [soknad] = svar.body.kategorier['okonomisk-sosialhjelp'].soknader
    t.equal(soknad.fiksDigisosId, vennesla.fiksDigisosId)
    t.equal(soknad.status, 'SENDT', 'no status event is read')
    t.same(soknad.saker, [], "the old event log's sak is not shown")
    t.ok(
      svar.body.kategorier.konto.kontoer.some((k: { kilde: string }) => k.kilde === 'SOKNAD'),
      'the application itself is read',
    )

    // The contrast: a municipality that updates status has both documents fetched.
    b.sim.styring.nullstillKall()
    await lesAlt(b, 'sak-i-midlertidig-deaktivert-kommune')
    t.equal(b.sim.styring.kall().perKommune['3301']?.['fiks-dokument'], 2)
  },
)

t.test(
  'a municipality without NKS access is never a kilde; asking for it costs no document or fagsystem call',
  async (t) => {
    const b = await build(t)
    b.sim.styring.nullstillKall()
    const svar = await lesAlt(b, 'ugradert-to-kommuner')
    t.notOk(svar.body.kilder.some((k: KildeSvar) => k.kommunenummer === '5001'))
    t.notMatch(svar.tekst, sak(b, 'sak-trondheim-uten-nks-tilgang').fiksDigisosId)
    const trondheim = b.sim.styring.kall().perKommune['5001'] ?? {}
    t.same(Object.keys(trondheim), ['fiks-kommuneinfo'], 'only its KommuneInfo is asked')
  },
)

t.test('a fagsystem answering 500 everywhere never hides the Fiks Digisos data', async (t) => {
  const b = await build(t, { miljo: { BRYTER_FEIL_PA_RAD: '2', BRYTER_APEN_MS: '60000' } })
  b.sim.styring.settFeil({ upstream: 'fiks-io' }, { status: 500 })
  for (let i = 0; i < 3; i++) {
    const svar = await lesAlt(b, 'ugradert-to-kommuner')
    t.equal(svar.status, 200)
    t.same(
      status(svar.body.kilder),
      {
        '0301/DIGISOS': 'OK',
        '0301/FAGSYSTEM': 'UTILGJENGELIG',
        '4601/DIGISOS': 'OK',
        '4601/FAGSYSTEM': 'UTILGJENGELIG',
      },
      `lookup ${i + 1}`,
    )
    const soknader = svar.body.kategorier['okonomisk-sosialhjelp'].soknader
    t.same(
      soknader.map((s: { kommunenummer: string }) => s.kommunenummer).sort(),
      ['0301', '4601'],
      'both søknader shown',
    )
    t.ok(
      soknader.some((s: { utbetalinger: unknown[] }) => s.utbetalinger.length > 0),
      'with their payouts',
    )
    t.same(svar.body.kategorier.kvalifiseringsprogram.programmer, [], 'nothing from the fagsystems')
  }
  t.equal(await apneBrytere(b, 'fagsystem'), 2, "Oslo's and Bergen's fagsystem breakers are open")
  t.equal(await apneBrytere(b, 'kommune'), 0, 'their Fiks breakers stay closed')

  // With the fagsystem's breaker open, Digisos is still asked, and the fagsystem is not.
  b.sim.styring.fjernAlleFeil()
  b.sim.styring.nullstillKall()
  const apen = await lesAlt(b, 'ugradert-to-kommuner')
  t.equal(status(apen.body.kilder)['0301/DIGISOS'], 'OK')
  t.equal(status(apen.body.kilder)['0301/FAGSYSTEM'], 'UTILGJENGELIG')
  t.equal(b.sim.styring.kall().perKommune['0301']?.['fiks-io'], undefined, 'an open fagsystem breaker: not asked')
  t.ok((b.sim.styring.kall().perKommune['0301']?.['fiks-dokument'] ?? 0) > 0, 'Digisos asked as ever')
})

t.test('a document Fiks refuses (404) degrades only its case, and does not count against the breaker', async (t) => {
  const b = await build(t, { miljo: { BRYTER_FEIL_PA_RAD: '2', BRYTER_APEN_MS: '60000' } })
  const utenSoknad = sak(b, 'sak-soknad-mangler')
  const utenHendelser = sak(b, 'sak-soker-mangler')
  for (let i = 0; i < 4; i++) {
    const svar = await lesAlt(b, 'dokument-mangler')
    t.equal(svar.status, 200)
    t.same(
      status(svar.body.kilder),
      { '0301/DIGISOS': 'UTILGJENGELIG', '0301/FAGSYSTEM': 'OK' },
      `lookup ${i + 1}: Digisos not complete`,
    )
    const soknader = svar.body.kategorier['okonomisk-sosialhjelp'].soknader
    t.same(
      soknader.map((s: { fiksDigisosId: string }) => s.fiksDigisosId),
      [utenSoknad.fiksDigisosId],
      'without its soknad.json a case is shown from its events; without its event log it is left out',
    )
    t.match(soknader[0], { status: 'FERDIGBEHANDLET', saker: [{ vedtak: [{ utfall: 'INNVILGET' }] }] })
    t.notMatch(svar.tekst, utenHendelser.fiksDigisosId)
  }
  t.equal(await apneBrytere(b, 'kommune'), 0, 'four lookups with a 404 each: the breaker stays closed')

  // The contrast: a document that fails with a 5xx counts, and opens the breaker.
  b.sim.styring.settFeil({ upstream: 'fiks-dokument' }, { status: 500 })
  for (let i = 0; i < 2; i++) await lesAlt(b, 'dokument-mangler')
  t.equal(await apneBrytere(b, 'kommune'), 1, 'two lookups with a 5xx: open')
})

// KS's getDokumentNav answers 200 with whatever the store holds for the document (no content schema
// in ks-no.github.io static/api/digisos-api-v1.json): a body that is not JSON is that document's.
t.test(
  'a document Fiks serves as something other than JSON degrades its case, and does not count against the breaker',
  async (t) => {
    const b = await build(t, { miljo: { BRYTER_FEIL_PA_RAD: '2', BRYTER_APEN_MS: '60000' } })
    b.sim.styring.settFeil({ upstream: 'fiks-dokument' }, { malformed: true })
    for (let i = 0; i < 3; i++) {
      const svar = await lesAlt(b, 'kvp-generisk')
      t.equal(svar.status, 200)
      t.same(
        status(svar.body.kilder),
        { '0301/DIGISOS': 'UTILGJENGELIG', '0301/FAGSYSTEM': 'OK' },
        `lookup ${i + 1}: Digisos not complete`,
      )
    }
    t.equal(
      await apneBrytere(b, 'kommune'),
      0,
      'three lookups with an unreadable document each: the breaker stays closed',
    )
    b.sim.styring.fjernAlleFeil()
    t.equal(
      status((await lesAlt(b, 'kvp-generisk')).body.kilder)['0301/DIGISOS'],
      'OK',
      'the next lookup reads Oslo as ever',
    )
  },
)

t.test(
  "a municipality's Fiks breaker open never hides its fagsystem: Fiks's list of all gates in its place",
  async (t) => {
    const b = await build(t, { miljo: { BRYTER_FEIL_PA_RAD: '2', BRYTER_APEN_MS: '60000' } })
    b.sim.styring.settFeil({ upstream: 'fiks-dokument' }, { status: 500 })
    for (let i = 0; i < 2; i++)
      t.equal(status((await lesAlt(b, 'kvp-generisk')).body.kilder)['0301/DIGISOS'], 'UTILGJENGELIG')
    t.equal(await apneBrytere(b, 'kommune'), 1, "Oslo's Fiks breaker is open")

    b.sim.styring.nullstillKall()
    const svar = await lesAlt(b, 'kvp-generisk')
    t.same(svar.body.kilder, [
      { kommunenummer: '0301', system: 'DIGISOS', status: 'UTILGJENGELIG', behandlingsansvarlig: 'Oslo kommune' },
      { kommunenummer: '0301', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
    ])
    t.ok(svar.body.kategorier.kvalifiseringsprogram.programmer.length > 0, 'the KVP from the fagsystem is shown')
    const kall = b.sim.styring.kall()
    t.equal(
      kall.perKommune['0301']?.['fiks-dokument'],
      undefined,
      'no document asked of Oslo while its breaker is open',
    )
    t.equal(kall.perKommune['0301']?.['fiks-io'], 1, 'its fagsystem asked')
    t.equal(kall.perUpstream['fiks-kommuner'], 1, 'NKS access confirmed from the list of every municipality')
  },
)
