// Through HTTP on the built service against the simulator: a kode 6 person's place never leaves
// (DESIGN §4), what is older than SAK_MAKS_ALDER_MANEDER is left out from every source, and a
// malformed case or fagsystem item costs only itself and its municipality's completeness.
import t from 'tap'
import type { DatasettPerson } from '../../simulator/dataset.js'
import { build, devSimulator, GRUPPER, type Bygget } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'

async function lesAlt(b: Bygget, tag: string, token?: string) {
  const start = await b.startOppslag(tag, token ? { token } : {})
  if (start.status !== 201) throw new Error(`start ${tag}: ${start.status} ${start.tekst}`)
  const id = start.body.oppslagId as string
  const alt = await b.kall('GET', `${OPPSLAG}/${id}`, token ? { token } : {})
  return { id, alt }
}

/** Every value the simulator holds for the person that places them: municipality numbers, names
 *  and behandlingsansvarlig, NAV offices (number and name), postal codes and places, streets, the
 *  geographic tie, and the free text (titles, payout texts, botype) — and each word of it. */
function stedsverdier(b: Bygget, p: DatasettPerson): string[] {
  const d = b.sim.datasett
  const saker = d.digisosSaker.filter((s) => s.sokerFnr === p.personident)
  const kommuner = new Set([...saker.map((s) => s.kommunenummer), ...Object.keys(p.fagsystem)])
  const verdier = new Set<string>([...kommuner, ...saker.flatMap((s) => (s.enhetsnummer ? [s.enhetsnummer] : []))])
  for (const k of d.kommuner.filter((k) => kommuner.has(k.kommunenummer))) {
    verdier.add(k.navn)
    if (k.kommuneInfo?.behandlingsansvarlig) verdier.add(k.kommuneInfo.behandlingsansvarlig)
  }
  for (const v of [p.geografiskTilknytning.gtKommune, p.geografiskTilknytning.gtBydel]) if (v) verdier.add(v)
  const NOKLER = new Set([
    'kommunenummer',
    'enhetsnummer',
    'navEnhetsnavn',
    'navKontor',
    'postnummer',
    'poststed',
    'gatenavn',
    'adresselinjer',
    'tittel',
    'beskrivelse',
    'botype',
    'dokumenttype',
    'tilleggsinformasjon',
  ])
  const samle = (x: unknown, nokkel: string | null): void => {
    if (typeof x === 'string') {
      if (nokkel !== null && NOKLER.has(nokkel)) verdier.add(x)
    } else if (Array.isArray(x)) x.forEach((y) => samle(y, nokkel))
    else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) samle(v, k)
  }
  // What the upstreams serve about the person (not the dataset's own descriptions, nor the
  // application form's questions).
  samle(
    [
      saker.map((s) => [s.soknad?.dokument.data.personalia, s.soknad?.dokument['mottaker'], s.digisosSoker?.dokument]),
      p.fagsystem,
    ],
    null,
  )
  for (const v of [...verdier])
    for (const ord of v.split(/[\s,]+/)) if (ord.length >= 4 && !/^(kommune|NAV)$/i.test(ord)) verdier.add(ord)
  return [...verdier].filter((v) => v.length >= 4)
}

