import tap from 'tap'
import fc from 'fast-check'
import { erForGammel, foldDigisosSak, tilhorerPerson } from '../../../src/domain/digisos/fold.js'
import { KJENTE_TYPER } from '../../../src/domain/digisos/hendelser.js'
import { Soknad } from '../../../src/domain/model.js'
import { ANNEN_PERSON, KONTO, PERSON, lagDigisosSak, lesFixture } from '../hjelpere.js'

type Dok = { version: string; avsender: unknown; hendelser: unknown[] }
const dok = (hendelser: unknown[]): Dok => ({
  version: '1.0.0',
  avsender: { systemnavn: 'Testsystem', systemversjon: '1.0.0' },
  hendelser,
})
const tid = (s: string) => `2024-${s}.000Z`

/** Folds and checks the output against the canonical model every time. */
function fold(t: Pick<typeof tap, 'ok'>, digisosSoker: unknown, sak = lagDigisosSak(), soknadJson?: unknown) {
  const r = foldDigisosSak(sak, digisosSoker, soknadJson)
  const parsed = Soknad.safeParse(r.soknad)
  t.ok(parsed.success, 'output matches the model schema', { issues: parsed.error?.issues })
  return r
}

tap.test('a full case: every known event type, applied in order', async (t) => {
  const { soknad, statistikk } = fold(t, lesFixture('soker-full-forlop.json'))
  t.same(soknad, {
    fiksDigisosId: '3f1c2b7a-0000-4000-8000-000000000001',
    kommunenummer: '0301',
    kommunenavn: null,
    navEnhet: '0315',
    navEnhetNavn: null,
    sendt: '2024-02-29T09:15:00.000Z',
    papirsoknad: false,
    status: 'FERDIGBEHANDLET',
    sistEndret: '2024-03-20T10:00:00.000Z',
    saker: [
      {
        referanse: 'sak-1',
        tittel: 'Livsopphold',
        status: 'UNDER_BEHANDLING',
        vedtak: [{ utfall: 'INNVILGET', dato: '2024-03-10T12:00:00.000Z' }],
      },
      { referanse: 'sak-2', tittel: 'Strøm', status: 'BEHANDLES_IKKE', vedtak: [] },
    ],
    utbetalinger: [
      {
        referanse: 'utb-1',
        saksreferanse: 'sak-1',
        belop: 5000,
        beskrivelse: 'Livsopphold',
        status: 'UTBETALT',
        forfallsdato: '2024-03-15',
        utbetalingsdato: '2024-03-15',
        fom: '2024-03-01',
        tom: '2024-03-31',
        tilAnnenMottaker: false,
        kontonummer: KONTO.egen1,
      },
    ],
    vilkar: [
      {
        referanse: 'vilkar-1',
        saksreferanse: 'sak-1',
        tittel: 'Møte på kurs',
        status: 'RELEVANT',
        utbetalingsreferanser: [],
        sistEndret: '2024-03-04T09:01:00.000Z',
      },
    ],
    dokumentasjonkrav: [
      {
        referanse: 'krav-1',
        saksreferanse: 'sak-1',
        tittel: 'Husleiekontrakt',
        status: 'RELEVANT',
        frist: null,
        utbetalingsreferanser: [],
        sistEndret: '2024-03-04T09:00:00.000Z',
      },
    ],
    dokumentasjonEtterspurt: true,
    etterspurtDokumentasjon: [
      {
        dokumenttype: 'kontoutskrift',
        tilleggsinformasjon: 'Siste tre måneder',
        innsendelsesfrist: '2024-03-09T23:59:00.000Z',
      },
    ],
    forelopigSvar: true,
    forelopigSvarDato: '2024-03-03T09:00:00.000Z',
  })
  t.same(statistikk, { hendelser: 14, anvendt: 14, ukjentType: 0, ugyldige: 0, dokumentUgyldig: false })
})

tap.test('soknadsStatus: SENDT until the first status event', async (t) => {
  t.equal(fold(t, null).soknad.status, 'SENDT', 'no document yet')
  t.equal(fold(t, undefined).soknad.status, 'SENDT', 'no document passed')
  const utenStatus = dok([
    { type: 'saksStatus', hendelsestidspunkt: tid('01-01T10:00:00'), referanse: 's', status: 'UNDER_BEHANDLING' },
  ])
  t.equal(fold(t, utenStatus).soknad.status, 'SENDT', 'events, but no soknadsStatus')
  t.equal(fold(t, lesFixture('soker-kun-mottatt.json')).soknad.status, 'MOTTATT')
})

