// Fault injection: each kind (latency, status, timeout, malformed, reset), per municipality and per
// upstream, from the dataset and at run time.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { personMedTag, sakMedTag } from '../../simulator/dataset.js'
import { MELDING_FORESPORSEL } from '../../src/sources/fagsystem/protocol.js'
import { fiksHoder, kall, PDL_HODER, PDL_QUERY, sporing, startApp } from './fixtures/hjelp.js'

const FIKS = '/fiks/digisos/api/v1/nav'

async function settFeil(url: string, mal: object, feil: object | null) {
  const svar = await kall(`${url}/simulator/feil`, { method: 'PUT', body: { mal, feil } })
  if (svar.status !== 200) throw new Error(`PUT /simulator/feil: ${svar.status} ${svar.tekst}`)
  return svar.json
}

const kommuneinfo = (url: string, knr: string, signal?: AbortSignal) =>
  kall(`${url}${FIKS}/kommuner/${knr}?${sporing()}`, { headers: fiksHoder(), ...(signal ? { signal } : {}) })

t.test('latency delays the answer, then answers normally', async (t) => {
  const { url, datasett: d } = await startApp(t)
  await settFeil(url, { upstream: 'pdl' }, { latencyMs: 300 })
  const start = performance.now()
  const svar = await kall(`${url}/pdl/graphql`, {
    headers: PDL_HODER,
    body: { query: PDL_QUERY, variables: { ident: personMedTag(d, 'ansatt').personident } },
  })
  t.ok(performance.now() - start >= 280, 'waited')
  t.equal(svar.status, 200)
  t.ok((svar.json as any).data.hentPerson)
})

t.test("status answers that status in the upstream's error shape", async (t) => {
  const { url, datasett: d } = await startApp(t)
  await settFeil(url, { kommunenummer: '0301' }, { status: 503 })
  const oslo = await kommuneinfo(url, '0301')
  t.equal(oslo.status, 503)
  t.match(oslo.json, {
    status: 503,
    error: 'Service Unavailable',
    errorId: String,
    path: '/digisos/api/v1/nav/kommuner/0301',
  })
  t.equal((await kommuneinfo(url, '4601')).status, 200, 'other municipalities unaffected')

  // A municipality's fault hits its documents and fiks-io, not the cross-municipality case list.
  const sak = sakMedTag(d, 'sak-oslo-innvilget')
  const dok = await kall(
    `${url}${FIKS}/soknader/${sak.fiksDigisosId}/dokumenter/${sak.soknad!.dokumentlagerId}?${sporing()}`,
    { headers: fiksHoder() },
  )
  t.equal(dok.status, 503)
  const saker = await kall(`${url}${FIKS}/soknader/soknader?${sporing()}`, {
    headers: fiksHoder(),
    body: { fnr: sak.sokerFnr },
  })
  t.equal(saker.status, 200)
  const fiksIo = await kall(`${url}/fiks-io/v1/meldinger`, {
    headers: { authorization: 'Bearer x' },
    body: {
      versjon: 1,
      meldingType: MELDING_FORESPORSEL,
      meldingId: randomUUID(),
      sporingsId: randomUUID(),
      mottaker: { kommunenummer: '0301' },
      ttlSekunder: 5,
      data: { personident: personMedTag(d, 'kvp-generisk').personident },
    },
  })
  t.equal(fiksIo.status, 503)

  await settFeil(url, { upstream: 'fiks-soknader' }, { status: 500 })
  t.equal(
    (await kall(`${url}${FIKS}/soknader/soknader?${sporing()}`, { headers: fiksHoder(), body: { fnr: sak.sokerFnr } }))
      .status,
    500,
  )

  await settFeil(url, { upstream: 'skjerming' }, { status: 502 })
  t.equal(
    (
      await kall(`${url}/skjerming/skjermet`, {
        headers: { authorization: 'Bearer x' },
        body: { personident: sak.sokerFnr },
      })
    ).status,
    502,
  )
})

t.test('timeout holds the call until the client gives up', async (t) => {
  const { url, styring } = await startApp(t)
  await settFeil(url, { kommunenummer: '4601' }, { timeout: true })
  const start = performance.now()
  await t.rejects(kommuneinfo(url, '4601', AbortSignal.timeout(300)), { name: /AbortError|TimeoutError/ })
  t.ok(performance.now() - start >= 280)
  t.equal((await kommuneinfo(url, '0301')).status, 200, 'the simulator is still serving')
  t.equal(styring.kall().perKommune['4601']?.['fiks-kommuneinfo'], 1)
  // A held call must not stop the app from closing (teardown closes it while one is pending).
  void kommuneinfo(url, '4601').catch(() => undefined)
})