t.test('kode 6: nothing that places the person below the country leaves, in any answer', async (t) => {
  const b = await build(t)
  const p = b.sim.datasett.personer.find((x) => x.tags.includes('kode6'))!
  const verdier = stedsverdier(b, p)
  // The dataset must give the test something to find: two municipalities, NAV offices, postal
  // places and free text naming places, in Digisos and the fagsystem.
  for (const v of [
    '0301',
    '4601',
    '0315',
    '1203',
    'Oslo',
    'Bergen',
    'Oslo kommune',
    'NAV Bergenhus, Bergen kommune',
    '0557',
    'BERGEN',
    'Sandviken',
    'Tøyen',
    'Hybelhus Tøyen',
    '030105',
  ]) {
    t.ok(verdier.includes(v), `the simulator holds ${v} for the person`)
  }

  const token = await b.token('Z990009', [GRUPPER.nks, GRUPPER.strengtFortrolig])
  const { id, alt } = await lesAlt(b, 'kode6', token)
  t.equal(alt.status, 200)
  const svar = [
    alt,
    ...(await Promise.all(
      ['konto', 'adresse', 'okonomisk-sosialhjelp', 'kvalifiseringsprogram', 'midlertidig-bolig'].map((k) =>
        b.kall('GET', `${OPPSLAG}/${id}/${k}`, { token }),
      ),
    )),
  ]
  for (const s of svar) {
    t.equal(s.status, 200)
    // The lookup's own id and expiry are ours, not the person's: left out of the search.
    const { oppslagId: _id, utloper: _u, ...resten } = s.body
    const tekst = JSON.stringify(resten).toLowerCase()
    const funnet = verdier.filter((v) => tekst.includes(v.toLowerCase()))
    t.same(funnet, [], 'no place value anywhere in the JSON')
  }

  const k = alt.body.kategorier
  t.same(alt.body.tilbakeholdt, { adresser: true, sted: true })
  const tom = (system: string) => ({ kommunenummer: null, system, status: 'OK', behandlingsansvarlig: null })
  t.same(
    alt.body.kilder,
    [tom('DIGISOS'), tom('FAGSYSTEM')],
    'kilder name no municipality: one per system, not per municipality',
  )
  // KS's behandlingsansvarlig names a municipality ("Oslo kommune"): withheld with the rest.
  t.notMatch(alt.tekst, /Oslo kommune|Bergen kommune/, 'nor behandlingsansvarlig')
  // The case facts themselves are shown.
  const soknader = k['okonomisk-sosialhjelp'].soknader
  t.equal(soknader.length, 2)
  t.ok(
    soknader.every(
      (s: { kommunenummer: unknown; navEnhet: unknown }) => s.kommunenummer === null && s.navEnhet === null,
    ),
  )
  t.same(
    soknader.flatMap((s: { saker: { vedtak: { utfall: string }[] }[] }) =>
      s.saker.flatMap((x) => x.vedtak.map((v) => v.utfall)),
    ),
    ['INNVILGET', 'INNVILGET'],
  )
  t.same(
    soknader.flatMap((s: { utbetalinger: { belop: number }[] }) => s.utbetalinger.map((u) => u.belop)).sort(),
    [7450, 9800],
  )
  t.ok(
    k.konto.kontoer.some((x: { kontonummer: string }) => x.kontonummer === '97100011119'),
    'the account is shown',
  )
  t.match(k.kvalifiseringsprogram.programmer, [
    { kommunenummer: null, status: 'AKTIV', stonad: { belopPerManed: 21450 } },
  ])
  t.match(k['midlertidig-bolig'].opphold, [
    { kommunenummer: null, botype: null, status: 'AKTIV', adresse: null, fom: String },
  ])
  t.same(k.adresse.adresser, [])
})

t.test('kode 6: no status names a municipality either (one paused, one down)', async (t) => {
  // Only a handful of municipalities are MIDLERTIDIG_DEAKTIVERT at a time, and which one is down
  // is known: a status per municipality would say where the person has a case.
  const sim = await devSimulator(t, (d) => {
    const bergen = d.kommuner.find((k) => k.kommunenummer === '4601')!
    bergen.kommuneInfo = { ...bergen.kommuneInfo!, harMidlertidigDeaktivertOppdateringer: true }
  })
  const b = await build(t, { simulator: sim })
  const token = await b.token('Z990009', [GRUPPER.nks, GRUPPER.strengtFortrolig])
  const forst = (await lesAlt(b, 'kode6', token)).alt
  t.equal(forst.status, 200)
  t.same(
    forst.body.kilder,
    [
      { kommunenummer: null, system: 'DIGISOS', status: 'UTILGJENGELIG', behandlingsansvarlig: null },
      { kommunenummer: null, system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: null },
    ],
    'the paused municipality makes its system not complete, without saying which',
  )
  t.equal(forst.body.kategorier['okonomisk-sosialhjelp'].soknader.length, 2, 'its data is still shown')
  t.notMatch(forst.tekst, 'MIDLERTIDIG_DEAKTIVERT')

  sim.styring.settFeil({ upstream: 'fiks-io' }, { status: 500 })
  const nede = (await lesAlt(b, 'kode6', token)).alt
  t.same(
    nede.body.kilder.map((k: { system: string; status: string }) => `${k.system} ${k.status}`),
    ['DIGISOS UTILGJENGELIG', 'FAGSYSTEM UTILGJENGELIG'],
  )
  t.equal(nede.body.kilder.length, 2, 'still one per system')
})

