// Simulated registers: PDL (GraphQL), skjermede-personer-pip, NOM (GraphQL) and NAIS's token
// service (Texas). Each answers the real wire shape, including its way of saying no.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { utforFeil } from './feil.js'
import { gyldigToken, type SimulatorKontekst } from './kontekst.js'

/** A 13-digit aktør-id as PDL gives one beside the folkeregisterident (derived, stable per person). */
function aktorId(personident: string): string {
  return `20${personident}`
}

// ── GraphQL error shape (PDL and NOM) ────────────────────────────────────────
type GqlKode = 'unauthenticated' | 'unauthorized' | 'not_found' | 'bad_request' | 'server_error'
const KLASSIFISERING: Record<GqlKode, string> = {
  unauthenticated: 'ExecutionAborted',
  unauthorized: 'ExecutionAborted',
  not_found: 'ExecutionAborted',
  bad_request: 'ValidationError',
  server_error: 'ExecutionAborted',
}
function gqlFeil(kode: GqlKode, message: string, path?: string[]) {
  return { message, ...(path ? { path } : {}), extensions: { code: kode, classification: KLASSIFISERING[kode] } }
}
// GraphQL says no with HTTP 200 and an `errors` list.
function gqlFeilsvar(reply: FastifyReply, kode: GqlKode, message: string, data: unknown = null) {
  return reply.code(200).send({ errors: [gqlFeil(kode, message)], data })
}

const PdlForesporsel = z.object({
  query: z.string().min(1),
  variables: z.object({ ident: z.string() }),
})

const NomForesporsel = z.object({
  query: z.string().min(1),
  variables: z.object({ navident: z.string() }),
})

const TexasForesporsel = z.object({
  identity_provider: z.string().min(1),
  target: z.string().min(1),
  resource: z.string().optional(),
  skip_cache: z.union([z.boolean(), z.string()]).optional(),
})

