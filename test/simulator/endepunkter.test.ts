// Each simulated upstream answers its wire shape over real HTTP, and enforces what the real one
// requires of a caller.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { personMedTag, sakMedTag, ukjentPersonMedTag } from '../../simulator/dataset.js'
import {
  Feilsvar,
  type Foresporsel,
  GeneriskV1,
  MELDING_FORESPORSEL,
  SocioV1,
  Svar,
} from '../../src/sources/fagsystem/protocol.js'
import { fiksHoder, kall, PDL_HODER, PDL_QUERY, sporing, startApp } from './fixtures/hjelp.js'

const FIKS = '/fiks/digisos/api/v1/nav'

t.test('PDL', async (t) => {
  const { url, datasett: d } = await startApp(t)
  const pdl = (ident: string, headers: Record<string, string> = PDL_HODER, query = PDL_QUERY) =>
    kall(`${url}/pdl/graphql`, { headers, body: { query, variables: { ident } } })

  t.test('a person with family: relations both ways, sivilstand history', async (t) => {
    const meg = personMedTag(d, 'ansatt')
    const svar = await pdl(meg.personident)
    t.equal(svar.status, 200)
    t.same(svar.json, {
      data: {
        hentPerson: {
          adressebeskyttelse: [],
          doedsfall: [],
          forelderBarnRelasjon: [
            {
              relatertPersonsIdent: personMedTag(d, 'ansatt-forelder').personident,
              relatertPersonsRolle: 'MOR',
              minRolleForPerson: 'BARN',
            },
            {
              relatertPersonsIdent: personMedTag(d, 'ansatt-barn').personident,
              relatertPersonsRolle: 'BARN',
              minRolleForPerson: 'FAR',
            },
            {
              relatertPersonsIdent: personMedTag(d, 'ansatt-felles-barn-med-medforelder').personident,
              relatertPersonsRolle: 'BARN',
              minRolleForPerson: 'FAR',
            },
          ],
          sivilstand: [
            { type: 'UGIFT', relatertVedSivilstand: null },
            { type: 'GIFT', relatertVedSivilstand: personMedTag(d, 'ansatt-tidligere-ektefelle').personident },
            { type: 'SKILT', relatertVedSivilstand: personMedTag(d, 'ansatt-tidligere-ektefelle').personident },
            { type: 'GIFT', relatertVedSivilstand: personMedTag(d, 'ansatt-ektefelle').personident },
          ],
        },
        hentGeografiskTilknytning: { gtType: 'BYDEL', gtKommune: null, gtBydel: '030102', gtLand: null },
        hentIdenter: {
          identer: [
            { ident: meg.personident, gruppe: 'FOLKEREGISTERIDENT', historisk: false },
            { ident: `20${meg.personident}`, gruppe: 'AKTORID', historisk: false },
          ],
        },
      },
    })
  })

  // PDL's schema: hentIdenter(ident: ID!, grupper: [IdentGruppe!], historikk: Boolean = false):
  // Identliste { identer: [IdentInformasjon { ident, gruppe (AKTORID|FOLKEREGISTERIDENT|NPID), historisk }] }
  t.test('hentIdenter: a person found by a historical ident, its idents with history only when asked', async (t) => {
    const p = personMedTag(d, 'identbytte')
    const gammel = p.historiskeIdenter[0]?.personident as string
    const medHistorikk =
      'query($ident: ID!) { hentIdenter(ident: $ident, historikk: true) { identer { ident gruppe historisk } } }'
    for (const ident of [p.personident, gammel]) {
      const svar = await pdl(ident, PDL_HODER, medHistorikk)
      t.same(
        svar.json,
        {
          data: {
            hentIdenter: {
              identer: [
                { ident: p.personident, gruppe: 'FOLKEREGISTERIDENT', historisk: false },
                { ident: gammel, gruppe: 'FOLKEREGISTERIDENT', historisk: true },
                { ident: `20${p.personident}`, gruppe: 'AKTORID', historisk: false },
              ],
            },
          },
        },
        ident === gammel ? 'by the old ident' : 'by the current ident',
      )
    }
    const utenHistorikk = await pdl(
      gammel,
      PDL_HODER,
      'query($ident: ID!) { hentIdenter(ident: $ident) { identer { ident gruppe historisk } } }',
    )
    t.same(
      (utenHistorikk.json as any).data.hentIdenter.identer.map((i: any) => i.historisk),
      [false, false],
      'historikk defaults to false',
    )
    const person = (await pdl(gammel)).json as any
    t.same(
      person.data.hentGeografiskTilknytning,
      p.geografiskTilknytning,
      'hentPerson by the old ident is the same person',
    )
  })

  t.test('siblings are found through the parent', async (t) => {
    const mor = await pdl(personMedTag(d, 'ansatt-forelder').personident)
    const barn = (mor.json as any).data.hentPerson.forelderBarnRelasjon.map((r: any) => r.relatertPersonsIdent)
    t.ok(barn.includes(personMedTag(d, 'ansatt').personident))
    t.ok(barn.includes(personMedTag(d, 'ansatt-sosken').personident))
  })

  t.test('gradering, death and a tie abroad', async (t) => {
    const k6 = (await pdl(personMedTag(d, 'kode6').personident)).json as any
    t.same(k6.data.hentPerson.adressebeskyttelse, [{ gradering: 'STRENGT_FORTROLIG' }])
    const utland = (await pdl(personMedTag(d, 'kode6-utland').personident)).json as any
    t.same(utland.data.hentPerson.adressebeskyttelse, [{ gradering: 'STRENGT_FORTROLIG_UTLAND' }])
    t.same(utland.data.hentGeografiskTilknytning, { gtType: 'UTLAND', gtKommune: null, gtBydel: null, gtLand: 'SWE' })
    const k7 = (await pdl(personMedTag(d, 'kode7-midlertidig-bolig').personident)).json as any
    t.same(k7.data.hentPerson.adressebeskyttelse, [{ gradering: 'FORTROLIG' }])
    const doed = (await pdl(personMedTag(d, 'doed').personident)).json as any
    t.equal(doed.data.hentPerson.doedsfall.length, 1)
    t.match(doed.data.hentPerson.doedsfall[0].doedsdato, /^\d{4}-\d{2}-\d{2}$/)
    t.same(doed.data.hentGeografiskTilknytning, { gtType: 'KOMMUNE', gtKommune: '0301', gtBydel: null, gtLand: null })
  })

  t.test('an unknown person is not_found with HTTP 200', async (t) => {
    const svar = await pdl(ukjentPersonMedTag(d, 'ukjent-i-pdl'))
    t.equal(svar.status, 200)
    t.same(svar.json, {
      errors: [
        {
          message: 'Fant ikke person',
          path: ['hentPerson'],
          extensions: { code: 'not_found', classification: 'ExecutionAborted' },
        },
      ],
      data: { hentPerson: null, hentGeografiskTilknytning: null, hentIdenter: null },
    })
  })

  t.test('only the fields asked for', async (t) => {
    const svar = await pdl(
      personMedTag(d, 'uten-saker').personident,
      PDL_HODER,
      'query($ident: ID!) { hentGeografiskTilknytning(ident: $ident) { gtType gtKommune gtBydel gtLand } }',
    )
    t.same(svar.json, {
      data: { hentGeografiskTilknytning: { gtType: 'KOMMUNE', gtKommune: '5001', gtBydel: null, gtLand: null } },
    })
  })

  t.test('auth and headers are required; errors come with HTTP 200', async (t) => {
    const ident = personMedTag(d, 'ansatt').personident
    const kode = async (s: Promise<{ status: number; json: unknown }>) => {
      const svar = await s
      t.equal(svar.status, 200)
      t.equal((svar.json as any).data, null)
      return (svar.json as any).errors[0].extensions.code as string
    }
    const { authorization: _a, ...utenAuth } = PDL_HODER
    t.equal(await kode(pdl(ident, utenAuth)), 'unauthenticated')
    t.equal(await kode(pdl(ident, { ...PDL_HODER, authorization: 'Basic eA==' })), 'unauthenticated')
    t.equal(await kode(pdl(ident, { ...PDL_HODER, authorization: 'Bearer ' })), 'unauthenticated')
    const { behandlingsnummer: _b, ...utenBeh } = PDL_HODER
    t.equal(await kode(pdl(ident, utenBeh)), 'bad_request')
    // The real PDL does not demand Tema (navikt/populasjonstilgangskontroll's PDL client sends none).
    const { tema: _t, ...utenTema } = PDL_HODER
    t.equal((await pdl(ident, utenTema)).status, 200)
    t.ok(((await pdl(ident, utenTema)).json as any).data.hentPerson, 'no Tema header: answered all the same')
    t.equal(
      await kode(pdl(ident, PDL_HODER, '{ hentPersonBolk(identer: ["x"]) { ident } }')),
      'bad_request',
      'a field the simulator does not know',
    )
    t.equal(await kode(kall(`${url}/pdl/graphql`, { headers: PDL_HODER, body: { query: PDL_QUERY } })), 'bad_request')
  })
})