t.test('kode 7 (FORTROLIG): addresses withheld, the municipality and NAV office shown', async (t) => {
  const b = await build(t)
  const token = await b.token('Z990009', [GRUPPER.nks, GRUPPER.fortrolig])
  const { alt } = await lesAlt(b, 'kode7-midlertidig-bolig', token)
  t.equal(alt.status, 200)
  t.same(alt.body.tilbakeholdt, { adresser: true, sted: false })
  t.same(
    alt.body.kilder,
    [
      { kommunenummer: '0301', system: 'DIGISOS', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
      { kommunenummer: '0301', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
    ],
    'the municipality and its behandlingsansvarlig shown',
  )
  const k = alt.body.kategorier
  t.match(k['okonomisk-sosialhjelp'].soknader, [
    { kommunenummer: '0301', navEnhet: '0315', saker: [{ tittel: 'Livsopphold' }] },
  ])
  t.match(k['midlertidig-bolig'].opphold, [{ kommunenummer: '0301', botype: 'Hybelhus', adresse: null }])
  t.notMatch(alt.tekst, 'Midlertidig vei', "the stay's address is not")
  t.same(k.adresse.adresser, [])
})

t.test('older than SAK_MAKS_ALDER_MANEDER is left out from every source, item by item', async (t) => {
  const b = await build(t)
  const { alt } = await lesAlt(b, 'gamle-elementer')
  t.equal(alt.status, 200)
  t.same(alt.body.kilder, [
    { kommunenummer: '0301', system: 'DIGISOS', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
    { kommunenummer: '0301', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
  ])
  const k = alt.body.kategorier
  const [soknad] = k['okonomisk-sosialhjelp'].soknader
  t.same(
    soknad.utbetalinger.map((u: { referanse: string }) => u.referanse),
    ['utb-ny'],
    'a ~20-month-old payout of a recent case is gone',
  )
  t.same(
    soknad.saker.map((s: { tittel: string }) => s.tittel),
    ['Livsopphold'],
    'the case itself is shown',
  )
  t.same(
    k.kvalifiseringsprogram.programmer.map((p: { status: string }) => p.status),
    ['AKTIV'],
    'the programme ended ~17 months ago is gone',
  )
  t.same(
    k.kvalifiseringsprogram.programmer[0].stonad.utbetalinger.map((u: { belop: number }) => u.belop),
    [21000],
  )
  t.equal(k.kvalifiseringsprogram.programmer[0].stonad.utbetalinger.length, 1, 'its ~20-month-old payout is gone')
  t.same(
    k['midlertidig-bolig'].opphold.map((o: { botype: string }) => o.botype),
    ['Hybelhus'],
    'the old stay is gone',
  )

  // The limit is the configuration's: with 30 months, all of it is shown.
  const lang = await build(t, { miljo: { SAK_MAKS_ALDER_MANEDER: '30' } })
  const alle = (await lesAlt(lang, 'gamle-elementer')).alt.body.kategorier
  t.equal(alle['okonomisk-sosialhjelp'].soknader[0].utbetalinger.length, 2)
  t.equal(alle.kvalifiseringsprogram.programmer.length, 2)
  t.equal(alle['midlertidig-bolig'].opphold.length, 2)
})

t.test('a malformed case or fagsystem item: left out, its municipality UTILGJENGELIG, never a 500', async (t) => {
  const b = await build(t)
  const d = b.sim.datasett
  const ider = (tag: string) => d.digisosSaker.find((s) => s.tags.includes(tag))!.fiksDigisosId
  const start = await b.startOppslag('ugyldig-sak')
  const id = start.body.oppslagId as string
  for (const sti of [
    `${OPPSLAG}/${id}`,
    `${OPPSLAG}/${id}/okonomisk-sosialhjelp`,
    `${OPPSLAG}/${id}/kvalifiseringsprogram`,
  ]) {
    const svar = await b.kall('GET', sti)
    t.equal(svar.status, 200, sti)
    t.same(
      svar.body.kilder.map(
        (k: { kommunenummer: string; system: string; status: string }) => `${k.kommunenummer}/${k.system} ${k.status}`,
      ),
      ['0301/DIGISOS UTILGJENGELIG', '0301/FAGSYSTEM UTILGJENGELIG', '4601/DIGISOS OK', '4601/FAGSYSTEM OK'],
      'Oslo is not complete (a malformed case, a malformed fagsystem item); Bergen is',
    )
    t.notMatch(svar.tekst, /forrige uke|stack|Error/, 'the malformed item and nothing of the fault is shown')
  }
  const alt = (await b.kall('GET', `${OPPSLAG}/${id}`)).body.kategorier
  t.same(
    alt['okonomisk-sosialhjelp'].soknader.map((s: { fiksDigisosId: string }) => s.fiksDigisosId).sort(),
    [ider('sak-oslo-lesbar'), ider('sak-bergen-lesbar')].sort(),
    "the other case in the same municipality and the other municipality's are shown",
  )
  t.same(alt.kvalifiseringsprogram.programmer, [], 'the KVP with a free-text sistEndret is left out')
  t.equal(alt['midlertidig-bolig'].opphold.length, 1, 'the valid stay from the same fagsystem is shown')
  t.ok(alt.konto.kontoer.some((k: { kontonummer: string }) => k.kontonummer === '97100012026'))
})

t.test('a fagsystem with nothing recent shows no undated account or address either', async (t) => {
  // Every fagsystem item ~17–21 months old and no Digisos case: the account and address the
  // fagsystem holds carry no date, so only something recent beside them says they are current.
  const sim = await devSimulator(t, (d) => {
    const p = d.personer.find((x) => x.tags.includes('gamle-elementer'))!
    d.digisosSaker = d.digisosSaker.filter((s) => s.sokerFnr !== p.personident)
    const fag = (p.fagsystem as Record<string, Record<string, unknown>>)['0301']!
    fag['adresse'] = { adresselinjer: ['Gammelveien 1'], postnummer: '0001', poststed: 'OSLO' }
    fag['kvalifiseringsprogram'] = (fag['kvalifiseringsprogram'] as unknown[]).slice(0, 1) // ended ~17 months ago
    fag['midlertidigBolig'] = (fag['midlertidigBolig'] as unknown[]).slice(0, 1) // ended ~21 months ago
  })
  const b = await build(t, { simulator: sim })
  const { alt } = await lesAlt(b, 'gamle-elementer')
  t.equal(alt.status, 200)
  const k = alt.body.kategorier
  t.same(k.kvalifiseringsprogram.programmer, [], 'the old KVP is left out')
  t.same(k['midlertidig-bolig'].opphold, [], 'the old stay is left out')
  t.same(k.konto.kontoer, [], 'no undated account from it')
  t.same(k.adresse.adresser, [], 'no undated address from it')

  // The same fagsystem beside a recent item: its account is shown (the rule is not "never").
  const standardBygg = await build(t)
  const fagKonto = (
    standardBygg.sim.datasett.personer.find((x) => x.tags.includes('gamle-elementer'))!.fagsystem as Record<
      string,
      { kontonummer: string }
    >
  )['0301']!.kontonummer
  const { alt: standard } = await lesAlt(standardBygg, 'gamle-elementer')
  t.ok(
    standard.body.kategorier.konto.kontoer.some((x: { kontonummer: string }) => x.kontonummer === fagKonto),
    'with something recent, the account is shown',
  )
})
