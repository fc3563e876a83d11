// DESIGN §4: what is older than SAK_MAKS_ALDER_MANEDER is left out from every source, and inside
// a recent case each item by its own latest date: Digisos payouts (in the fold), KVP programmes
// with their kvalifiseringsstønad payouts, and stays in midlertidig bolig.
import t from 'tap'
import { aldersgrense, erEldreEnn, nyeOpphold, nyeProgrammer, sisteTid } from '../../src/domain/alder.js'
import { foldDigisosSak } from '../../src/domain/digisos/fold.js'
import { Soknad, type Kvalifiseringsprogram, type MidlertidigBolig } from '../../src/domain/model.js'
import { lagDigisosSak } from './hjelpere.js'

const NA = Date.UTC(2026, 5, 15, 12) // 15 June 2026
const GRENSE = aldersgrense(NA, 15) // 15 March 2025, 12:00

t.test("the limit and an item's latest date", async (t) => {
  t.equal(new Date(GRENSE).toISOString(), '2025-03-15T12:00:00.000Z')
  t.throws(() => aldersgrense(NA, -1), RangeError)
  t.equal(
    sisteTid('2025-01-01', '2025-03-15T12:00:00.000Z', null, undefined, 'i går'),
    Date.parse('2025-03-15T12:00:00.000Z'),
  )
  t.equal(sisteTid('2025-03-15'), Date.parse('2025-03-15T23:59:59.999Z'), 'a date counts to the end of its day')
  t.equal(sisteTid(null, 'ikke en dato', '2025-13-45'), null)
  t.equal(erEldreEnn(GRENSE, '2025-03-15'), false, "dated on the limit's day: shown")
  t.equal(erEldreEnn(GRENSE, '2025-03-14'), true)
  t.equal(erEldreEnn(GRENSE, '2024-01-01', '2027-01-01'), false, 'the latest date decides')
  t.equal(erEldreEnn(GRENSE), true, 'no readable date: cannot be shown to be recent')
})

const program = (endring: Partial<Kvalifiseringsprogram>): Kvalifiseringsprogram => ({
  kommunenummer: '0301',
  status: 'AVSLUTTET',
  vedtaksdato: null,
  fom: null,
  tom: null,
  stonad: null,
  sistEndret: '2024-01-01T00:00:00.000Z',
  ...endring,
})
const opphold = (endring: Partial<MidlertidigBolig>): MidlertidigBolig => ({
  kommunenummer: '0301',
  botype: 'Hybelhus',
  status: 'AVSLUTTET',
  vedtaksdato: null,
  fom: null,
  tom: null,
  adresse: null,
  sistEndret: '2024-01-01T00:00:00.000Z',
  ...endring,
})
const utbetaling = (dato: string) => ({ dato, belop: 100, status: 'UTBETALT' as const })

t.test('KVP: a programme by its latest date, and inside a recent one each payout by its own', async (t) => {
  const gammel = program({})
  const lopende = program({ status: 'AKTIV', fom: '2024-01-01', tom: '2026-12-31' })
  const nyligEndret = program({
    status: 'AKTIV',
    sistEndret: '2026-06-01T00:00:00.000Z',
    stonad: {
      belopPerManed: 100,
      utbetalinger: [utbetaling('2024-06-01'), utbetaling('2026-06-01'), utbetaling('2025-03-15')],
    },
  })
  const baresEnUtbetaling = program({
    stonad: { belopPerManed: null, utbetalinger: [utbetaling('2024-02-01'), utbetaling('2025-04-01')] },
  })
  const ut = nyeProgrammer([gammel, lopende, nyligEndret, baresEnUtbetaling], GRENSE)
  t.same(
    ut.map((p) => p.status),
    ['AKTIV', 'AKTIV', 'AVSLUTTET'],
    'the one changed 2.5 years ago and ended then is gone',
  )
  t.same(ut[0], lopende, 'a programme running into the future is recent whatever its sistEndret says')
  t.same(
    ut[1]?.stonad?.utbetalinger.map((u) => u.dato),
    ['2026-06-01', '2025-03-15'],
    'a 2-year-old payout of a recent programme is gone',
  )
  t.same(
    ut[2]?.stonad?.utbetalinger.map((u) => u.dato),
    ['2025-04-01'],
    'a recent payout keeps its programme',
  )
})

t.test('midlertidig bolig: each stay by its latest date', async (t) => {
  const ut = nyeOpphold(
    [
      opphold({}),
      opphold({ sistEndret: '2026-01-01T00:00:00.000Z' }),
      opphold({ vedtaksdato: '2025-06-01' }),
      opphold({ tom: '2025-03-14' }),
    ],
    GRENSE,
  )
  t.same(
    ut.map((o) => [o.sistEndret, o.vedtaksdato]),
    [
      ['2026-01-01T00:00:00.000Z', null],
      ['2024-01-01T00:00:00.000Z', '2025-06-01'],
    ],
  )
})

t.test('Digisos: inside a recent case each payout by its latest event and dates', async (t) => {
  const hendelse = (tid: string, felt: Record<string, unknown>) => ({
    type: 'utbetaling',
    hendelsestidspunkt: tid,
    status: 'UTBETALT',
    belop: 1,
    ...felt,
  })
  const dok = {
    hendelser: [
      hendelse('2024-01-05T10:00:00.000Z', { utbetalingsreferanse: 'gammel', utbetalingsdato: '2024-01-05' }),
      hendelse('2024-01-05T10:00:00.000Z', { utbetalingsreferanse: 'gammel-men-endret' }),
      hendelse('2026-05-01T10:00:00.000Z', {
        utbetalingsreferanse: 'gammel-men-endret',
        utbetalingsdato: '2024-01-05',
      }),
      hendelse('2024-01-05T10:00:00.000Z', {
        utbetalingsreferanse: 'gammel-men-periode',
        forfallsdato: '2024-01-05',
        tom: '2025-04-30',
      }),
      hendelse('2026-06-01T10:00:00.000Z', { utbetalingsreferanse: 'ny', utbetalingsdato: '2026-06-01' }),
    ],
  }
  const sak = lagDigisosSak({ sistEndret: Date.UTC(2026, 5, 1) })
  const alle = foldDigisosSak(sak, dok).soknad
  t.same(
    alle.utbetalinger.map((u) => u.referanse),
    ['gammel', 'gammel-men-endret', 'gammel-men-periode', 'ny'],
    'no limit: all',
  )
  const nye = foldDigisosSak(sak, dok, undefined, GRENSE).soknad
  t.same(
    nye.utbetalinger.map((u) => u.referanse),
    ['gammel-men-endret', 'gammel-men-periode', 'ny'],
  )
  t.ok(Soknad.safeParse(nye).success)
})