t.test('skjermede-personer-pip', async (t) => {
  const { url, datasett: d } = await startApp(t)
  const hoder = { authorization: 'Bearer azure-token' }
  const skjermet = await kall(`${url}/skjerming/skjermet`, {
    headers: hoder,
    body: { personident: personMedTag(d, 'skjermet').personident },
  })
  t.equal(skjermet.status, 200)
  t.equal(skjermet.tekst, 'true', 'a bare boolean')
  t.match(skjermet.headers['content-type'], /application\/json/)
  const ikke = await kall(`${url}/skjerming/skjermet`, {
    headers: hoder,
    body: { personident: personMedTag(d, 'ansatt').personident },
  })
  t.equal(ikke.tekst, 'false')
  const ukjent = await kall(`${url}/skjerming/skjermet`, {
    headers: hoder,
    body: { personident: ukjentPersonMedTag(d, 'ukjent-i-pdl') },
  })
  t.equal(ukjent.tekst, 'false')

  const a = personMedTag(d, 'skjermet').personident
  const b = personMedTag(d, 'kode6').personident
  const bulk = await kall(`${url}/skjerming/skjermetBulk`, { headers: hoder, body: { personidenter: [a, b] } })
  t.same(bulk.json, { [a]: true, [b]: false })
  // The pip knows each ident on its own: this person only by the old one.
  const p = personMedTag(d, 'skjermet-gammel-ident')
  const gammel = p.historiskeIdenter[0]?.personident as string
  t.same(
    (await kall(`${url}/skjerming/skjermetBulk`, { headers: hoder, body: { personidenter: [p.personident, gammel] } }))
      .json,
    { [p.personident]: false, [gammel]: true },
  )

  t.equal((await kall(`${url}/skjerming/skjermet`, { body: { personident: a } })).status, 401)
  t.equal((await kall(`${url}/skjerming/skjermet`, { headers: hoder, body: { ident: a } })).status, 400)
})