tap.test('events are applied in hendelsestidspunkt order, not document order', async (t) => {
  const { soknad } = fold(t, lesFixture('soker-usortert.json'))
  t.equal(soknad.status, 'FERDIGBEHANDLET', 'the latest status wins although it is written first')
  t.same(soknad.saker, [
    {
      referanse: 'sak-n',
      // The later saksStatus carries no tittel: the title it had is kept.
      tittel: 'Nødhjelp',
      status: 'IKKE_INNSYN',
      vedtak: [
        { utfall: 'AVSLATT', dato: '2024-04-01T15:00:00.000Z' },
        { utfall: 'DELVIS_INNVILGET', dato: '2024-04-02T12:00:00.000Z' },
      ],
    },
  ])
})

tap.test('ties in hendelsestidspunkt keep document order (stable)', async (t) => {
  t.equal(
    fold(t, lesFixture('soker-usortert.json')).soknad.navEnhet,
    '0312',
    'fixture: the later-written of two ties wins',
  )
  const a = { type: 'soknadsStatus', hendelsestidspunkt: tid('01-01T10:00:00'), status: 'MOTTATT' }
  const b = { type: 'soknadsStatus', hendelsestidspunkt: tid('01-01T10:00:00'), status: 'UNDER_BEHANDLING' }
  t.equal(fold(t, dok([a, b])).soknad.status, 'UNDER_BEHANDLING')
  t.equal(fold(t, dok([b, a])).soknad.status, 'MOTTATT')
  // The same instant written with and without milliseconds is still a tie.
  const c = { ...a, hendelsestidspunkt: '2024-01-01T10:00:00Z' }
  t.equal(fold(t, dok([b, c])).soknad.status, 'MOTTATT')
})

tap.test('the fold does not depend on document order when times are distinct', async (t) => {
  const full = lesFixture('soker-full-forlop.json') as Dok
  const forventet = foldDigisosSak(lagDigisosSak(), full).soknad
  fc.assert(
    fc.property(fc.shuffledSubarray(full.hendelser, { minLength: full.hendelser.length }), (hendelser) => {
      const r = foldDigisosSak(lagDigisosSak(), { ...full, hendelser }).soknad
      t.same(r, forventet)
      return JSON.stringify(r) === JSON.stringify(forventet)
    }),
    { numRuns: 50 },
  )
})

tap.test('unknown event types are skipped and counted, not fatal', async (t) => {
  const { soknad, statistikk } = fold(t, lesFixture('soker-ukjent-hendelsestype.json'))
  t.equal(soknad.status, 'UNDER_BEHANDLING', 'the known events around them still apply')
  t.same(statistikk, { hendelser: 4, anvendt: 2, ukjentType: 2, ugyldige: 0, dokumentUgyldig: false })
})

tap.test('malformed events of known types are skipped and counted', async (t) => {
  const { soknad, statistikk } = fold(t, lesFixture('soker-ugyldige-hendelser.json'))
  t.equal(soknad.status, 'MOTTATT', 'PAUSET, a missing and an unreadable time are all skipped')
  t.equal(soknad.navEnhet, null, 'a navKontor that is not four digits is skipped')
  t.same(soknad.saker, [
    { referanse: 'sak-g', tittel: 'Gyldig sak', status: 'UNDER_BEHANDLING', vedtak: [] },
    // As modia does (navikt/sosialhjelp-modia-api VedtakFattet.kt): no saksreferanse, the default sak.
    {
      referanse: 'default',
      tittel: null,
      status: null,
      vedtak: [{ utfall: 'INNVILGET', dato: '2024-10-02T13:00:00.000Z' }],
    },
  ])
  t.same(
    soknad.utbetalinger.map((u) => u.referanse),
    ['utb-ok'],
    'payouts without a reference, with a text amount or a foreign date format are skipped; one with a dotted account but no date is not shown',
  )
  t.equal(soknad.dokumentasjonEtterspurt, false, 'dokumentasjonEtterspurt without dokumenter is skipped')
  t.same(statistikk, { hendelser: 18, anvendt: 5, ukjentType: 0, ugyldige: 13, dokumentUgyldig: false })
})

tap.test('the statistics hold counts only, no content', async (t) => {
  const { statistikk } = fold(t, lesFixture('soker-ugyldige-hendelser.json'))
  for (const [k, v] of Object.entries(statistikk)) {
    t.ok(typeof v === 'number' || typeof v === 'boolean', `${k} is a count or a flag`)
  }
  const tekst = JSON.stringify(statistikk)
  t.notMatch(tekst, /\d{11}/, 'no ident or account number')
  t.notMatch(tekst, /sak-|utb-|PAUSET/, 'no references or values')
})

