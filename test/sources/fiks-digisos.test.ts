// The Fiks Digisos adapter against answers recorded in KS's published shape (ks-no/ks-no.github.io,
// static/api/digisos-api-v1.json: KommuneInfo, getKommuneStatus, getAlleKommunerStatus, ErrorMessage;
// see test/fixtures/fiks/README.md), served by undici's MockAgent.
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { MockAgent } from 'undici'
import { FiksDigisosKlient } from '../../src/sources/fiks-digisos.js'
import { HttpKlient } from '../../src/sources/http.js'
import { KildeFeil, type TokenKilde } from '../../src/sources/ports.js'
import { erKildesFeil } from '../../src/sources/vern.js'

const BASE = 'http://fiks.test'
const tokens: TokenKilde = { token: async () => 'maskinporten-token' }
const opptak = (fil: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/fiks/${fil}`, import.meta.url), 'utf8'))
/** KS's ErrorMessage. */
const feilkropp = (status: number, path: string) => ({
  timestamp: 1767225600000,
  status,
  error: 'Error',
  errorId: '6f1c1f0e-9b7a-4f55-9f3b-2f5c1d2e3a4b',
  path,
  originalPath: null,
  message: 'feil',
  errorCode: null,
  errorJson: null,
})

function oppsett(t: Test) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(() => agent.close())
  const http = new HttpKlient({ navn: 'fiks', baseUrl: BASE, tidsavbrudd: 500, dispatcher: agent })
  const sporing: string[] = []
  return {
    pool: agent.get(BASE),
    fiks: new FiksDigisosKlient(http, tokens, { id: 'integrasjon', passord: 'passord' }),
    ctx: { callId: 'c', sporing },
  }
}

const arsak = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ingen feil',
    (e: unknown) => (e instanceof KildeFeil ? e.arsak : `annen feil: ${String(e)}`),
  )

t.test('GET /nav/kommuner: every municipality in KS shape; the contact persons are not kept', async (t) => {
  const { pool, fiks, ctx } = oppsett(t)
  let sti = ''
  let hoder: Record<string, string> = {}
  pool.intercept({ path: (p) => p.startsWith('/digisos/api/v1/nav/kommuner?'), method: 'GET' }).reply(200, (o) => {
    sti = o.path
    hoder = o.headers as Record<string, string>
    return opptak('kommuner.json') as object
  })
  const alle = await fiks.hentAlleKommuneInfo(ctx)
  t.same(
    alle.map((k) => [
      k.kommunenummer,
      k.harNksTilgang,
      k.harMidlertidigDeaktivertMottak,
      k.harMidlertidigDeaktivertOppdateringer,
    ]),
    [
      ['5001', false, false, false],
      ['0301', true, false, false],
      ['3301', true, false, true],
      ['3201', true, true, false],
    ],
  )
  t.equal(alle[1]?.behandlingsansvarlig, 'Oslo kommune')
  t.notMatch(JSON.stringify(alle), /kontaktpersoner|@/, "the municipality staff's e-mail addresses are dropped")
  t.match(sti, /sporingsId=[0-9a-f-]{36}/)
  t.equal(ctx.sporing.length, 1)
  t.match(hoder, {
    authorization: 'Bearer maskinporten-token',
    integrasjonid: 'integrasjon',
    integrasjonpassord: 'passord',
  })
})

t.test('GET /nav/kommuner: the whole list or nothing', async (t) => {
  const { pool, fiks, ctx } = oppsett(t)
  const liste = opptak('kommuner.json') as Record<string, unknown>[]
  pool
    .intercept({ path: (p) => p.startsWith('/digisos/api/v1/nav/kommuner?') })
    .reply(200, [...liste, { ...liste[0], harNksTilgang: 'ja' }])
  t.equal(
    await arsak(fiks.hentAlleKommuneInfo(ctx)),
    'UGYLDIG_SVAR',
    'one malformed entry: no list (a hole would read as "not on")',
  )
  pool
    .intercept({ path: (p) => p.startsWith('/digisos/api/v1/nav/kommuner?') })
    .reply(503, feilkropp(503, '/digisos/api/v1/nav/kommuner'))
  t.equal(await arsak(fiks.hentAlleKommuneInfo(ctx)), 'UTILGJENGELIG')
})

t.test('GET /nav/kommuner/{kommunenummer}: a municipality in a cooperation, with status updates off', async (t) => {
  const { pool, fiks, ctx } = oppsett(t)
  pool
    .intercept({ path: (p) => p.startsWith('/digisos/api/v1/nav/kommuner/4223?') })
    .reply(200, opptak('kommuneinfo.json') as object)
  t.same(await fiks.hentKommuneInfo('4223', ctx), {
    kommunenummer: '4223',
    kanMottaSoknader: true,
    kanOppdatereStatus: false,
    harMidlertidigDeaktivertMottak: false,
    harMidlertidigDeaktivertOppdateringer: false,
    harNksTilgang: true,
    behandlingsansvarlig: 'Kristiansand kommune',
  })
})

t.test(
  'a document: a 4xx refuses that one document (not counted by a breaker); a 5xx is the source down',
  async (t) => {
    const { pool, fiks, ctx } = oppsett(t)
    const id = '0f9d2b1e-3c4d-4e5f-8a9b-1c2d3e4f5a6b'
    const dok = '5a0c4a56-8a49-4c51-9d4c-0a4e8c7e0b11'
    const sti = `/digisos/api/v1/nav/soknader/${id}/dokumenter/${dok}`
    for (const status of [404, 403, 400]) {
      pool.intercept({ path: (p) => p.startsWith(`${sti}?`) }).reply(status, feilkropp(status, sti))
      const feil = await fiks.hentDokument(id, dok, ctx).catch((e: unknown) => e)
      t.ok(feil instanceof KildeFeil && feil.arsak === 'AVVIST', `${status}: AVVIST`)
      t.equal(erKildesFeil(feil as Error), false, `${status}: not the source's fault`)
    }
    pool
      .intercept({ path: (p) => p.startsWith(`${sti}?`) })
      .reply(500, feilkropp(500, sti))
      .times(3)
    const feil = await fiks.hentDokument(id, dok, ctx).catch((e: unknown) => e)
    t.ok(feil instanceof KildeFeil && feil.arsak === 'UTILGJENGELIG')
    t.equal(erKildesFeil(feil as Error), true, "a 5xx is the source's fault")
  },
)