t.test('malformed answers 200 with a body that is not JSON', async (t) => {
  const { url, datasett: d } = await startApp(t)
  await settFeil(url, { upstream: 'skjerming' }, { malformed: true })
  const svar = await kall(`${url}/skjerming/skjermet`, {
    headers: { authorization: 'Bearer x' },
    body: { personident: personMedTag(d, 'skjermet').personident },
  })
  t.equal(svar.status, 200)
  t.match(svar.headers['content-type'], /application\/json/)
  t.throws(() => JSON.parse(svar.tekst))
})

t.test('reset drops the connection', async (t) => {
  const { url } = await startApp(t)
  await settFeil(url, { upstream: 'nom' }, { reset: true })
  await t.rejects(
    kall(`${url}/nom/graphql`, {
      headers: { authorization: 'Bearer x' },
      body: { query: '{ ressurs(where: {navident: $n}) { navident } }', variables: { navident: 'Z990001' } },
    }),
    { code: /UND_ERR_SOCKET|ECONNRESET/ },
  )
  await settFeil(url, { upstream: 'nom' }, null)
  const svar = await kall(`${url}/nom/graphql`, {
    headers: { authorization: 'Bearer x' },
    body: {
      query: 'query($navident: String!) { ressurs(where: {navident: $navident}) { navident personident } }',
      variables: { navident: 'Z990099' },
    },
  })
  t.same(svar.json, { data: { ressurs: null } }, 'healthy again once cleared')
})

t.test('latency combined with status; a client that leaves during latency', async (t) => {
  const { url } = await startApp(t)
  await settFeil(url, { upstream: 'texas' }, { latencyMs: 150, status: 503 })
  const start = performance.now()
  const svar = await kall(`${url}/texas/api/v1/token`, { body: { identity_provider: 'azuread', target: 'x' } })
  t.ok(performance.now() - start >= 140)
  t.equal(svar.status, 503)
  t.match(svar.json, { error: String, error_description: String })
  await settFeil(url, { upstream: 'texas' }, { latencyMs: 5000 })
  await t.rejects(
    kall(`${url}/texas/api/v1/token`, {
      body: { identity_provider: 'azuread', target: 'x' },
      signal: AbortSignal.timeout(100),
    }),
  )
})

t.test('faults from the dataset, and clearing them all', async (t) => {
  const { url, styring } = await startApp(t)
  // Ålesund carries { status: 503 } in the bundled dataset.
  t.equal((await kommuneinfo(url, '1508')).status, 503)
  t.same((await kall(`${url}/simulator/feil`)).json, { kommuner: { '1508': { status: 503 } }, upstreams: {} })
  t.equal((await kall(`${url}/simulator/feil`, { method: 'DELETE' })).status, 204)
  t.equal((await kommuneinfo(url, '1508')).status, 200)
  t.same(styring.kall().perKommune['1508'], { 'fiks-kommuneinfo': 2 }, 'faulted calls count too')
})

t.test('the control API refuses a malformed fault and accepts programmatic use', async (t) => {
  const { url, styring } = await startApp(t)
  const darlig = async (body: unknown) => (await kall(`${url}/simulator/feil`, { method: 'PUT', body })).status
  t.equal(await darlig({ mal: { upstream: 'ukjent' }, feil: { status: 500 } }), 400)
  t.equal(await darlig({ mal: { kommunenummer: '301' }, feil: { status: 500 } }), 400)
  t.equal(await darlig({ mal: { kommunenummer: '0301' }, feil: { status: 'mye' } }), 400)
  t.equal(await darlig({ mal: { kommunenummer: '0301' }, feil: { hakk: true } }), 400)
  t.equal(await darlig({ mal: { kommunenummer: '0301', upstream: 'pdl' }, feil: null }), 400)

  styring.settFeil({ kommunenummer: '0301' }, { status: 429 })
  t.equal((await kommuneinfo(url, '0301')).status, 429)
  styring.settFeil({ kommunenummer: '0301' }, null)
  t.equal((await kommuneinfo(url, '0301')).status, 200)
  styring.settFeil({ upstream: 'fiks-kommuneinfo' }, { status: 500 })
  styring.settFeil({ kommunenummer: '4601' }, { status: 418 })
  t.equal((await kommuneinfo(url, '4601')).status, 418, "the municipality's fault wins")
  t.equal((await kommuneinfo(url, '0301')).status, 500)
  styring.fjernAlleFeil()
  t.equal((await kommuneinfo(url, '0301')).status, 200)
})

t.test('two simulators keep separate state', async (t) => {
  const a = await startApp(t)
  const b = await startApp(t)
  await settFeil(a.url, { kommunenummer: '0301' }, { status: 503 })
  t.equal((await kommuneinfo(a.url, '0301')).status, 503)
  t.equal((await kommuneinfo(b.url, '0301')).status, 200)
  t.equal(a.styring.kall().perUpstream['fiks-kommuneinfo'], 1)
  t.equal(b.styring.kall().perUpstream['fiks-kommuneinfo'], 1)
})