tap.test('a document that is not an event log: no events, no throw', async (t) => {
  for (const ugyldig of [{ hendelser: 'mange' }, { version: '1.0.0' }, 'tekst', 42, [], true]) {
    const { soknad, statistikk } = fold(t, ugyldig)
    t.equal(soknad.status, 'SENDT')
    t.equal(statistikk.dokumentUgyldig, true)
  }
  t.equal(fold(t, null).statistikk.dokumentUgyldig, false, 'no document yet is normal, not invalid')
})

tap.test('tildeltNavKontor sets navEnhet; before it, the metadata or soknad.json names the office', async (t) => {
  const tildelt = dok([{ type: 'tildeltNavKontor', hendelsestidspunkt: tid('01-02T10:00:00'), navKontor: '0314' }])
  const soknadJson = lesFixture('soknad-full.json')
  t.equal(fold(t, null).soknad.navEnhet, null)
  t.equal(fold(t, null, lagDigisosSak(), soknadJson).soknad.navEnhet, '0315', 'from soknad.json mottaker')
  const medTillegg = lagDigisosSak({ tilleggsinformasjon: { enhetsnummer: '0316' } })
  t.equal(fold(t, null, medTillegg, soknadJson).soknad.navEnhet, '0316', 'tilleggsinformasjon goes first')
  t.equal(fold(t, tildelt, medTillegg, soknadJson).soknad.navEnhet, '0314', 'the event overrides both')
  t.equal(fold(t, null, lagDigisosSak(), { mottaker: 'x' }).soknad.navEnhet, null, 'a broken soknad.json is ignored')
})

tap.test('saksStatus FEILREGISTRERT hides the sak with its vedtak and payouts', async (t) => {
  const { soknad } = fold(t, lesFixture('soker-feilregistrert.json'))
  t.same(
    soknad.saker.map((s) => s.referanse),
    ['sak-ok'],
  )
  t.same(soknad.saker[0]?.vedtak, [{ utfall: 'AVSLATT', dato: '2024-05-06T10:00:00.000Z' }])
  t.same(
    soknad.utbetalinger.map((u) => u.referanse),
    ['utb-ok'],
  )
  const tekst = JSON.stringify(soknad)
  t.notOk(tekst.includes('sak-feil'), 'nothing refers to the hidden sak')
  t.notOk(tekst.includes(KONTO.egen2), 'the hidden payout’s account is gone too')
  t.notOk(tekst.includes('Registrert på feil person'))
})

tap.test('a sak is in the state its latest saksStatus says', async (t) => {
  const gjenopprettet = dok([
    {
      type: 'saksStatus',
      hendelsestidspunkt: tid('01-01T10:00:00'),
      referanse: 's',
      tittel: 'A',
      status: 'FEILREGISTRERT',
    },
    { type: 'saksStatus', hendelsestidspunkt: tid('01-02T10:00:00'), referanse: 's', status: 'UNDER_BEHANDLING' },
  ])
  t.same(fold(t, gjenopprettet).soknad.saker, [{ referanse: 's', tittel: 'A', status: 'UNDER_BEHANDLING', vedtak: [] }])
  const nyTittel = dok([
    { type: 'saksStatus', hendelsestidspunkt: tid('01-01T10:00:00'), referanse: 's', tittel: 'A' },
    { type: 'saksStatus', hendelsestidspunkt: tid('01-02T10:00:00'), referanse: 's', tittel: 'B' },
  ])
  t.same(fold(t, nyTittel).soknad.saker, [{ referanse: 's', tittel: 'B', status: null, vedtak: [] }])
})

tap.test('vedtakFattet without an earlier saksStatus creates the sak', async (t) => {
  const { soknad } = fold(t, lesFixture('soker-vedtak-uten-saksstatus.json'))
  t.same(soknad.saker, [
    {
      referanse: 'sak-v',
      tittel: null,
      status: null,
      vedtak: [{ utfall: 'AVVIST', dato: '2024-07-02T10:00:00.000Z' }],
    },
    { referanse: 'sak-w', tittel: null, status: null, vedtak: [{ utfall: null, dato: '2024-07-03T10:00:00.000Z' }] },
  ])
  // A later saksStatus fills in the sak the vedtak created.
  const senere = dok([
    { type: 'vedtakFattet', hendelsestidspunkt: tid('01-01T10:00:00'), saksreferanse: 's', utfall: 'INNVILGET' },
    {
      type: 'saksStatus',
      hendelsestidspunkt: tid('01-02T10:00:00'),
      referanse: 's',
      tittel: 'T',
      status: 'UNDER_BEHANDLING',
    },
  ])
  t.same(fold(t, senere).soknad.saker, [
    {
      referanse: 's',
      tittel: 'T',
      status: 'UNDER_BEHANDLING',
      vedtak: [{ utfall: 'INNVILGET', dato: '2024-01-01T10:00:00.000Z' }],
    },
  ])
})