t.test(
  "the case list: a 4xx refuses that ident only (AVVIST, not counted by a breaker); 401, 429 and 5xx are Fiks's fault",
  async (t) => {
    const { pool, fiks, ctx } = oppsett(t)
    const sti = '/digisos/api/v1/nav/soknader/soknader'
    const svar = (status: number, kropp: string | object) =>
      pool
        .intercept({ path: (p) => p.startsWith(`${sti}?`), method: 'POST' })
        .reply(status, kropp, typeof kropp === 'string' ? { headers: { 'content-type': 'text/plain' } } : {})
    // KS's ErrorMessage, and a plain-text body from a gateway in front of Fiks: the status decides.
    for (const [status, kropp] of [
      [400, feilkropp(400, sti)],
      [404, 'Not Found'],
      [403, feilkropp(403, sti)],
    ] as const) {
      svar(status, kropp)
      const feil = await fiks.hentSaker('01818700050', ctx).catch((e: unknown) => e)
      t.ok(feil instanceof KildeFeil && feil.arsak === 'AVVIST', `${status}: AVVIST`)
      t.equal(erKildesFeil(feil as Error), false, `${status}: not counted against Fiks`)
    }
    for (const status of [401, 429]) {
      svar(status, feilkropp(status, sti))
      t.equal(
        await arsak(fiks.hentSaker('01818700050', ctx)),
        'UTILGJENGELIG',
        `${status}: about every call, so Fiks's fault`,
      )
    }
    svar(502, '<html>Bad Gateway</html>').times(3)
    t.equal(await arsak(fiks.hentSaker('01818700050', ctx)), 'UTILGJENGELIG', 'a 5xx in HTML: down, not a parse error')
  },
)

t.test('a document refused with a plain-text body is AVVIST, not a parse error', async (t) => {
  const { pool, fiks, ctx } = oppsett(t)
  const sti =
    '/digisos/api/v1/nav/soknader/0f9d2b1e-3c4d-4e5f-8a9b-1c2d3e4f5a6b/dokumenter/5a0c4a56-8a49-4c51-9d4c-0a4e8c7e0b11'
  pool
    .intercept({ path: (p) => p.startsWith(`${sti}?`) })
    .reply(404, 'Not Found', { headers: { 'content-type': 'text/plain' } })
  t.equal(
    await arsak(fiks.hentDokument('0f9d2b1e-3c4d-4e5f-8a9b-1c2d3e4f5a6b', '5a0c4a56-8a49-4c51-9d4c-0a4e8c7e0b11', ctx)),
    'AVVIST',
  )
})

t.test('behandlingsansvarlig "null" or empty is no name', async (t) => {
  const { pool, fiks, ctx } = oppsett(t)
  const info = opptak('kommuneinfo.json') as Record<string, unknown>
  for (const verdi of ['null', '', '  ', null]) {
    pool
      .intercept({ path: (p) => p.startsWith('/digisos/api/v1/nav/kommuner/4223?') })
      .reply(200, { ...info, behandlingsansvarlig: verdi })
    t.equal((await fiks.hentKommuneInfo('4223', ctx))?.behandlingsansvarlig, null, JSON.stringify(verdi))
  }
})

// KS's Digisos API (ks-no.github.io static/api/digisos-api-v1.json, getDokumentNav) answers 200
// "Henter dokument" with whatever the document store holds: no content schema. A stored document
// that is not JSON, or larger than any soknad.json or digisos-soker.json, is a fact about that one
// document and comes back the same on every lookup of the person: counted, it would open the
// municipality's breaker for everyone by a few lookups of one person.
t.test('a document that is not JSON, or too large, fails that document only (not counted by a breaker)', async (t) => {
  const { pool, fiks, ctx } = oppsett(t)
  const id = '0f9d2b1e-3c4d-4e5f-8a9b-1c2d3e4f5a6b'
  const dok = '5a0c4a56-8a49-4c51-9d4c-0a4e8c7e0b11'
  const sti = `/digisos/api/v1/nav/soknader/${id}/dokumenter/${dok}`
  const svar: [string, string | object][] = [
    ['a PDF where JSON was stored', '%PDF-1.7\n%âãÏÓ\n1 0 obj'],
    ['over the 2 MiB bound', { hendelser: [{ type: 'forelopigSvar', tekst: 'x'.repeat(2 * 1024 * 1024 + 1) }] }],
  ]
  for (const [hva, kropp] of svar) {
    pool.intercept({ path: (p) => p.startsWith(`${sti}?`) }).reply(200, kropp, {
      headers: { 'content-type': typeof kropp === 'string' ? 'application/octet-stream' : 'application/json' },
    })
    const feil = await fiks.hentDokument(id, dok, ctx).catch((e: unknown) => e)
    t.ok(feil instanceof KildeFeil, `${hva}: a KildeFeil`)
    t.equal(erKildesFeil(feil as Error), false, `${hva}: not the source's fault`)
  }
})
