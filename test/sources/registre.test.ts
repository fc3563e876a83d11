// Wire-shape edge cases of the register adapters. Fault shapes that the simulator cannot easily
// make (GraphQL error codes, unknown enum values, odd bodies) come from undici's MockAgent.
import t, { type Test } from 'tap'
import { MockAgent } from 'undici'
import { HttpKlient } from '../../src/sources/http.js'
import { RegisterFeil, type TokenKilde } from '../../src/sources/ports.js'
import { NomAnsattRegister, PdlPersonRegister, SkjermingPip, strengesteGradering } from '../../src/sources/registre.js'

const BASE = 'http://register.test'
const tokens: TokenKilde = { token: async () => 'token' }
const ctx = { callId: 'test-call' }
const IDENT = '01918012345'

/** The RegisterFeil's cause, or 'ingen feil'. */
const arsak = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ingen feil',
    (e: unknown) => (e instanceof RegisterFeil ? e.arsak : `annen feil: ${String(e)}`),
  )

function oppsett(t: Test) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(() => agent.close())
  const http = new HttpKlient({ navn: 'test', baseUrl: BASE, tidsavbrudd: 200, dispatcher: agent })
  return { pool: agent.get(BASE), http }
}

const person = (overstyr: Record<string, unknown> = {}) => ({
  data: {
    hentPerson: {
      adressebeskyttelse: [],
      doedsfall: [],
      forelderBarnRelasjon: [
        { relatertPersonsIdent: '11111111111', relatertPersonsRolle: 'MOR', minRolleForPerson: 'BARN' },
        { relatertPersonsIdent: null, relatertPersonsRolle: 'FAR', minRolleForPerson: 'BARN' },
        { relatertPersonsIdent: '22222222222', relatertPersonsRolle: 'BARN', minRolleForPerson: 'MOR' },
      ],
      sivilstand: [
        { type: 'GIFT', relatertVedSivilstand: '33333333333' },
        { type: 'SKILT', relatertVedSivilstand: '44444444444' },
        { type: 'UGIFT', relatertVedSivilstand: null },
      ],
      ...overstyr,
    },
    hentGeografiskTilknytning: { gtType: 'BYDEL', gtKommune: null, gtBydel: '030101', gtLand: null },
    // PDL's Identliste (schema: hentIdenter(ident: ID!, grupper: [IdentGruppe!], historikk: Boolean):
    // Identliste { identer: [IdentInformasjon { ident gruppe historisk }] }, IdentGruppe AKTORID |
    // FOLKEREGISTERIDENT | NPID), as navikt/populasjonstilgangskontroll's PDL client asks it.
    hentIdenter: {
      identer: [
        { ident: IDENT, gruppe: 'FOLKEREGISTERIDENT', historisk: false },
        { ident: '2000000000001', gruppe: 'AKTORID', historisk: false },
      ],
    },
  },
})

t.test('PDL: relations, partners and bydel map to the person', async (t) => {
  const { pool, http } = oppsett(t)
  let headers: Record<string, string> = {}
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, (opts) => {
    headers = opts.headers as Record<string, string>
    return person()
  })
  const p = await new PdlPersonRegister(http, tokens, { scope: 's', behandlingsnummer: 'B123' }).hentPerson(IDENT, ctx)
  t.same(p, {
    personident: IDENT,
    gjeldendeIdent: IDENT,
    identer: [IDENT],
    gradering: 'UGRADERT',
    doed: false,
    foreldre: ['11111111111'],
    barn: ['22222222222'],
    partnere: [
      { personident: '33333333333', navarende: true },
      { personident: '44444444444', navarende: false },
    ],
    geografiskTilknytning: { gtType: 'BYDEL', kommunenummer: '0301' },
  })
  t.equal(headers.behandlingsnummer, 'B123')
  t.equal(headers.tema, 'GEN')
  t.equal(headers.authorization, 'Bearer token')
})