tap.test('utbetaling: keyed by reference, the later event replaces the earlier', async (t) => {
  const { soknad } = fold(t, lesFixture('soker-utbetalinger.json'))
  const perRef = new Map(soknad.utbetalinger.map((u) => [u.referanse, u]))
  t.same([...perRef.keys()], ['utb-1', 'utb-3', 'utb-4', 'utb-6', 'utb-2'], 'in the order each first appeared in time')
  t.match(perRef.get('utb-1'), { status: 'UTBETALT', utbetalingsdato: '2024-06-05', kontonummer: KONTO.egen1 })
  // Replaced, not merged: the re-issued utb-6 has no account from before and the new date.
  t.same(perRef.get('utb-6'), {
    referanse: 'utb-6',
    saksreferanse: 'sak-u',
    belop: 700,
    beskrivelse: null,
    status: 'STOPPET',
    forfallsdato: '2024-06-20',
    utbetalingsdato: null,
    fom: null,
    tom: null,
    tilAnnenMottaker: false,
    kontonummer: null,
  })
  const erstattet = dok([
    {
      type: 'utbetaling',
      hendelsestidspunkt: tid('01-01T10:00:00'),
      utbetalingsreferanse: 'u',
      belop: 1,
      beskrivelse: 'Strøm',
      forfallsdato: '2024-01-10',
    },
    {
      type: 'utbetaling',
      hendelsestidspunkt: tid('01-02T10:00:00'),
      utbetalingsreferanse: 'u',
      belop: 2,
      forfallsdato: '2024-01-10',
    },
  ])
  t.match(fold(t, erstattet).soknad.utbetalinger, [{ belop: 2, beskrivelse: null }], 'fields left out later are gone')
})

tap.test('ANNULLERT payouts are hidden, with their account', async (t) => {
  const { soknad } = fold(t, lesFixture('soker-utbetalinger.json'))
  t.notOk(
    soknad.utbetalinger.some((u) => u.referanse === 'utb-5'),
    'paid then annulled',
  )
  t.notOk(JSON.stringify(soknad).includes(KONTO.annullert))
})

tap.test('annenMottaker: marked, and the account is never shown as the person’s', async (t) => {
  const { soknad } = fold(t, lesFixture('soker-utbetalinger.json'))
  const husleie = soknad.utbetalinger.find((u) => u.referanse === 'utb-4')
  t.match(husleie, { tilAnnenMottaker: true, kontonummer: null, belop: 9000 })
  t.notOk(JSON.stringify(soknad).includes(KONTO.annenMottaker))
  t.notOk(JSON.stringify(soknad).includes('Utleiebolig AS'), 'mottaker is never carried')
  t.ok(soknad.utbetalinger.filter((u) => u.referanse !== 'utb-4').every((u) => !u.tilAnnenMottaker))
})

tap.test('dokumentasjonEtterspurt and forelopigSvar set their flags', async (t) => {
  const base = fold(t, lesFixture('soker-kun-mottatt.json')).soknad
  t.equal(base.dokumentasjonEtterspurt, false)
  t.equal(base.forelopigSvar, false)
  const etterspurt = {
    type: 'dokumentasjonEtterspurt',
    hendelsestidspunkt: tid('01-01T10:00:00'),
    dokumenter: [{ dokumenttype: 'x' }],
  }
  const tilbakekalt = { type: 'dokumentasjonEtterspurt', hendelsestidspunkt: tid('01-02T10:00:00'), dokumenter: [] }
  t.equal(fold(t, dok([etterspurt])).soknad.dokumentasjonEtterspurt, true)
  t.equal(
    fold(t, dok([tilbakekalt, etterspurt])).soknad.dokumentasjonEtterspurt,
    false,
    'an empty list later withdraws it',
  )
  t.equal(
    fold(t, dok([{ type: 'forelopigSvar', hendelsestidspunkt: tid('01-01T10:00:00') }])).soknad.forelopigSvar,
    true,
  )
})

tap.test('rammevedtak is accepted but not shown', async (t) => {
  const { soknad, statistikk } = fold(t, lesFixture('soker-full-forlop.json'))
  t.equal(statistikk.ugyldige + statistikk.ukjentType, 0, 'counted as applied, not skipped')
  const tekst = JSON.stringify(soknad)
  for (const s of ['ramme-1', '15000']) t.notOk(tekst.includes(s), `${s} is not in the output`)
})