t.test('NOM', async (t) => {
  const { url, datasett: d } = await startApp(t)
  const nom = (navident: string, headers: Record<string, string> = { authorization: 'Bearer azure-token' }) =>
    kall(`${url}/nom/graphql`, {
      headers,
      body: {
        query: 'query($navident: String!) { ressurs(where: { navident: $navident }) { navident personident } }',
        variables: { navident },
      },
    })
  t.same((await nom('Z990001')).json, {
    data: { ressurs: { navident: 'Z990001', personident: personMedTag(d, 'ansatt').personident } },
  })
  t.same((await nom('Z990003')).json, { data: { ressurs: { navident: 'Z990003', personident: null } } })
  t.same((await nom('Z990099')).json, { data: { ressurs: null } }, 'no NOM entry')
  t.equal((await nom('Z990001', {})).status, 401)
  const feil = await kall(`${url}/nom/graphql`, {
    headers: { authorization: 'Bearer x' },
    body: { query: '{ orgEnhet { id } }', variables: { navident: 'Z990001' } },
  })
  t.equal((feil.json as any).errors[0].extensions.code, 'bad_request')
})

t.test('Texas', async (t) => {
  const { url, styring } = await startApp(t)
  const sti = `${url}/texas/api/v1/token`
  const svar = await kall(sti, { body: { identity_provider: 'maskinporten', target: 'ks:fiks' } })
  t.equal(svar.status, 200)
  t.match(svar.json, { access_token: String, expires_in: 3600, token_type: 'Bearer' })
  t.same(Object.keys(svar.json as object).sort(), ['access_token', 'expires_in', 'token_type'])
  const skjema = await kall(sti, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'identity_provider=azuread&target=api%3A%2F%2Fdev-fss.pdl.pdl-api%2F.default',
  })
  t.equal(skjema.status, 200, 'form posts too')
  const darlig = await kall(sti, { body: { target: 'ks:fiks' } })
  t.equal(darlig.status, 400)
  t.match(darlig.json, { error: 'invalid_request', error_description: String })
  t.equal((await kall(sti, { body: { identity_provider: 'idporten', target: 'x' } })).status, 400)
  // entra_id is the value NAIS documents (docs.nais.io, Texas's OpenAPI document); azuread is the
  // older name Texas still takes, and both are the same provider.
  const entra = await kall(sti, {
    body: { identity_provider: 'entra_id', target: 'api://dev-fss.pdl.pdl-api/.default' },
  })
  t.equal(entra.status, 200)
  t.same(styring.kall().tokens, [
    { identityProvider: 'maskinporten', target: 'ks:fiks', antall: 1 },
    { identityProvider: 'entra_id', target: 'api://dev-fss.pdl.pdl-api/.default', antall: 2 },
  ])
  t.equal(styring.kall().perUpstream.texas, 5, 'every call counted')
})