t.test('PDL: not_found is an unknown person; every other error or odd answer fails closed', async (t) => {
  const { pool, http } = oppsett(t)
  const pdl = new PdlPersonRegister(http, tokens, { scope: 's', behandlingsnummer: 'B123' })
  const feil = (code: string) => ({ errors: [{ message: 'x', extensions: { code } }], data: { hentPerson: null } })
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, feil('not_found'))
  t.equal(await pdl.hentPerson(IDENT, ctx), null)

  const saker: [string, number, unknown][] = [
    ['unauthorized', 200, feil('unauthorized')],
    ['server_error', 200, feil('server_error')],
    ['unknown gradering', 200, person({ adressebeskyttelse: [{ gradering: 'HEMMELIG' }] })],
    ['http 500', 500, { message: 'feil' }],
    ['no data', 200, {}],
  ]
  for (const [navn, status, body] of saker) {
    pool.intercept({ path: '/graphql', method: 'POST' }).reply(status, body as object)
    await t.rejects(pdl.hentPerson(IDENT, ctx), RegisterFeil, navn)
  }
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, 'ikke json{')
  t.equal(await arsak(pdl.hentPerson(IDENT, ctx)), 'UGYLDIG_SVAR')
  pool.intercept({ path: '/graphql', method: 'POST' }).replyWithError(new Error('ECONNRESET'))
  t.equal(await arsak(pdl.hentPerson(IDENT, ctx)), 'UTILGJENGELIG')
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, person()).delay(1000)
  t.equal(await arsak(pdl.hentPerson(IDENT, ctx)), 'UTILGJENGELIG', 'timeout')
})

t.test('PDL: the strictest grading wins, strengt before strengt-utland before fortrolig', async (t) => {
  t.equal(strengesteGradering([]), 'UGRADERT')
  t.equal(strengesteGradering(['FORTROLIG', 'STRENGT_FORTROLIG_UTLAND']), 'STRENGT_FORTROLIG_UTLAND')
  t.equal(strengesteGradering(['STRENGT_FORTROLIG_UTLAND', 'STRENGT_FORTROLIG']), 'STRENGT_FORTROLIG')
  t.equal(strengesteGradering(['UGRADERT', 'FORTROLIG']), 'FORTROLIG')
})

t.test('PDL: the query asks for the idents with history, in the same round trip', async (t) => {
  const { pool, http } = oppsett(t)
  let sporring = ''
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, (opts) => {
    sporring = (JSON.parse(String(opts.body)) as { query: string }).query
    return person()
  })
  await new PdlPersonRegister(http, tokens, { scope: 's', behandlingsnummer: 'B123' }).hentPerson(IDENT, ctx)
  t.match(sporring, /hentPerson\(ident: \$ident\)/)
  t.match(sporring, /hentIdenter\(ident: \$ident, historikk: true\) \{ identer \{ ident gruppe historisk \} \}/)
})

t.test('PDL: a person is all their idents; the current is the non-historical folkeregisterident', async (t) => {
  const { pool, http } = oppsett(t)
  const pdl = new PdlPersonRegister(http, tokens, { scope: 's', behandlingsnummer: 'B123' })
  const DNR = '41918012345'
  const NPID = '01638012345'
  const medIdenter = (identer: unknown[]) => ({ data: { ...person().data, hentIdenter: { identer } } })
  // Typed by the old D-nummer: the current fnr is found, every ident kept, the aktør-id left out.
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(
    200,
    medIdenter([
      { ident: DNR, gruppe: 'FOLKEREGISTERIDENT', historisk: true },
      { ident: IDENT, gruppe: 'FOLKEREGISTERIDENT', historisk: false },
      { ident: NPID, gruppe: 'NPID', historisk: true },
      { ident: '2000000000001', gruppe: 'AKTORID', historisk: false },
    ]),
  )
  const p = await pdl.hentPerson(DNR, ctx)
  t.equal(p?.personident, DNR, 'the typed ident stays what was asked for')
  t.equal(p?.gjeldendeIdent, IDENT)
  t.same([...(p?.identer ?? [])].sort(), [DNR, IDENT, NPID].sort())

  // Only an NPID is current: it is the current ident.
  pool
    .intercept({ path: '/graphql', method: 'POST' })
    .reply(200, medIdenter([{ ident: NPID, gruppe: 'NPID', historisk: false }]))
  const npid = await pdl.hentPerson(NPID, ctx)
  t.equal(npid?.gjeldendeIdent, NPID)
  t.same(npid?.identer, [NPID])

  // Fail closed: idents missing, or not what PDL's schema promises. PDL's hentIdenter lists the
  // ident it was asked by; a list without it is about someone else, or cut short.
  pool
    .intercept({ path: '/graphql', method: 'POST' })
    .reply(200, medIdenter([{ ident: IDENT, gruppe: 'FOLKEREGISTERIDENT', historisk: false }]))
  t.equal(await arsak(pdl.hentPerson(DNR, ctx)), 'UGYLDIG_SVAR', 'the typed ident not among the idents')
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(
    200,
    medIdenter([
      { ident: IDENT, gruppe: 'FOLKEREGISTERIDENT', historisk: false },
      { ident: DNR, gruppe: 'AKTORID', historisk: false },
    ]),
  )
  t.equal(await arsak(pdl.hentPerson(DNR, ctx)), 'UGYLDIG_SVAR', 'the typed ident only as an aktør-id')
  const feilsaker: [string, unknown][] = [
    ['no hentIdenter', { data: { ...person().data, hentIdenter: null } }],
    ['empty identer', medIdenter([])],
    ['unknown group', medIdenter([{ ident: IDENT, gruppe: 'ORGNR', historisk: false }])],
    ['ident not 11 digits', medIdenter([{ ident: '1234', gruppe: 'FOLKEREGISTERIDENT', historisk: true }])],
    ['historisk missing', medIdenter([{ ident: IDENT, gruppe: 'FOLKEREGISTERIDENT' }])],
  ]
  for (const [navn, body] of feilsaker) {
    pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, body as object)
    t.equal(await arsak(pdl.hentPerson(IDENT, ctx)), 'UGYLDIG_SVAR', navn)
  }
})