tap.test('sendt comes from timestampSendt, sistEndret from the case metadata', async (t) => {
  const sak = lagDigisosSak({ sistEndret: Date.UTC(2024, 6, 1, 12, 30), originalSoknadNAV: null })
  const { soknad } = fold(t, lesFixture('soker-kun-mottatt.json'), sak)
  t.equal(soknad.sendt, null, 'no original application (e.g. on paper)')
  t.equal(soknad.sistEndret, '2024-07-01T12:30:00.000Z')
  t.equal(fold(t, null).soknad.sendt, '2024-02-29T09:15:00.000Z')
  const utenTid = lagDigisosSak({ sistEndret: Number.NaN })
  t.equal(
    fold(t, lesFixture('soker-kun-mottatt.json'), utenTid).soknad.sistEndret,
    '2024-03-20T10:00:00.000Z',
    'falls back to digisosSoker',
  )
  t.throws(() => foldDigisosSak(lagDigisosSak({ sistEndret: Number.NaN, digisosSoker: null }), null))
})

// Arbitrary event logs, with known and unknown types and wrong field types mixed in: the fold
// never throws and always gives a valid Soknad.
const hendelseArb = fc.record(
  {
    type: fc.constantFrom(...KJENTE_TYPER, 'ukjent'),
    hendelsestidspunkt: fc.oneof(
      fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString()),
      fc.string(),
    ),
    status: fc.constantFrom('MOTTATT', 'UNDER_BEHANDLING', 'FEILREGISTRERT', 'ANNULLERT', 'UTBETALT', 'X'),
    referanse: fc.constantFrom('a', 'b', ''),
    saksreferanse: fc.constantFrom('a', 'b'),
    utbetalingsreferanse: fc.constantFrom('u1', 'u2'),
    navKontor: fc.constantFrom('0301', 'x'),
    utfall: fc.constantFrom('INNVILGET', 'AVSLATT', 'Z'),
    belop: fc.oneof(fc.integer(), fc.string()),
    annenMottaker: fc.boolean(),
    kontonummer: fc.constantFrom(KONTO.egen1, KONTO.annenMottaker, '123'),
    dokumenter: fc.array(fc.anything(), { maxLength: 2 }),
    tittel: fc.string(),
  },
  { requiredKeys: [] },
)

tap.test('property: any event log folds into a valid Soknad without throwing', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.oneof(hendelseArb, fc.anything()), { maxLength: 30 }), (hendelser) => {
      const { soknad, statistikk } = foldDigisosSak(lagDigisosSak(), dok(hendelser))
      return (
        Soknad.safeParse(soknad).success &&
        statistikk.anvendt + statistikk.ukjentType + statistikk.ugyldige === hendelser.length &&
        soknad.utbetalinger.every((u) => !u.tilAnnenMottaker || u.kontonummer === null)
      )
    }),
    { numRuns: 300 },
  )
  t.pass('held for all generated logs')
})

tap.test('property: any JSON as the document never throws', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (json) => Soknad.safeParse(foldDigisosSak(lagDigisosSak(), json).soknad).success),
    { numRuns: 200 },
  )
  t.pass('held')
})

tap.test('erForGammel: cases unchanged for 15 calendar months are left out', async (t) => {
  const na = Date.UTC(2025, 5, 15, 12, 0, 0) // 15 June 2025
  const grense = Date.UTC(2024, 2, 15, 12, 0, 0) // 15 March 2024
  t.equal(erForGammel(grense, na), false, 'exactly 15 months is still shown')
  t.equal(erForGammel(grense - 1, na), true, 'one ms older is left out')
  t.equal(erForGammel(na, na), false)
  t.equal(erForGammel(Date.UTC(2025, 0, 1), na), false)
  t.equal(erForGammel(Date.UTC(2024, 2, 1), na, 3), true, 'configurable')
  t.equal(erForGammel(Date.UTC(2025, 2, 15, 12), na, 3), false)
  // 31 May minus 3 months is 29 February (2024 is a leap year), not 2 March.
  const mai31 = Date.UTC(2024, 4, 31)
  t.equal(erForGammel(Date.UTC(2024, 1, 29), mai31, 3), false)
  t.equal(erForGammel(Date.UTC(2024, 1, 29) - 1, mai31, 3), true)
  t.equal(erForGammel(Number.NaN, na), true, 'an unknown time cannot be shown to be recent')
  t.throws(() => erForGammel(grense, na, -1), RangeError)
  t.throws(() => erForGammel(grense, na, 1.5), RangeError)
})