t.test('Fiks Digisos', async (t) => {
  const { url, datasett: d, styring } = await startApp(t)

  t.test('soknader: the DigisosSak list', async (t) => {
    const p = personMedTag(d, 'ugradert-to-kommuner')
    const sporingsId = randomUUID()
    const svar = await kall(`${url}${FIKS}/soknader/soknader?sporingsId=${sporingsId}`, {
      headers: fiksHoder(),
      body: { fnr: p.personident },
    })
    t.equal(svar.status, 200)
    const saker = svar.json as any[]
    t.same(saker.map((s) => s.kommunenummer).sort(), ['0301', '4601', '5001'])
    const oslo = sakMedTag(d, 'sak-oslo-innvilget')
    const s = saker.find((x) => x.fiksDigisosId === oslo.fiksDigisosId)
    t.same(Object.keys(s).sort(), [
      'digisosSoker',
      'ettersendtInfoNAV',
      'fiksDigisosId',
      'fiksOrgId',
      'kommunenummer',
      'originalSoknadNAV',
      'sistEndret',
      'sokerFnr',
      'tilleggsinformasjon',
    ])
    t.match(s.originalSoknadNAV.vedleggMetadata, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/)
    t.not(s.originalSoknadNAV.vedleggMetadata, s.originalSoknadNAV.soknadDokument.dokumentlagerDokumentId)
    t.match(s, {
      fiksDigisosId: oslo.fiksDigisosId,
      sokerFnr: p.personident,
      fiksOrgId: d.kommuner.find((k) => k.kommunenummer === '0301')!.fiksOrgId,
      kommunenummer: '0301',
      sistEndret: Date.parse(oslo.sistEndret),
      originalSoknadNAV: {
        navEksternRefId: oslo.navEksternRefId,
        metadata: oslo.soknad!.dokumentlagerId,
        // Filled as Fiks fills them (ks-no.github.io static/api/digisos-api-v1.json, OriginalSoknadNAV).
        vedleggMetadata: String,
        soknadDokument: { filnavn: 'Soknad.pdf', dokumentlagerDokumentId: String, storrelse: Number },
        vedlegg: [],
        timestampSendt: Date.parse(oslo.soknad!.timestampSendt),
      },
      ettersendtInfoNAV: { ettersendelser: [] },
      digisosSoker: {
        metadata: oslo.digisosSoker!.dokumentlagerId,
        dokumenter: [],
        timestampSistOppdatert: Date.parse(oslo.digisosSoker!.timestampSistOppdatert),
      },
      tilleggsinformasjon: { enhetsnummer: oslo.enhetsnummer },
    })
    t.ok(styring.kall().sporingsIder.includes(sporingsId), 'sporingsId recorded')
  })

  t.test('a case with another sokerFnr comes back for the wrong person', async (t) => {
    const p = personMedTag(d, 'sak-med-annen-soker')
    const svar = await kall(`${url}${FIKS}/soknader/soknader?${sporing()}`, {
      headers: fiksHoder(),
      body: { fnr: p.personident },
    })
    const saker = svar.json as any[]
    t.equal(saker.length, 2)
    t.equal(saker.filter((s) => s.sokerFnr !== p.personident).length, 1)
    const ingen = await kall(`${url}${FIKS}/soknader/soknader?${sporing()}`, {
      headers: fiksHoder(),
      body: { fnr: personMedTag(d, 'uten-saker').personident },
    })
    t.same(ingen.json, [])
  })

  t.test('documents', async (t) => {
    const sak = sakMedTag(d, 'sak-bergen-under-behandling')
    const soknad = await kall(
      `${url}${FIKS}/soknader/${sak.fiksDigisosId}/dokumenter/${sak.soknad!.dokumentlagerId}?${sporing()}`,
      { headers: fiksHoder() },
    )
    t.equal(soknad.status, 200)
    t.same(soknad.json, sak.soknad!.dokument)
    const soker = await kall(
      `${url}${FIKS}/soknader/${sak.fiksDigisosId}/dokumenter/${sak.digisosSoker!.dokumentlagerId}?${sporing()}`,
      { headers: fiksHoder() },
    )
    t.same(soker.json, sak.digisosSoker!.dokument)
    const annen = sakMedTag(d, 'sak-oslo-innvilget')
    const feil = await kall(
      `${url}${FIKS}/soknader/${sak.fiksDigisosId}/dokumenter/${annen.soknad!.dokumentlagerId}?${sporing()}`,
      { headers: fiksHoder() },
    )
    t.equal(feil.status, 404, "another case's document is not found under this case")
    t.match(feil.json, {
      status: 404,
      error: 'Not Found',
      errorId: String,
      timestamp: Number,
      message: String,
      path: `/digisos/api/v1/nav/soknader/${sak.fiksDigisosId}/dokumenter/${annen.soknad!.dokumentlagerId}`,
    })
    t.equal(
      (
        await kall(`${url}${FIKS}/soknader/${randomUUID()}/dokumenter/${randomUUID()}?${sporing()}`, {
          headers: fiksHoder(),
        })
      ).status,
      404,
    )
  })

  t.test('KommuneInfo', async (t) => {
    const oslo = await kall(`${url}${FIKS}/kommuner/0301?${sporing()}`, { headers: fiksHoder() })
    t.same(oslo.json, {
      kommunenummer: '0301',
      kanMottaSoknader: true,
      kanOppdatereStatus: true,
      harMidlertidigDeaktivertMottak: false,
      harMidlertidigDeaktivertOppdateringer: false,
      harNksTilgang: true,
      behandlingsansvarlig: 'Oslo kommune',
      kontaktpersoner: {
        fagansvarligEpost: ['fagansvarlig.0301@kommune.invalid'],
        tekniskAnsvarligEpost: ['teknisk.0301@kommune.invalid'],
      },
    })
    t.match((await kall(`${url}${FIKS}/kommuner/5001?${sporing()}`, { headers: fiksHoder() })).json, {
      harNksTilgang: false,
    })
    t.match((await kall(`${url}${FIKS}/kommuner/3301?${sporing()}`, { headers: fiksHoder() })).json, {
      harMidlertidigDeaktivertOppdateringer: true,
    })
    const ukonf = await kall(`${url}${FIKS}/kommuner/1103?${sporing()}`, { headers: fiksHoder() })
    t.equal(ukonf.status, 404)
    t.same(Object.keys(ukonf.json as object).sort(), [
      'error',
      'errorCode',
      'errorId',
      'errorJson',
      'message',
      'originalPath',
      'path',
      'status',
      'timestamp',
    ])
    t.match(ukonf.json, { status: 404, path: '/digisos/api/v1/nav/kommuner/1103' })
    t.equal((await kall(`${url}${FIKS}/kommuner/9999?${sporing()}`, { headers: fiksHoder() })).status, 404)
  })

  t.test('every municipality (KS getAlleKommunerStatus): no sporingsId demanded, as KS documents none', async (t) => {
    const svar = await kall(`${url}${FIKS}/kommuner`, { headers: fiksHoder() })
    t.equal(svar.status, 200)
    const alle = svar.json as { kommunenummer: string; kontaktpersoner: unknown }[]
    t.same(
      alle.map((k) => k.kommunenummer).sort(),
      d.kommuner
        .filter((k) => k.kommuneInfo !== null)
        .map((k) => k.kommunenummer)
        .sort(),
      'the configured ones only',
    )
    t.ok(
      alle.every((k) => k.kontaktpersoner),
      "with KS's kontaktpersoner",
    )
    const { authorization: _a, ...utenToken } = fiksHoder()
    t.equal((await kall(`${url}${FIKS}/kommuner`, { headers: utenToken })).status, 401, 'the token is still required')
  })

  t.test('sporingsId, token and integration credentials are required', async (t) => {
    const sti = `${url}${FIKS}/kommuner/0301`
    // KS requires sporingsId on the case and document reads, not on KommuneInfo
    // (ks-no.github.io static/api/digisos-api-v1.json: getKommuneStatus has no such parameter).
    t.equal((await kall(sti, { headers: fiksHoder() })).status, 200, 'KommuneInfo without sporingsId')
    const utenSporing = await kall(`${url}${FIKS}/soknader/soknader`, {
      headers: fiksHoder(),
      body: { fnr: personMedTag(d, 'uten-saker').personident },
    })
    t.equal(utenSporing.status, 400)
    t.match(utenSporing.json, {
      status: 400,
      error: 'Bad Request',
      errorId: String,
      path: '/digisos/api/v1/nav/soknader/soknader',
      message: String,
      errorCode: 'MANGLER_SPORINGSID',
    })
    const sak = sakMedTag(d, 'sak-oslo-innvilget')
    t.equal(
      (
        await kall(`${url}${FIKS}/soknader/${sak.fiksDigisosId}/dokumenter/${sak.soknad!.dokumentlagerId}`, {
          headers: fiksHoder(),
        })
      ).status,
      400,
      'a document read needs one',
    )
    const { authorization: _a, ...utenToken } = fiksHoder()
    t.equal((await kall(`${sti}?${sporing()}`, { headers: utenToken })).status, 401)
    t.equal((await kall(`${sti}?${sporing()}`, { headers: fiksHoder({ integrasjonpassord: 'feil' }) })).status, 401)
    t.equal((await kall(`${sti}?${sporing()}`, { headers: fiksHoder({ integrasjonid: 'annen' }) })).status, 401)
    const { integrasjonid: _i, ...utenId } = fiksHoder()
    const svar = await kall(`${sti}?${sporing()}`, { headers: utenId })
    t.equal(svar.status, 401)
    t.match(svar.json, { status: 401, error: 'Unauthorized', errorCode: 'UGYLDIG_INTEGRASJON' })
    const soknader = await kall(`${url}${FIKS}/soknader/soknader?${sporing()}`, {
      headers: fiksHoder(),
      body: { fodselsnummer: 'x' },
    })
    t.equal(soknader.status, 400)
    t.match(soknader.json, { status: 400, errorId: String })
  })
})

