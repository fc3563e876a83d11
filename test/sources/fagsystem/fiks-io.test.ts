// The fagsystem protocol's guards: a reply is used only if it answers our message, comes from the
// municipality asked, is in a known dialect, and is about the person asked for.
import t, { type Test } from 'tap'
import { MockAgent } from 'undici'
import { HttpKlient } from '../../../src/sources/http.js'
import { FiksIoFagsystem } from '../../../src/sources/fagsystem/fiks-io.js'
import {
  FIKS_IO_STI,
  Foresporsel,
  MELDING_FEIL,
  MELDING_SVAR,
  type GeneriskV1,
  type SocioV1,
} from '../../../src/sources/fagsystem/protocol.js'
import { KildeFeil } from '../../../src/sources/ports.js'

const BASE = 'http://fiks-io.test'
const IDENT = '01918012345'
const ANNEN = '02918012344'
const tokens = { token: async () => 'mp-token' }

const generisk = (personident = IDENT): GeneriskV1 => ({
  personident,
  kontonummer: '12345678903',
  adresse: { adresselinjer: ['Testveien 1'], postnummer: '0150', poststed: 'OSLO' },
  kvalifiseringsprogram: [
    {
      status: 'AKTIV',
      vedtaksdato: '2026-01-10',
      fom: '2026-02-01',
      tom: '2027-01-31',
      stonad: { belopPerManed: 21000, utbetalinger: [{ dato: '2026-10-20', belop: 21000, status: 'UTBETALT' }] },
      sistEndret: '2026-10-20T08:00:00Z',
    },
  ],
  midlertidigBolig: [],
})

const socio = (fnr = IDENT): SocioV1 => ({
  klient: { fnr, kontonr: '12345678903', bostedsadresse: null },
  tiltak: [
    {
      type: 'KVP',
      statuskode: 'AKT',
      vedtakDato: null,
      periodeFra: '2026-01-01',
      periodeTil: null,
      ytelse: null,
      endret: '2026-10-01T00:00:00Z',
    },
    {
      type: 'RUSBEHANDLING',
      statuskode: 'AKT',
      vedtakDato: null,
      periodeFra: null,
      periodeTil: null,
      ytelse: null,
      endret: '2026-10-01T00:00:00Z',
    },
  ],
  botilbud: [
    {
      kategori: 'Midlertidig bolig',
      statuskode: 'AKT',
      vedtakDato: '2026-09-01',
      fra: '2026-09-01',
      til: null,
      adresse: { gate: 'Hybelgata 2', postnr: '5003', poststed: 'BERGEN' },
      endret: '2026-09-01T00:00:00Z',
    },
    {
      kategori: 'Omsorgsbolig',
      statuskode: 'AKT',
      vedtakDato: null,
      fra: null,
      til: null,
      adresse: null,
      endret: '2026-09-01T00:00:00Z',
    },
  ],
})

function oppsett(t: Test) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(() => agent.close())
  const http = new HttpKlient({ navn: 'fiks-io', baseUrl: BASE, tidsavbrudd: 500, dispatcher: agent })
  return { pool: agent.get(BASE), fagsystem: new FiksIoFagsystem(http, tokens, 3) }
}

/** Replies to the request it receives, with `lag` shaping the reply. */
function svar(lag: (f: Foresporsel) => unknown) {
  return (opts: { body?: unknown }) => lag(Foresporsel.parse(JSON.parse(String(opts.body))))
}
const ok =
  (dialekt: string, data: unknown, kommunenummer = '0301') =>
  (f: Foresporsel) => ({
    versjon: 1,
    meldingType: MELDING_SVAR,
    meldingId: 'svar-1',
    svarPaMelding: f.meldingId,
    avsender: { kommunenummer, fagsystem: 'Test', dialekt },
    data,
  })

t.test('generisk.v1 and socio.v1 map to the canonical model; socio keeps only KVP and midlertidig bolig', async (t) => {
  const { pool, fagsystem } = oppsett(t)
  pool.intercept({ path: FIKS_IO_STI, method: 'POST' }).reply(200, svar(ok('generisk.v1', generisk())))
  const g = await fagsystem.hent('0301', IDENT, { callId: 'c' })
  t.equal(g.kvalifiseringsprogram.length, 1)
  t.equal(g.kvalifiseringsprogram[0]?.kommunenummer, '0301')
  t.same(
    g.kontoer.map((k) => k.kontonummer),
    ['12345678903'],
  )

  pool.intercept({ path: FIKS_IO_STI, method: 'POST' }).reply(200, svar(ok('socio.v1', socio(), '4601')))
  const sporing: string[] = []
  const s = await fagsystem.hent('4601', IDENT, { callId: 'c', sporing })
  t.same(
    s.kvalifiseringsprogram.map((k) => k.status),
    ['AKTIV'],
    'RUSBEHANDLING is dropped',
  )
  t.same(
    s.midlertidigBolig.map((b) => b.botype),
    ['Midlertidig bolig'],
    'Omsorgsbolig is dropped',
  )
  t.same(s.midlertidigBolig[0]?.adresse?.adresselinjer, ['Hybelgata 2'])
  t.equal(sporing.length, 1, 'the sporingsId is reported for the audit')
})

t.test('PERSON_UKJENT and a municipality without fagsystem are empty, not errors', async (t) => {
  const { pool, fagsystem } = oppsett(t)
  pool.intercept({ path: FIKS_IO_STI, method: 'POST' }).reply(
    200,
    svar((f) => ({
      versjon: 1,
      meldingType: MELDING_FEIL,
      meldingId: 'x',
      svarPaMelding: f.meldingId,
      kode: 'PERSON_UKJENT',
    })),
  )
  t.same((await fagsystem.hent('0301', IDENT, { callId: 'c' })).kvalifiseringsprogram, [])
  pool.intercept({ path: FIKS_IO_STI, method: 'POST' }).reply(404, {})
  t.same((await fagsystem.hent('0301', IDENT, { callId: 'c' })).midlertidigBolig, [])
})

t.test('replies that cannot be trusted are faults, never data', async (t) => {
  const { pool, fagsystem } = oppsett(t)
  const saker: [string, (opts: { body?: unknown }) => unknown][] = [
    ['another person (generisk)', svar(ok('generisk.v1', generisk(ANNEN)))],
    ['another person (socio)', svar(ok('socio.v1', socio(ANNEN)))],
    ['another municipality', svar(ok('generisk.v1', generisk(), '4601'))],
    [
      'answer to another message',
      svar((f) => ({ ...(ok('generisk.v1', generisk())(f) as object), svarPaMelding: 'annen' })),
    ],
    ['unknown dialect', svar(ok('visma.v9', {}))],
    ['malformed payload', svar(ok('generisk.v1', { personident: IDENT }))],
    ['not an envelope', () => ({ hei: 1 })],
    [
      'INTERN_FEIL',
      svar((f) => ({
        versjon: 1,
        meldingType: MELDING_FEIL,
        meldingId: 'x',
        svarPaMelding: f.meldingId,
        kode: 'INTERN_FEIL',
      })),
    ],
  ]
  for (const [navn, lag] of saker) {
    pool.intercept({ path: FIKS_IO_STI, method: 'POST' }).reply(200, lag)
    await t.rejects(fagsystem.hent('0301', IDENT, { callId: 'c' }), KildeFeil, navn)
  }
  pool.intercept({ path: FIKS_IO_STI, method: 'POST' }).reply(502, 'Bad gateway')
  await t.rejects(fagsystem.hent('0301', IDENT, { callId: 'c' }), KildeFeil, '5xx')
})
