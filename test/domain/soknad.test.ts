import t from 'tap'
import fc from 'fast-check'
import { z } from 'zod'
import { adresserFraSoknad, kontoerFraSoknad, kontoerFraUtbetalinger } from '../../src/domain/soknad.js'
import { foldDigisosSak } from '../../src/domain/digisos/fold.js'
import { Adresse, Konto, type Opphav, type Utbetaling } from '../../src/domain/model.js'
import { KONTO, erGyldigKontonummer, lagDigisosSak, lesFixture } from './hjelpere.js'

const opphav: Opphav = {
  kommunenummer: '0301',
  system: 'DIGISOS',
  fiksDigisosId: '3f1c2b7a-0000-4000-8000-000000000001',
}

const kontoer = (json: unknown, sendt?: string | null) => z.array(Konto).parse(kontoerFraSoknad(json, opphav, sendt))
const adresser = (json: unknown) => z.array(Adresse).parse(adresserFraSoknad(json, opphav))

/** A copy of a fixture with one personalia field replaced. */
function medPersonalia(navn: string, felt: string, verdi: unknown): unknown {
  const json = lesFixture(navn) as { data: { personalia: Record<string, unknown> } }
  if (verdi === undefined) delete json.data.personalia[felt]
  else json.data.personalia[felt] = verdi
  return json
}

t.test('the fixtures use synthetic, mod-11 valid account numbers', async (t) => {
  for (const [navn, nr] of Object.entries(KONTO)) t.ok(erGyldigKontonummer(nr), navn)
  t.notOk(erGyldigKontonummer('97100500129'), 'the check itself can fail')
})

t.test('kontonummer from soknad.json, kilde SOKNAD', async (t) => {
  t.same(kontoer(lesFixture('soknad-full.json')), [
    { kontonummer: KONTO.soknad, kilde: 'SOKNAD', sistBrukt: '2024-02-29T09:15:00.000Z', opphav },
  ])
  t.match(
    kontoer(lesFixture('soknad-full.json'), '2024-03-01T00:00:00.000Z'),
    [{ sistBrukt: '2024-03-01T00:00:00.000Z' }],
    'sendt goes first',
  )
})

t.test('no konto when there is none to show', async (t) => {
  t.same(kontoer(lesFixture('soknad-uten-konto.json')), [], 'harIkkeKonto')
  t.same(
    kontoer(medPersonalia('soknad-full.json', 'kontonummer', { kilde: 'utdatert', verdi: KONTO.soknad })),
    [],
    'kilde utdatert may not be shown',
  )
  t.same(kontoer(medPersonalia('soknad-full.json', 'kontonummer', { kilde: 'bruker' })), [], 'no verdi')
  t.same(
    kontoer(medPersonalia('soknad-full.json', 'kontonummer', { kilde: 'bruker', verdi: '1234' })),
    [],
    'not 11 digits',
  )
  t.same(kontoer(medPersonalia('soknad-full.json', 'kontonummer', undefined)), [], 'missing')
})

t.test('an account number written with spaces or dots is normalised', async (t) => {
  const json = medPersonalia('soknad-full.json', 'kontonummer', { kilde: 'bruker', verdi: '1203 20 34568' })
  t.match(kontoer(json), [{ kontonummer: KONTO.soknad }])
})

t.test('addresses: folkeregistrert, opphold and post, formatted', async (t) => {
  t.same(adresser(lesFixture('soknad-full.json')), [
    {
      type: 'FOLKEREGISTRERT',
      adresselinjer: ['c/o Syntetisk Verge', 'Testveien 12B, H0201'],
      postnummer: '0557',
      poststed: 'OSLO',
      opphav,
    },
    {
      type: 'OPPHOLD',
      adresselinjer: ['Gnr. 45, bnr. 7, fnr. 2', 'Kommunenr. 3401'],
      postnummer: null,
      poststed: null,
      opphav,
    },
    { type: 'POST', adresselinjer: ['Postboks 1234'], postnummer: '0102', poststed: 'OSLO', opphav },
  ])
})

t.test('ustrukturert addresses keep their lines; utdatert ones are not shown', async (t) => {
  t.same(adresser(lesFixture('soknad-uten-konto.json')), [
    {
      type: 'FOLKEREGISTRERT',
      adresselinjer: ['Syntetisk gate 1', '9999 Testby'],
      postnummer: null,
      poststed: null,
      opphav,
    },
  ])
})