t.test('fiks-io: our fagsystem protocol', async (t) => {
  const { url, datasett: d, styring } = await startApp(t)
  const hoder = { authorization: 'Bearer maskinporten-token' }
  const foresporsel = (kommunenummer: string, personident: string): Foresporsel => ({
    versjon: 1,
    meldingType: MELDING_FORESPORSEL,
    meldingId: randomUUID(),
    sporingsId: randomUUID(),
    mottaker: { kommunenummer },
    ttlSekunder: 10,
    data: { personident },
  })
  const send = (body: unknown, headers: Record<string, string> = hoder) =>
    kall(`${url}/fiks-io/v1/meldinger`, { headers, body })

  t.test('generisk.v1', async (t) => {
    const kvp = personMedTag(d, 'kvp-generisk')
    const f = foresporsel('0301', kvp.personident)
    const svar = await send(f)
    t.equal(svar.status, 200)
    const s = Svar.parse(svar.json)
    t.equal(s.svarPaMelding, f.meldingId)
    t.not(s.meldingId, f.meldingId)
    t.same(s.avsender, { kommunenummer: '0301', fagsystem: 'Referansefagsystem', dialekt: 'generisk.v1' })
    const data = GeneriskV1.parse(s.data)
    t.equal(data.personident, kvp.personident)
    t.ok(data.kvalifiseringsprogram.some((k) => k.status === 'AKTIV' && (k.stonad?.utbetalinger.length ?? 0) > 0))
    t.ok(styring.kall().sporingsIder.includes(f.sporingsId), "the request's sporingsId is recorded")
    t.equal(styring.kall().perKommune['0301']?.['fiks-io'], 1)
  })

  t.test('socio.v1', async (t) => {
    const mb = personMedTag(d, 'midlertidig-bolig-socio')
    const s = Svar.parse((await send(foresporsel('4601', mb.personident))).json)
    t.equal(s.avsender.dialekt, 'socio.v1')
    const data = SocioV1.parse(s.data)
    t.equal(data.klient.fnr, mb.personident)
    t.same(data.botilbud.map((b) => b.kategori).sort(), ['KOMMUNAL_UTLEIEBOLIG', 'MIDLERTIDIG_BOLIG'])
  })

  t.test('a person the fagsystem does not know: Feilsvar PERSON_UKJENT', async (t) => {
    const f = foresporsel('0301', personMedTag(d, 'uten-saker').personident)
    const svar = await send(f)
    t.equal(svar.status, 200)
    t.match(Feilsvar.parse(svar.json), {
      kode: 'PERSON_UKJENT',
      svarPaMelding: f.meldingId,
      meldingType: 'no.nav.stonadsoppslag.feil.v1',
    })
  })

  t.test('no fagsystem connected (or unknown municipality): 404', async (t) => {
    t.equal((await send(foresporsel('1806', personMedTag(d, 'sak-i-kommune-uten-fagsystem').personident))).status, 404)
    t.equal((await send(foresporsel('1103', personMedTag(d, 'ansatt').personident))).status, 404)
    t.equal((await send(foresporsel('9999', personMedTag(d, 'ansatt').personident))).status, 404)
  })

  t.test('an invalid request: 400 Feilsvar UGYLDIG_FORESPORSEL', async (t) => {
    const f = { ...foresporsel('0301', personMedTag(d, 'kvp-generisk').personident), ekstra: true }
    const svar = await send(f)
    t.equal(svar.status, 400)
    t.match(Feilsvar.parse(svar.json), { kode: 'UGYLDIG_FORESPORSEL', svarPaMelding: f.meldingId })
    t.equal((await send({ ...f, ekstra: undefined, versjon: 2 })).status, 400)
  })

  t.test('a bearer token is required', async (t) => {
    t.equal((await send(foresporsel('0301', personMedTag(d, 'kvp-generisk').personident), {})).status, 401)
  })
})