tap.test('tilhorerPerson: only the owner’s cases', async (t) => {
  t.equal(tilhorerPerson(lagDigisosSak(), PERSON), true)
  t.equal(tilhorerPerson(lagDigisosSak(), ANNEN_PERSON), false)
  t.equal(tilhorerPerson(lagDigisosSak({ sokerFnr: ANNEN_PERSON }), PERSON), false)
  t.equal(tilhorerPerson(lagDigisosSak({ sokerFnr: '' }), ''), false, 'blank never matches blank')
  t.equal(tilhorerPerson(lagDigisosSak({ sokerFnr: ` ${PERSON}` }), PERSON), false, 'no normalising')
})

tap.test('a payout that does not say who receives it never shows its account as the person’s', async (t) => {
  const { soknad } = fold(
    t,
    dok([
      {
        type: 'utbetaling',
        hendelsestidspunkt: tid('03-01T10:00:00'),
        utbetalingsreferanse: 'u-uten',
        status: 'UTBETALT',
        belop: 100,
        utbetalingsdato: '2024-03-01',
        kontonummer: KONTO.egen1,
      },
      {
        type: 'utbetaling',
        hendelsestidspunkt: tid('03-02T10:00:00'),
        utbetalingsreferanse: 'u-egen',
        status: 'UTBETALT',
        belop: 100,
        utbetalingsdato: '2024-03-02',
        kontonummer: KONTO.egen2,
        annenMottaker: false,
      },
    ]),
  )
  const perRef = new Map(soknad.utbetalinger.map((u) => [u.referanse, u]))
  t.equal(perRef.get('u-uten')?.kontonummer, null, 'recipient unstated: no account')
  t.equal(perRef.get('u-egen')?.kontonummer, KONTO.egen2, 'stated as the person’s own: shown')
})

// ── as tolerant as modia (issue 17 item 5) ─────────────────────────────────────
// Shapes from NAV's digisos-soker format (reference/digisos-filformat/json/digisos/soker/parts/
// hendelse/*.json); behaviour as navikt/sosialhjelp-modia-api folds it (event/Utbetaling.kt,
// event/VedtakFattet.kt, utbetalinger/UtbetalingerService.kt).
tap.test('tolerant fold: the fixture in the real shape, as modia shows it', async (t) => {
  const { soknad, statistikk } = fold(t, lesFixture('soker-tolerant.json'))
  t.equal(statistikk.ugyldige, 0, 'nothing in it is skipped as malformed')
  const perRef = new Map(soknad.utbetalinger.map((u) => [u.referanse, u]))
  t.match(
    perRef.get('utb-kort-konto'),
    { belop: 4200, status: 'UTBETALT', kontonummer: null },
    'a kontonummer of 10 digits drops the number, not the payout',
  )
  t.match(
    perRef.get('utb-tekst-konto'),
    { belop: 300, kontonummer: null },
    'one with spaces and dots is not guessed at either',
  )
  t.match(
    perRef.get('utb-uten-status'),
    { status: 'PLANLAGT_UTBETALING', forfallsdato: '2024-05-20' },
    'no status is a planned payout',
  )
  t.notOk(perRef.has('utb-uten-dato'), 'neither utbetalingsdato nor forfallsdato: not shown')
  t.same(
    soknad.saker.find((s) => s.referanse === 'default'),
    {
      referanse: 'default',
      tittel: null,
      status: null,
      vedtak: [{ utfall: 'AVSLATT', dato: '2024-05-02T12:00:00.000Z' }],
    },
    'a vedtakFattet without saksreferanse goes to the default sak',
  )
  t.ok(
    soknad.saker.some((s) => s.referanse === 'sak-t' && s.vedtak.length === 1),
    'the named sak keeps its own vedtak',
  )
})