t.test('gateadresse details: foreign country, no house number', async (t) => {
  const json = medPersonalia('soknad-full.json', 'folkeregistrertAdresse', {
    kilde: 'bruker',
    type: 'gateadresse',
    landkode: 'SWE',
    gatenavn: '  Storgatan  ',
    postnummer: '11122',
    poststed: 'Stockholm',
  })
  t.match(adresser(json)[0], { type: 'FOLKEREGISTRERT', adresselinjer: ['Storgatan', 'SWE'], postnummer: '11122' })
  const postboksMedTekst = medPersonalia('soknad-full.json', 'postadresse', {
    kilde: 'system',
    type: 'postboks',
    postboks: 'Postboks 5 Sentrum',
  })
  t.match(adresser(postboksMedTekst).at(-1), { type: 'POST', adresselinjer: ['Postboks 5 Sentrum'], postnummer: null })
  const tom = medPersonalia('soknad-full.json', 'postadresse', { kilde: 'system', type: 'ustrukturert', adresse: [] })
  t.notOk(
    adresser(tom).some((a) => a.type === 'POST'),
    'an empty address is left out',
  )
})

t.test('a malformed soknad.json gives nothing and never throws', async (t) => {
  const ugyldig = lesFixture('soknad-ugyldig.json')
  t.same(kontoer(ugyldig), [])
  t.same(adresser(ugyldig), [])
  for (const x of [null, undefined, 'tekst', 42, [], {}, { data: {} }, { data: { personalia: null } }]) {
    t.same(kontoer(x), [])
    t.same(adresser(x), [])
  }
})

t.test('parts are judged one by one: broken addresses do not cost the account', async (t) => {
  const json = lesFixture('soknad-delvis-ugyldig.json')
  t.match(kontoer(json), [{ kontonummer: KONTO.soknad, kilde: 'SOKNAD' }])
  t.same(adresser(json), [], 'an unknown type, a number and a postboks without kilde are all skipped')
})

t.test('property: any JSON never throws and gives valid model objects', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (json) => {
      kontoer(json)
      adresser(json)
      return true
    }),
    { numRuns: 200 },
  )
  // Arbitrary personalia inside a valid envelope reach the part parsers.
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.constantFrom('kontonummer', 'folkeregistrertAdresse', 'oppholdsadresse', 'postadresse'),
        fc.jsonValue(),
      ),
      (personalia) => {
        const json = { data: { personalia } }
        kontoer(json)
        adresser(json)
        return true
      },
    ),
    { numRuns: 200 },
  )
  t.pass('held')
})

const utbetaling = (u: Partial<Utbetaling>): Utbetaling => ({
  referanse: 'u',
  saksreferanse: null,
  belop: 100,
  beskrivelse: null,
  status: 'UTBETALT',
  forfallsdato: null,
  utbetalingsdato: null,
  fom: null,
  tom: null,
  tilAnnenMottaker: false,
  kontonummer: null,
  ...u,
})

t.test('kontoer from folded payouts: own accounts only, latest date, newest first', async (t) => {
  const { soknad } = foldDigisosSak(lagDigisosSak(), lesFixture('soker-utbetalinger.json'))
  const resultat = z.array(Konto).parse(kontoerFraUtbetalinger(soknad.utbetalinger, opphav))
  t.same(resultat, [
    { kontonummer: KONTO.egen1, kilde: 'UTBETALING', sistBrukt: '2024-07-05', opphav },
    { kontonummer: KONTO.egen2, kilde: 'UTBETALING', sistBrukt: '2024-06-02', opphav },
  ])
})

t.test('kontoer from payouts: the rules one by one', async (t) => {
  t.same(kontoerFraUtbetalinger([], opphav), [])
  t.same(
    kontoerFraUtbetalinger([utbetaling({ tilAnnenMottaker: true, kontonummer: KONTO.annenMottaker })], opphav),
    [],
    'paid to someone else: never the person’s account, even if a kontonummer slipped through',
  )
  t.same(
    kontoerFraUtbetalinger([utbetaling({ kontonummer: null, utbetalingsdato: '2024-01-01' })], opphav),
    [],
    'no account',
  )
  const r = kontoerFraUtbetalinger(
    [
      utbetaling({ referanse: 'a', kontonummer: KONTO.egen1, utbetalingsdato: '2024-03-01' }),
      utbetaling({ referanse: 'b', kontonummer: KONTO.egen1, forfallsdato: '2024-05-01' }),
      utbetaling({ referanse: 'c', kontonummer: KONTO.egen1, utbetalingsdato: '2024-04-01' }),
      utbetaling({ referanse: 'd', kontonummer: KONTO.egen2 }),
    ],
    opphav,
  )
  t.same(
    r.map((k) => [k.kontonummer, k.sistBrukt]),
    [
      [KONTO.egen1, '2024-05-01'],
      [KONTO.egen2, null],
    ],
    'one entry per account with its latest date (forfallsdato when not yet paid); undated last',
  )
  const udatertForst = kontoerFraUtbetalinger(
    [utbetaling({ kontonummer: KONTO.egen1 }), utbetaling({ kontonummer: KONTO.egen1, utbetalingsdato: '2024-02-02' })],
    opphav,
  )
  t.same(
    udatertForst.map((k) => k.sistBrukt),
    ['2024-02-02'],
    'a known date beats none',
  )
})