t.test('strict tokens: only tokens this simulator issued, for the right identity provider', async (t) => {
  const { url, datasett: d } = await startApp(t, { opts: { strengeTokens: true } })
  const token = async (identity_provider: string) =>
    (
      (await kall(`${url}/texas/api/v1/token`, { body: { identity_provider, target: 'x' } })).json as {
        access_token: string
      }
    ).access_token
  const azure = await token('entra_id')
  const maskinporten = await token('maskinporten')
  const ident = personMedTag(d, 'ansatt').personident
  const pdl = async (tok: string) =>
    (
      await kall(`${url}/pdl/graphql`, {
        headers: { ...PDL_HODER, authorization: `Bearer ${tok}` },
        body: { query: PDL_QUERY, variables: { ident } },
      })
    ).json as any
  t.ok((await pdl(azure)).data.hentPerson)
  t.ok((await pdl(await token('azuread'))).data.hentPerson, 'the older name is the same provider')
  t.equal((await pdl('oppdiktet')).errors[0].extensions.code, 'unauthenticated')
  t.equal(
    (await pdl(maskinporten)).errors[0].extensions.code,
    'unauthenticated',
    'a Maskinporten token is no use at PDL',
  )
  const fiks = (tok: string) =>
    kall(`${url}${FIKS}/kommuner/0301?${sporing()}`, { headers: fiksHoder({ authorization: `Bearer ${tok}` }) })
  t.equal((await fiks(maskinporten)).status, 200)
  t.equal((await fiks(azure)).status, 401)
})

