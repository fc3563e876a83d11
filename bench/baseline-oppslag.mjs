// The floor for scenario 3: a bare Fastify app that makes the same upstream calls as a lookup, with
// the same critical path, and nothing else — no token check, no access rules, no validation, no
// audit, no breakers, no session (an id → personident map), no redaction. POST /oppslag asks PDL and
// skjerming for the person and, beside them, NOM and then PDL for the employee; GET /oppslag/{id}
// asks for the case list, then every case's two documents and
// each municipality's fagsystem at once (KommuneInfo kept for good, as the service keeps it for its
// TTL), and answers the parsed bodies as one JSON. What the service costs above this is what its
// safeguards cost; what this costs is the machine's price for the calls themselves.
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import { byggKonfig, lesMiljo } from '../dist/config.js'
import { HttpKlient } from '../dist/sources/http.js'
import { NOM_QUERY, PDL_QUERY } from '../dist/sources/registre.js'
import { FIKS_IO_STI, MELDING_FORESPORSEL, PROTOKOLL_VERSJON } from '../dist/sources/fagsystem/protocol.js'

const config = byggKonfig(lesMiljo(process.env))
// The service's own HTTP client, one per upstream as the service has (the simulator is one origin
// for them all: one shared pool would be a queue the service does not have), without retries: the
// calls themselves, at the price the service pays for them.
const klienter = new Map()
function kall(base, path, { method = 'GET', headers, body, query } = {}) {
  if (!klienter.has(base)) {
    klienter.set(
      base,
      new HttpKlient({
        navn: 'gulv',
        baseUrl: base,
        tidsavbrudd: config.tidsavbrudd.fiks,
        maksTilkoblinger: config.upstreamMaksTilkoblinger,
        retry: { forsok: 1 },
      }),
    )
  }
  return klienter.get(base).kall({ method, path, headers, body, query })
}

async function token(identityProvider, target) {
  const svar = await kall(config.tokenEndpoint, '', {
    method: 'POST',
    body: { identity_provider: identityProvider, target },
  })
  return svar.data.access_token
}
const tokens = {
  pdl: await token('azuread', config.pdl.scope),
  skjerming: await token('azuread', config.skjerming.scope),
  nom: await token('azuread', config.nom.scope),
  fiks: await token('maskinporten', 'ks:fiks'),
}
const fiksHoder = () => ({
  authorization: `Bearer ${tokens.fiks}`,
  integrasjonid: config.fiks.integrasjonId,
  integrasjonpassord: config.fiks.integrasjonPassord,
  'nav-call-id': 'bench',
})
const sporing = () => ({ sporingsId: randomUUID() })

const oppslag = new Map()
const kommuneInfo = new Map()

const app = Fastify({ logger: false })
const hentPerson = (ident) =>
  kall(config.pdl.url, 'graphql', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokens.pdl}`,
      behandlingsnummer: config.pdl.behandlingsnummer,
      tema: 'GEN',
      'nav-call-id': 'bench',
    },
    body: { query: PDL_QUERY, variables: { ident } },
  })

app.post('/api/v1/oppslag', async (request, reply) => {
  const { personident } = request.body
  // The employee's NAVident read from the token without checking it (the floor checks nothing).
  const navident = JSON.parse(Buffer.from(request.headers.authorization.split('.')[1], 'base64url').toString()).NAVident
  const [pdl, skjermet] = await Promise.all([
    hentPerson(personident),
    kall(config.skjerming.url, 'skjermet', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.skjerming}`, 'nav-call-id': 'bench' },
      body: { personident },
    }),
    // The employee's own person (habilitet): NOM, then PDL.
    kall(config.nom.url, 'graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.nom}`, 'nav-call-id': 'bench' },
      body: { query: NOM_QUERY, variables: { navident } },
    }).then((nom) => (nom.data?.data?.ressurs?.personident ? hentPerson(nom.data.data.ressurs.personident) : null)),
  ])
  if (pdl.status !== 200 || skjermet.status !== 200) throw new Error('registrene svarte ikke')
  const oppslagId = randomUUID()
  oppslag.set(oppslagId, {
    personident,
    kommunenummer: pdl.data?.data?.hentGeografiskTilknytning?.gtKommune ?? null,
    skjermet: skjermet.data,
  })
  return reply.code(201).send({ oppslagId })
})

app.get('/api/v1/oppslag/:id', async (request) => {
  const o = oppslag.get(request.params.id)
  const sakliste = await kall(config.fiks.digisosUrl, 'digisos/api/v1/nav/soknader/soknader', {
    method: 'POST',
    headers: fiksHoder(),
    body: { fnr: o.personident },
    query: sporing(),
  })
  // A fault is a 500 the load counts, never a quick answer that would flatter the floor.
  if (sakliste.status !== 200) throw new Error('saksliste: ingen svar')
  const saker = sakliste.data
  const kommuner = [...new Set([o.kommunenummer, ...saker.map((s) => s.kommunenummer)].filter(Boolean))]
  const svar = await Promise.all(
    kommuner.map(async (k) => {
      let info = kommuneInfo.get(k)
      if (info === undefined) {
        const svar = await kall(config.fiks.digisosUrl, `digisos/api/v1/nav/kommuner/${k}`, {
          headers: fiksHoder(),
          query: sporing(),
        })
        if (svar.status !== 200 && svar.status !== 404) throw new Error('kommuneinfo: ingen svar')
        info = svar.status === 200 ? svar.data : null
        kommuneInfo.set(k, info)
      }
      if (!info?.harNksTilgang) return { kommunenummer: k }
      const dokumenter = saker
        .filter((s) => s.kommunenummer === k)
        .flatMap((s) =>
          [s.originalSoknadNAV?.metadata, s.digisosSoker?.metadata].filter(Boolean).map((d) =>
            kall(config.fiks.digisosUrl, `digisos/api/v1/nav/soknader/${s.fiksDigisosId}/dokumenter/${d}`, {
              headers: fiksHoder(),
              query: sporing(),
            }).then((r) => r.data),
          ),
        )
      const fagsystem = kall(config.fiks.ioUrl, FIKS_IO_STI, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.fiks}`, 'nav-call-id': 'bench' },
        body: {
          versjon: PROTOKOLL_VERSJON,
          meldingType: MELDING_FORESPORSEL,
          meldingId: randomUUID(),
          sporingsId: randomUUID(),
          mottaker: { kommunenummer: k },
          ttlSekunder: 3,
          data: { personident: o.personident },
        },
      }).then((r) => r.data)
      return { kommunenummer: k, dokumenter: await Promise.all(dokumenter), fagsystem: await fagsystem }
    }),
  )
  return { oppslagId: request.params.id, kommuner: svar }
})

await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`KLAR http://127.0.0.1:${app.server.address().port}\n`)
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => Promise.all([...klienter.values()].map((k) => k.close())))
      .then(() => process.exit(0)),
)