export function registrerRegistre(app: FastifyInstance, ctx: SimulatorKontekst): void {
  const { indeks, tilstand } = ctx

  // ── PDL ────────────────────────────────────────────────────────────────────
  app.post('/pdl/graphql', async (request, reply) => {
    tilstand.registrer('pdl')
    const serverfeil = (status: number) => ({
      errors: [gqlFeil('server_error', `Simulert feil (status ${status})`)],
      data: null,
    })
    if (await utforFeil(tilstand.feilFor('pdl'), request, reply, serverfeil)) return reply
    if (!gyldigToken(ctx, request, 'entra_id'))
      return gqlFeilsvar(reply, 'unauthenticated', 'Mangler eller ugyldig token')
    const behandlingsnummer = request.headers['behandlingsnummer']
    if (typeof behandlingsnummer !== 'string' || !/^B\d+$/.test(behandlingsnummer)) {
      return gqlFeilsvar(reply, 'bad_request', 'Mangler eller ugyldig Behandlingsnummer-header')
    }
    const tolket = PdlForesporsel.safeParse(request.body)
    if (!tolket.success) return gqlFeilsvar(reply, 'bad_request', 'Forventet { query, variables: { ident } }')
    const { query, variables } = tolket.data
    // No GraphQL engine: the service asks one shape, and we recognise its two fields.
    const vilPerson = /\bhentPerson\s*\(/.test(query)
    const vilGt = /\bhentGeografiskTilknytning\s*\(/.test(query)
    const vilIdenter = /\bhentIdenter\s*\(/.test(query)
    if (!vilPerson && !vilGt && !vilIdenter)
      return gqlFeilsvar(
        reply,
        'bad_request',
        'Simulatoren kjenner bare hentPerson, hentGeografiskTilknytning og hentIdenter',
      )
    if (!/^\d{11}$/.test(variables.ident)) return gqlFeilsvar(reply, 'bad_request', 'Ugyldig ident')

    const p = indeks.person.get(variables.ident)
    if (!p) {
      return reply.code(200).send({
        errors: [gqlFeil('not_found', 'Fant ikke person', [vilPerson ? 'hentPerson' : 'hentGeografiskTilknytning'])],
        data: {
          ...(vilPerson ? { hentPerson: null } : {}),
          ...(vilGt ? { hentGeografiskTilknytning: null } : {}),
          ...(vilIdenter ? { hentIdenter: null } : {}),
        },
      })
    }
    const data: Record<string, unknown> = {}
    if (vilPerson) {
      data['hentPerson'] = {
        adressebeskyttelse: p.adressebeskyttelse.map((gradering) => ({ gradering })),
        doedsfall: p.doedsdato ? [{ doedsdato: p.doedsdato }] : [],
        forelderBarnRelasjon: [
          ...p.foreldre.map((f) => ({
            relatertPersonsIdent: f.personident,
            relatertPersonsRolle: f.rolle,
            minRolleForPerson: 'BARN',
          })),
          ...(indeks.barn.get(p.personident) ?? []).map((b) => ({
            relatertPersonsIdent: b.personident,
            relatertPersonsRolle: 'BARN',
            minRolleForPerson: b.rolle,
          })),
        ],
        sivilstand: p.sivilstand.map((s) => ({ type: s.type, relatertVedSivilstand: s.relatertVedSivilstand })),
      }
    }
    if (vilGt) data['hentGeografiskTilknytning'] = { ...p.geografiskTilknytning }
    // PDL's Identliste: every ident with its group, the historical ones only with historikk: true.
    if (vilIdenter) {
      const historikk = /\bhentIdenter\s*\([^)]*historikk\s*:\s*true/.test(query)
      data['hentIdenter'] = {
        identer: [
          { ident: p.personident, gruppe: 'FOLKEREGISTERIDENT', historisk: false },
          ...(historikk
            ? p.historiskeIdenter.map((h) => ({ ident: h.personident, gruppe: h.gruppe, historisk: true }))
            : []),
          { ident: aktorId(p.personident), gruppe: 'AKTORID', historisk: false },
        ],
      }
    }
    return reply.code(200).send({ data })
  })

  // ── skjermede-personer-pip ─────────────────────────────────────────────────
  const skjermet = (ident: string) => indeks.skjermet.get(ident) ?? false
  const enkelFeil = (status: number) => ({ error: `Simulert feil (status ${status})` })

  app.post('/skjerming/skjermet', async (request, reply) => {
    tilstand.registrer('skjerming')
    if (await utforFeil(tilstand.feilFor('skjerming'), request, reply, enkelFeil)) return reply
    if (!gyldigToken(ctx, request, 'entra_id')) return reply.code(401).send({ error: 'Unauthorized' })
    const tolket = z.object({ personident: z.string().min(1) }).safeParse(request.body)
    if (!tolket.success) return reply.code(400).send({ error: 'Forventet { personident }' })
    // A bare JSON boolean, as the real pip answers.
    return reply
      .code(200)
      .type('application/json')
      .send(JSON.stringify(skjermet(tolket.data.personident)))
  })

  app.post('/skjerming/skjermetBulk', async (request, reply) => {
    tilstand.registrer('skjerming')
    if (await utforFeil(tilstand.feilFor('skjerming'), request, reply, enkelFeil)) return reply
    if (!gyldigToken(ctx, request, 'entra_id')) return reply.code(401).send({ error: 'Unauthorized' })
    const tolket = z.object({ personidenter: z.array(z.string().min(1)).max(1000) }).safeParse(request.body)
    if (!tolket.success) return reply.code(400).send({ error: 'Forventet { personidenter: [...] }' })
    return reply.code(200).send(Object.fromEntries(tolket.data.personidenter.map((i) => [i, skjermet(i)])))
  })

  // ── NOM ────────────────────────────────────────────────────────────────────
  app.post('/nom/graphql', async (request, reply) => {
    tilstand.registrer('nom')
    const serverfeil = (status: number) => ({
      errors: [gqlFeil('server_error', `Simulert feil (status ${status})`)],
      data: null,
    })
    if (await utforFeil(tilstand.feilFor('nom'), request, reply, serverfeil)) return reply
    if (!gyldigToken(ctx, request, 'entra_id')) return reply.code(401).send({ error: 'Unauthorized' })
    const tolket = NomForesporsel.safeParse(request.body)
    if (!tolket.success || !/\bressurs\s*\(/.test(tolket.data.query)) {
      return gqlFeilsvar(reply, 'bad_request', 'Simulatoren kjenner bare ressurs(where: { navident })')
    }
    const a = indeks.ansatt.get(tolket.data.variables.navident)
    return reply.code(200).send({ data: { ressurs: a ? { navident: a.navident, personident: a.personident } : null } })
  })

  // ── Texas (NAIS token service) ─────────────────────────────────────────────
  app.post('/texas/api/v1/token', async (request, reply) => {
    tilstand.registrer('texas')
    const texasFeil = (status: number) => ({
      error: 'server_error',
      error_description: `Simulert feil (status ${status})`,
    })
    if (await utforFeil(tilstand.feilFor('texas'), request, reply, texasFeil)) return reply
    const tolket = TexasForesporsel.safeParse(request.body)
    if (!tolket.success) {
      return reply
        .code(400)
        .send({ error: 'invalid_request', error_description: 'Forventet { identity_provider, target }' })
    }
    const { identity_provider: oppgitt, target } = tolket.data
    // entra_id is what NAIS documents; Texas still takes azuread, the older name for the same.
    const idp = oppgitt === 'azuread' ? 'entra_id' : oppgitt
    if (idp !== 'maskinporten' && idp !== 'entra_id') {
      return reply
        .code(400)
        .send({ error: 'invalid_request', error_description: `identity_provider ${oppgitt} støttes ikke her` })
    }
    const token = `sim.${idp}.${randomBytes(18).toString('base64url')}`
    tilstand.registrerToken(token, idp, target)
    return reply.code(200).send({ access_token: token, expires_in: 3600, token_type: 'Bearer' })
  })
}