tap.test('vilkår and dokumentasjonkrav: latest event wins, ANNULLERT hidden, payouts linked', async (t) => {
  const { soknad } = fold(t, lesFixture('soker-tolerant.json'))
  t.same(
    soknad.vilkar,
    [
      {
        referanse: 'vilkar-gammel-avsender',
        saksreferanse: null,
        tittel: 'Søke bostøtte',
        status: 'RELEVANT',
        utbetalingsreferanser: [],
        sistEndret: '2024-05-03T09:00:00.000Z',
      },
      {
        referanse: 'vilkar-aktivitet',
        saksreferanse: 'sak-t',
        tittel: 'Delta på jobbklubb',
        status: 'OPPFYLT',
        utbetalingsreferanser: ['utb-uten-status'],
        sistEndret: '2024-05-10T09:00:00.000Z',
      },
    ],
    "the ANNULLERT one is hidden; a reference to a payout not shown is left out; an old sender's beskrivelse is its title",
  )
  t.same(soknad.dokumentasjonkrav, [
    {
      referanse: 'krav-strom',
      saksreferanse: 'sak-t',
      tittel: 'Strømregning',
      status: 'LEVERT_TIDLIGERE',
      frist: '2024-05-31T22:00:00.000Z',
      utbetalingsreferanser: ['utb-kort-konto'],
      sistEndret: '2024-05-12T08:00:00.000Z',
    },
  ])
  t.notOk(JSON.stringify(soknad).includes('Annullert krav'), 'ANNULLERT dokumentasjonkrav hidden')
  t.same(
    soknad.etterspurtDokumentasjon,
    [
      {
        dokumenttype: 'Husleiekontrakt',
        tilleggsinformasjon: 'Gjeldende kontrakt',
        innsendelsesfrist: '2024-05-15T22:00:00.000Z',
      },
      { dokumenttype: 'Kontoutskrift', tilleggsinformasjon: null, innsendelsesfrist: '2024-05-15T22:00:00.000Z' },
    ],
    'the latest request, each document judged alone (one without dokumenttype is skipped)',
  )
  t.equal(soknad.forelopigSvarDato, '2024-05-04T07:30:00.000Z', 'the latest foreløpig svar')
})

tap.test('vilkår and krav on a FEILREGISTRERT sak go with it; each by its own latest date', async (t) => {
  const d = dok([
    { type: 'saksStatus', hendelsestidspunkt: tid('01-01T10:00:00'), referanse: 'feil', status: 'FEILREGISTRERT' },
    {
      type: 'vilkar',
      hendelsestidspunkt: tid('01-01T11:00:00'),
      vilkarreferanse: 'v-feil',
      saksreferanse: 'feil',
      tittel: 'X',
      status: 'RELEVANT',
    },
    {
      type: 'dokumentasjonkrav',
      hendelsestidspunkt: tid('01-01T11:00:00'),
      dokumentasjonkravreferanse: 'k-feil',
      saksreferanse: 'feil',
      tittel: 'Y',
    },
    { type: 'vilkar', hendelsestidspunkt: tid('01-01T11:00:00'), vilkarreferanse: 'v-gammel', tittel: 'Gammel' },
    { type: 'vilkar', hendelsestidspunkt: tid('06-01T11:00:00'), vilkarreferanse: 'v-ny', tittel: 'Ny' },
    {
      type: 'dokumentasjonkrav',
      hendelsestidspunkt: tid('01-01T11:00:00'),
      dokumentasjonkravreferanse: 'k-frist',
      tittel: 'Frist senere',
      frist: tid('07-01T00:00:00'),
    },
  ])
  const alle = fold(t, d).soknad
  t.same(
    alle.vilkar.map((v) => v.referanse),
    ['v-gammel', 'v-ny'],
  )
  t.same(
    alle.dokumentasjonkrav.map((k) => k.referanse),
    ['k-frist'],
  )
  const grense = Date.parse(tid('03-01T00:00:00'))
  const nye = foldDigisosSak(lagDigisosSak(), d, undefined, grense).soknad
  t.same(
    nye.vilkar.map((v) => v.referanse),
    ['v-ny'],
    'a vilkår older than the limit by its latest event is left out',
  )
  t.same(
    nye.dokumentasjonkrav.map((k) => k.referanse),
    ['k-frist'],
    'a krav whose deadline is after the limit stays',
  )
})