t.test('soknad.json is attributed only to the person it names', async (t) => {
  const { soknadGjelder } = await import('../../src/domain/soknad.js')
  const { PERSON, ANNEN_PERSON } = await import('./hjelpere.js')
  const med = (verdi: unknown) => ({ data: { personalia: { personIdentifikator: { verdi } } } })
  t.equal(soknadGjelder(med(PERSON), PERSON), true)
  t.equal(soknadGjelder(med(ANNEN_PERSON), PERSON), false, 'someone else')
  t.equal(soknadGjelder({ data: { personalia: {} } }, PERSON), false, 'no one named: not attributed')
  t.equal(soknadGjelder(null, PERSON), false)
  t.equal(soknadGjelder(med(12), PERSON), false)
})

t.test('fraSoknad: account and addresses from one parse, only when the document names the person', async (t) => {
  const { fraSoknad } = await import('../../src/domain/soknad.js')
  const { PERSON, ANNEN_PERSON } = await import('./hjelpere.js')
  const dokument = (verdi: string) => ({
    innsendingstidspunkt: '2026-01-02T10:00:00.000Z',
    data: {
      personalia: {
        personIdentifikator: { verdi },
        kontonummer: { kilde: 'bruker', verdi: KONTO.egen1 },
        oppholdsadresse: {
          kilde: 'bruker',
          type: 'gateadresse',
          gatenavn: 'Testveien',
          husnummer: '1',
          postnummer: '0557',
          poststed: 'OSLO',
        },
      },
    },
  })
  const egen = fraSoknad(dokument(PERSON), PERSON, opphav)
  t.same(
    egen.kontoer.map((k) => k.kontonummer),
    [KONTO.egen1],
  )
  t.equal(egen.adresser.length, 1)
  t.same(fraSoknad(dokument(ANNEN_PERSON), PERSON, opphav), { kontoer: [], adresser: [] }, 'someone else: nothing')
  t.same(fraSoknad(null, PERSON, opphav), { kontoer: [], adresser: [] })
})

// soknad.json's innsendingstidspunkt as NAV's soknad-api has written it over the years, not only as
// the format's tidspunkt.json pattern says (UTC, "…Z"): navikt/sosialhjelp-soknad-api wrote it with
// `innsendingstidspunkt?.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)` (JsonInternalSoknadMappers:
// a LocalDateTime, Norwegian local time, no offset) and as `innsendingstidspunkt.toString()`
// (LocalDateTime.toString leaves out zero seconds), and as `OffsetDateTime.now(UTC).toString()`
// (nanosecond fraction); its TimestampFixer exists because such values reached Fiks. Each is the
// time the application was sent and is shown as one UTC instant.
t.test('innsendingstidspunkt as soknad-api wrote it: with or without offset, seconds or fraction', async (t) => {
  const medTid = (tid: unknown) => ({ ...(lesFixture('soknad-full.json') as object), innsendingstidspunkt: tid })
  const sistBrukt = (tid: unknown) => kontoer(medTid(tid))[0]?.sistBrukt
  t.equal(sistBrukt('2024-02-29T09:15:00.000Z'), '2024-02-29T09:15:00.000Z', "the format's own shape")
  t.equal(sistBrukt('2024-02-29T10:15:00'), '2024-02-29T09:15:00.000Z', 'ISO_LOCAL_DATE_TIME, winter: Oslo is UTC+1')
  t.equal(
    sistBrukt('2024-07-01T10:15:00.123'),
    '2024-07-01T08:15:00.123Z',
    'ISO_LOCAL_DATE_TIME, summer: Oslo is UTC+2',
  )
  t.equal(sistBrukt('2024-02-29T10:15'), '2024-02-29T09:15:00.000Z', 'LocalDateTime.toString without seconds')
  t.equal(
    sistBrukt('2024-09-05T21:34:37.123456789Z'),
    '2024-09-05T21:34:37.123Z',
    'OffsetDateTime.toString, nanoseconds',
  )
  t.equal(sistBrukt('2024-09-05T21:34Z'), '2024-09-05T21:34:00.000Z', 'OffsetDateTime.toString without seconds')
  t.equal(
    sistBrukt('2024-09-05T23:34:37+02:00'),
    '2024-09-05T21:34:37.000Z',
    'an offset is kept to, and the time shown in UTC',
  )
  t.equal(sistBrukt('2024-03-31T02:30:00'), null, 'a local time Oslo skips (the spring change) is no time')
  t.equal(sistBrukt('2024-02-30T10:15:00'), null, 'no such day')
  t.equal(sistBrukt('i går'), null, 'not a time')
  t.equal(sistBrukt(1709198100000), null, 'not a string')
  t.equal(
    kontoer(medTid('2024-02-29T10:15:00'), '2024-03-01T00:00:00.000Z')[0]?.sistBrukt,
    '2024-03-01T00:00:00.000Z',
    'sendt still goes first',
  )
})