// skjermede-personer-pip: POST /skjermetBulk { personidenter: [...] } → { "<ident>": bool }, a map
// keyed by the idents asked (the pip's SkjermetBulkRequestDto; navikt/populasjonstilgangskontroll's
// SkjermingRestClientAdapter.skjerminger reads it as Map<String, Boolean>).
t.test('skjerming: anything but a bare false for every ident counts as skjermet', async (t) => {
  const { pool, http } = oppsett(t)
  const pip = new SkjermingPip(http, tokens, 's')
  const ANNEN = '41918012345'
  for (const [verdi, forventet] of [
    [false, false],
    [true, true],
    ['false', true],
    [null, true],
    [{}, true],
    [0, true],
  ] as const) {
    pool.intercept({ path: '/skjermetBulk', method: 'POST' }).reply(200, { [IDENT]: verdi })
    t.equal(await pip.erSkjermet([IDENT], ctx), forventet, JSON.stringify(verdi))
  }
  // skjermet when any ident is, whichever it is
  pool.intercept({ path: '/skjermetBulk', method: 'POST' }).reply(200, { [IDENT]: false, [ANNEN]: true })
  t.equal(await pip.erSkjermet([IDENT, ANNEN], ctx), true, 'the old ident is skjermet')
  let sendt: unknown
  pool.intercept({ path: '/skjermetBulk', method: 'POST' }).reply(200, (opts) => {
    sendt = JSON.parse(String(opts.body))
    return { [IDENT]: false, [ANNEN]: false }
  })
  t.equal(await pip.erSkjermet([IDENT, ANNEN, IDENT], ctx), false, 'none is')
  t.same(sendt, { personidenter: [IDENT, ANNEN] }, 'one call, each ident once')
  pool.intercept({ path: '/skjermetBulk', method: 'POST' }).reply(200, { [IDENT]: false })
  t.equal(await pip.erSkjermet([IDENT, ANNEN], ctx), true, 'an ident the answer leaves out counts as skjermet')
  // Not a map: a fault, never a permit.
  for (const body of ['false', 'true', '[]', 'null']) {
    pool.intercept({ path: '/skjermetBulk', method: 'POST' }).reply(200, body)
    t.equal(await arsak(pip.erSkjermet([IDENT], ctx)), 'UGYLDIG_SVAR', body)
  }
  pool.intercept({ path: '/skjermetBulk', method: 'POST' }).reply(503, '')
  await t.rejects(pip.erSkjermet([IDENT], ctx), RegisterFeil)
  await t.rejects(pip.erSkjermet([], ctx), RegisterFeil, 'no ident to ask about is a fault')
})

t.test('NOM: unknown NAVident is null; errors fail closed', async (t) => {
  const { pool, http } = oppsett(t)
  const nom = new NomAnsattRegister(http, tokens, 's')
  pool
    .intercept({ path: '/graphql', method: 'POST' })
    .reply(200, { data: { ressurs: { navident: 'Z990001', personident: IDENT } } })
  t.equal(await nom.hentPersonident('Z990001', ctx), IDENT)
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, { data: { ressurs: null } })
  t.equal(await nom.hentPersonident('Z990009', ctx), null)
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, { errors: [{ message: 'x' }], data: null })
  await t.rejects(nom.hentPersonident('Z990001', ctx), RegisterFeil)
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, { data: null })
  await t.rejects(nom.hentPersonident('Z990001', ctx), RegisterFeil)
})