tap.test('names from soknad.json: the office only while it has the case, the municipality only its own', async (t) => {
  // soknad.json's mottaker as the format defines it (json/soknad/parts/mottaker.json) and as
  // sosialhjelp-soknad-api writes navEnhetsnavn: "<office>, <municipality>".
  const soknadJson = {
    mottaker: { enhetsnummer: '0315', kommunenummer: '0301', navEnhetsnavn: 'NAV Grünerløkka, Oslo kommune' },
  }
  const sendt = fold(t, null, lagDigisosSak(), soknadJson).soknad
  t.match(sendt, { navEnhet: '0315', navEnhetNavn: 'NAV Grünerløkka', kommunenavn: 'Oslo kommune', papirsoknad: false })
  const flyttet = dok([{ type: 'tildeltNavKontor', hendelsestidspunkt: tid('03-01T10:00:00'), navKontor: '0312' }])
  t.match(
    fold(t, flyttet, lagDigisosSak(), soknadJson).soknad,
    { navEnhet: '0312', navEnhetNavn: null, kommunenavn: 'Oslo kommune' },
    'another office: no name is put on it',
  )
  t.match(
    fold(t, null, lagDigisosSak({ kommunenummer: '4601' }), soknadJson).soknad,
    { kommunenavn: null },
    'another municipality: no name',
  )
  t.match(fold(t, null, lagDigisosSak(), { mottaker: { enhetsnummer: '0315', navEnhetsnavn: 'NAV Frogner' } }).soknad, {
    navEnhetNavn: 'NAV Frogner',
    kommunenavn: null,
  })
  t.match(
    fold(t, null, lagDigisosSak(), { mottaker: { enhetsnummer: 315, navEnhetsnavn: 'NAV Frogner, Oslo kommune' } })
      .soknad,
    { navEnhet: null, navEnhetNavn: null, kommunenavn: 'Oslo kommune' },
    'each field judged alone',
  )
})

tap.test('a paper application: Fiks has no originalSoknadNAV or no timestampSendt', async (t) => {
  t.equal(fold(t, null, lagDigisosSak({ originalSoknadNAV: null })).soknad.papirsoknad, true)
  t.equal(
    fold(t, null, lagDigisosSak({ originalSoknadNAV: { navEksternRefId: null, timestampSendt: null, metadata: null } }))
      .soknad.papirsoknad,
    true,
  )
  t.equal(fold(t, null, lagDigisosSak()).soknad.papirsoknad, false)
})

tap.test(
  "explicit nulls, as the format's Java model writes an unset field, are absent fields: no event is lost to them",
  async (t) => {
    // test/fixtures/digisos/README.md: soker-eksplisitte-null.json, and its sources.
    const { soknad, statistikk } = fold(t, lesFixture('soker-eksplisitte-null.json'))
    t.equal(statistikk.ugyldige, 0, 'every event applied')
    t.equal(statistikk.anvendt, 10)
    t.same(
      soknad.saker,
      [
        { referanse: 'sak-n', tittel: 'Livsopphold juni', status: 'UNDER_BEHANDLING', vedtak: [] },
        {
          referanse: 'default',
          tittel: null,
          status: null,
          vedtak: [{ utfall: null, dato: '2024-06-03T09:00:00.000Z' }],
        },
      ],
      'null tittel and status keep what the sak had; a null saksreferanse is the default sak',
    )
    t.same(
      soknad.utbetalinger.map((u) => [
        u.referanse,
        u.status,
        u.tilAnnenMottaker,
        u.kontonummer,
        u.beskrivelse,
        u.utbetalingsdato,
      ]),
      [
        ['utb-n1', 'PLANLAGT_UTBETALING', false, null, null, null],
        ['utb-n2', 'UTBETALT', false, KONTO.egen2, 'Strøm', '2024-06-05'],
      ],
      "annenMottaker null is unstated: the account is not shown as the person's; neither date: not shown",
    )
    t.match(soknad.vilkar, [
      {
        referanse: 'vilkar-n',
        saksreferanse: null,
        tittel: 'Møte hos NAV-kontoret',
        status: null,
        utbetalingsreferanser: [],
      },
    ])
    t.match(soknad.dokumentasjonkrav, [{ referanse: 'krav-n', frist: null, utbetalingsreferanser: ['utb-n1'] }])
    t.same(soknad.etterspurtDokumentasjon, [
      { dokumenttype: 'Kontoutskrift', tilleggsinformasjon: null, innsendelsesfrist: null },
    ])
  },
)

tap.test('a municipality\'s name written as "null" or left empty by the sender is no name', async (t) => {
  // sosialhjelp-soknad-api joins office and municipality into navEnhetsnavn even when one is null.
  for (const navEnhetsnavn of ['NAV Grünerløkka, null', 'NAV Grünerløkka, ', 'NAV Grünerløkka, NULL']) {
    const soknadJson = { mottaker: { enhetsnummer: '0315', kommunenummer: '0301', navEnhetsnavn } }
    t.match(
      fold(t, null, lagDigisosSak(), soknadJson).soknad,
      { navEnhetNavn: 'NAV Grünerløkka', kommunenavn: null },
      navEnhetsnavn,
    )
  }
  const utenKontor = { mottaker: { enhetsnummer: '0315', kommunenummer: '0301', navEnhetsnavn: 'null, Oslo kommune' } }
  t.match(fold(t, null, lagDigisosSak(), utenKontor).soknad, { navEnhetNavn: null, kommunenavn: 'Oslo kommune' })
})
