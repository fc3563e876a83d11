// The dev OIDC issuer and startSimulator: tokens verify against the JWKS with the claims the
// service reads, and every URL handed out reaches its upstream.
import { randomUUID } from 'node:crypto'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import t from 'tap'
import { personMedTag, standardDatasett, startSimulator } from '../../simulator/index.js'
import { FIKS_IO_STI, MELDING_FORESPORSEL } from '../../src/sources/fagsystem/protocol.js'
import { INTEGRASJON, kall, NAA, PDL_HODER, PDL_QUERY, sporing } from './fixtures/hjelp.js'

const AUD = 'stonadsoppslag-test'
const GRUPPE = '5e1b2c3d-0000-4000-8000-00000000a001'

t.test('startSimulator', async (t) => {
  const sim = await startSimulator({
    integrasjon: INTEGRASJON,
    groups: [GRUPPE],
    audience: AUD,
    datasett: standardDatasett({ naa: NAA }),
  })
  t.teardown(() => sim.close())
  const jwks = createRemoteJWKSet(new URL(sim.urls.AZURE_OPENID_CONFIG_JWKS_URI))
  const verifiser = (token: string) =>
    jwtVerify(token, jwks, { issuer: sim.urls.AZURE_OPENID_CONFIG_ISSUER, audience: AUD, algorithms: ['RS256'] })

  t.test("URLs in the service's configuration names", async (t) => {
    t.same(Object.keys(sim.urls).sort(), [
      'AZURE_OPENID_CONFIG_ISSUER',
      'AZURE_OPENID_CONFIG_JWKS_URI',
      'FIKS_DIGISOS_URL',
      'FIKS_IO_URL',
      'NAIS_TOKEN_ENDPOINT',
      'NOM_URL',
      'PDL_URL',
      'SKJERMING_URL',
    ])
    for (const u of Object.values(sim.urls)) t.match(u, /^http:\/\/127\.0\.0\.1:\d+/)
    t.not(
      new URL(sim.urls.AZURE_OPENID_CONFIG_ISSUER).port,
      new URL(sim.urls.PDL_URL).port,
      'the issuer has its own port',
    )
  })

  t.test('every URL reaches its upstream the way the adapters append paths', async (t) => {
    const d = sim.datasett
    const ident = personMedTag(d, 'kvp-generisk').personident
    const pdl = await kall(`${sim.urls.PDL_URL}/graphql`, {
      headers: PDL_HODER,
      body: { query: PDL_QUERY, variables: { ident } },
    })
    t.ok((pdl.json as any).data.hentPerson)
    const skj = await kall(`${sim.urls.SKJERMING_URL}/skjermet`, {
      headers: { authorization: 'Bearer x' },
      body: { personident: ident },
    })
    t.equal(skj.tekst, 'false')
    const nom = await kall(`${sim.urls.NOM_URL}/graphql`, {
      headers: { authorization: 'Bearer x' },
      body: {
        query: 'query($navident: String!) { ressurs(where: { navident: $navident }) { navident personident } }',
        variables: { navident: 'Z990001' },
      },
    })
    t.equal((nom.json as any).data.ressurs.navident, 'Z990001')
    const tok = await kall(sim.urls.NAIS_TOKEN_ENDPOINT, {
      body: { identity_provider: 'maskinporten', target: 'ks:fiks' },
    })
    t.equal(tok.status, 200)
    const info = await kall(`${sim.urls.FIKS_DIGISOS_URL}/digisos/api/v1/nav/kommuner/0301?${sporing()}`, {
      headers: { authorization: 'Bearer x', integrasjonid: INTEGRASJON.id, integrasjonpassord: INTEGRASJON.passord },
    })
    t.equal(info.status, 200)
    const io = await kall(`${sim.urls.FIKS_IO_URL}${FIKS_IO_STI}`, {
      headers: { authorization: 'Bearer x' },
      body: {
        versjon: 1,
        meldingType: MELDING_FORESPORSEL,
        meldingId: randomUUID(),
        sporingsId: randomUUID(),
        mottaker: { kommunenummer: '0301' },
        ttlSekunder: 5,
        data: { personident: ident },
      },
    })
    t.equal(io.status, 200)
    t.same(sim.styring.kall().perUpstream, {
      pdl: 1,
      skjerming: 1,
      nom: 1,
      texas: 1,
      'fiks-kommuneinfo': 1,
      'fiks-io': 1,
    })
  })

  t.test('POST /dev/token gives a token that verifies against the JWKS', async (t) => {
    const svar = await kall(`${sim.baseUrl}/dev/token`, { body: { navident: 'Z990001' } })
    t.equal(svar.status, 200)
    const { access_token } = svar.json as { access_token: string }
    t.equal(decodeProtectedHeader(access_token).alg, 'RS256')
    const { payload } = await verifiser(access_token)
    t.equal(payload['NAVident'], 'Z990001')
    t.same(payload['groups'], [GRUPPE], 'default groups from the options')
    t.equal(payload.iss, sim.urls.AZURE_OPENID_CONFIG_ISSUER)
    t.equal(payload.aud, AUD)
    t.match(payload['oid'], /^[0-9a-f-]{36}$/)
    t.equal(payload.sub, payload['oid'])
    t.notOk('name' in payload, 'no name')
    t.ok(typeof payload.iat === 'number' && typeof payload.nbf === 'number' && typeof payload.exp === 'number')
    t.ok(payload.exp! > payload.iat!)

    const igjen = await verifiser(
      ((await kall(`${sim.baseUrl}/dev/token`, { body: { navident: 'Z990001', groups: ['a', 'b'] } })).json as any)
        .access_token,
    )
    t.same(igjen.payload['groups'], ['a', 'b'])
    t.equal(igjen.payload['oid'], payload['oid'], 'the same employee has the same oid')

    t.equal((await kall(`${sim.baseUrl}/dev/token`, { body: { navident: 'ola' } })).status, 400)
    t.equal((await kall(`${sim.baseUrl}/dev/token`, { body: {} })).status, 400)
  })

  t.test('lagToken: overrides, removed claims, machine tokens, expiry', async (t) => {
    const utenNavident = await verifiser(
      await sim.lagToken({ navident: 'Z990002', groups: [], aud: AUD, NAVident: undefined }),
    )
    t.notOk('NAVident' in utenNavident.payload)
    const maskin = await verifiser(await sim.lagToken({ aud: AUD, idtyp: 'app', azp: 'annen-app' }))
    t.equal(maskin.payload['idtyp'], 'app')
    t.notOk('NAVident' in maskin.payload)
    t.notOk('groups' in maskin.payload)
    const annenAud = await sim.lagToken({ navident: 'Z990001', groups: [], aud: 'noe-annet' })
    await t.rejects(verifiser(annenAud), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' })
    const utlopt = await sim.lagToken({
      navident: 'Z990001',
      groups: [],
      aud: AUD,
      exp: Math.floor(Date.now() / 1000) - 600,
    })
    await t.rejects(verifiser(utlopt), { code: 'ERR_JWT_EXPIRED' })
  })

  t.test('a rotated key is published in the JWKS', async (t) => {
    const kid = await sim.oidc.roterNokkel()
    const token = await sim.lagToken({ navident: 'Z990001', groups: [], aud: AUD })
    t.equal(decodeProtectedHeader(token).kid, kid)
    const nye = createRemoteJWKSet(new URL(sim.urls.AZURE_OPENID_CONFIG_JWKS_URI))
    await jwtVerify(token, nye, { issuer: sim.urls.AZURE_OPENID_CONFIG_ISSUER, audience: AUD })
    t.pass('verifies')
  })

  t.test('the OpenID configuration names the same issuer and JWKS', async (t) => {
    const svar = await kall(`${sim.urls.AZURE_OPENID_CONFIG_ISSUER}/.well-known/openid-configuration`)
    t.match(svar.json, { issuer: sim.urls.AZURE_OPENID_CONFIG_ISSUER, jwks_uri: sim.urls.AZURE_OPENID_CONFIG_JWKS_URI })
  })
})

t.test('close is idempotent and frees both ports', async (t) => {
  const sim = await startSimulator({ integrasjon: INTEGRASJON, groups: [], audience: AUD })
  const pdl = sim.urls.PDL_URL
  const jwks = sim.urls.AZURE_OPENID_CONFIG_JWKS_URI
  await Promise.all([sim.close(), sim.close()])
  await t.rejects(kall(`${pdl}/graphql`, { body: {} }))
  await t.rejects(kall(jwks))
})
