// The token service client: a refused target (4xx) is that target's problem; a failing service
// (5xx) is the service's, and opens its breaker.
import t from 'tap'
import { MockAgent } from 'undici'
import { HttpKlient } from '../../src/sources/http.js'
import { RegisterFeil } from '../../src/sources/ports.js'
import { PdlPersonRegister } from '../../src/sources/registre.js'
import { TexasTokenKilde } from '../../src/sources/texas.js'
import { Brytere, Samkjoring } from '../../src/sources/vern.js'

const BASE = 'http://texas.test/api/v1/token'

t.test('4xx: AVVIST, never opens the breaker; 5xx: UTILGJENGELIG, opens it', async (t) => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(() => agent.close())
  const pool = agent.get('http://texas.test')
  const vern = { brytere: new Brytere({ feilPaRad: 2, apenMs: 10_000 }), samkjoring: new Samkjoring() }
  const texas = new TexasTokenKilde(
    new HttpKlient({ navn: 'texas', baseUrl: BASE, tidsavbrudd: 200, dispatcher: agent, retry: { forsok: 1 } }),
    vern,
  )
  const arsak = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => (e instanceof RegisterFeil ? e.arsak : String(e)),
    )

  pool.intercept({ path: '/api/v1/token', method: 'POST' }).reply(400, {}).times(3)
  for (let i = 0; i < 3; i++)
    t.equal(await arsak(texas.token('entra_id', 'api://feil/.default', { callId: `a${i}` })), 'AVVIST')
  t.equal(vern.brytere.tilstand('texas'), 'lukket')

  pool.intercept({ path: '/api/v1/token', method: 'POST' }).reply(503, {}).times(2)
  for (let i = 0; i < 2; i++)
    t.equal(await arsak(texas.token('entra_id', 'api://pdl/.default', { callId: `b${i}` })), 'UTILGJENGELIG')
  t.equal(vern.brytere.tilstand('texas'), 'apen', 'a failing token service opens its breaker')
})

// NAIS documents identity_provider "entra_id" for Texas's token endpoint (docs.nais.io, Texas's
// OpenAPI document: { identity_provider: "maskinporten" | "entra_id" | …, target }).
t.test('the registers ask Texas for an entra_id token, in the documented body', async (t) => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(() => agent.close())
  let sendt: unknown = null
  agent
    .get('http://texas.test')
    .intercept({ path: '/api/v1/token', method: 'POST' })
    .reply(200, (opts) => {
      sendt = JSON.parse(String(opts.body))
      return { access_token: 'a.b.c', expires_in: 3600, token_type: 'Bearer' }
    })
  agent
    .get('http://pdl.test')
    .intercept({ path: '/graphql', method: 'POST' })
    .reply(200, {
      data: {
        hentPerson: { adressebeskyttelse: [], doedsfall: [], forelderBarnRelasjon: [], sivilstand: [] },
        hentIdenter: { identer: [{ ident: '01918012345', gruppe: 'FOLKEREGISTERIDENT', historisk: false }] },
        hentGeografiskTilknytning: null,
      },
    })
  const texas = new TexasTokenKilde(
    new HttpKlient({ navn: 'texas', baseUrl: BASE, tidsavbrudd: 200, dispatcher: agent }),
  )
  const pdl = new PdlPersonRegister(
    new HttpKlient({ navn: 'pdl', baseUrl: 'http://pdl.test', tidsavbrudd: 200, dispatcher: agent }),
    texas,
    { scope: 'api://pdl/.default', behandlingsnummer: 'B123' },
  )
  await pdl.hentPerson('01918012345', { callId: 'c' })
  t.same(sendt, { identity_provider: 'entra_id', target: 'api://pdl/.default' })
})