t.test('call counters per upstream and municipality', async (t) => {
  const { url, datasett: d, styring } = await startApp(t)
  const sak = sakMedTag(d, 'sak-bergen-under-behandling')
  await kall(`${url}${FIKS}/kommuner/4601?${sporing()}`, { headers: fiksHoder() })
  await kall(`${url}${FIKS}/kommuner/4601?${sporing()}`, { headers: fiksHoder() })
  await kall(`${url}${FIKS}/soknader/${sak.fiksDigisosId}/dokumenter/${sak.soknad!.dokumentlagerId}?${sporing()}`, {
    headers: fiksHoder(),
  })
  await kall(`${url}${FIKS}/soknader/soknader?${sporing()}`, { headers: fiksHoder(), body: { fnr: sak.sokerFnr } })
  await kall(`${url}/skjerming/skjermet`, {
    headers: { authorization: 'Bearer x' },
    body: { personident: sak.sokerFnr },
  })
  const oversikt = await kall(`${url}/simulator/kall`)
  t.same(oversikt.json, {
    perUpstream: { 'fiks-kommuneinfo': 2, 'fiks-dokument': 1, 'fiks-soknader': 1, skjerming: 1 },
    perKommune: { '4601': { 'fiks-kommuneinfo': 2, 'fiks-dokument': 1 } },
    sporingsIder: styring.kall().sporingsIder,
    tokens: [],
  })
  t.equal(styring.kall().sporingsIder.length, 4)
  t.equal(new Set(styring.kall().sporingsIder).size, 4)
  t.equal((await kall(`${url}/simulator/kall/nullstill`, { method: 'POST' })).status, 204)
  t.same(styring.kall(), { perUpstream: {}, perKommune: {}, sporingsIder: [], tokens: [] })
})
