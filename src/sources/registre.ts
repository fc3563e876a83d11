// Adapters for the registers the access decision needs: PDL (GraphQL), skjermede-personer-pip and
// NOM (GraphQL). Each speaks the real NAV wire shape; every fault or unknown answer becomes a
// RegisterFeil so that the decision fails closed (503), never open.
import { z } from 'zod'
import { liste } from '../domain/liste.js'
import { Gradering, type Person } from '../domain/person.js'
import { somRegisterFeil, type HttpKlient, type HttpSvar } from './http.js'
import {
  RegisterFeil,
  type AnsattRegister,
  type KallKontekst,
  type PersonRegister,
  type SkjermingRegister,
  type TokenKilde,
} from './ports.js'

type RegisterNavn = RegisterFeil['register']

/** The registers all take a read as a POST with an Entra ID token for their scope; every fault or
 *  non-2xx answer becomes a RegisterFeil. */
async function sporRegister(
  register: RegisterNavn,
  klient: { http: HttpKlient; tokens: TokenKilde; scope: string },
  ctx: KallKontekst,
  kall: { path: string; body: unknown; headers?: Record<string, string> },
): Promise<HttpSvar> {
  const token = await klient.tokens.token('entra_id', klient.scope, ctx)
  let svar: HttpSvar
  try {
    svar = await klient.http.kall({
      method: 'POST',
      idempotent: true, // a read: safe to repeat
      path: kall.path,
      headers: { authorization: `Bearer ${token}`, 'nav-call-id': ctx.callId, ...kall.headers },
      body: kall.body,
      signal: ctx.signal,
    })
  } catch (e) {
    throw somRegisterFeil(register, e)
  }
  if (svar.status < 200 || svar.status > 299) {
    throw new RegisterFeil(register, 'UTILGJENGELIG', `${register}: status ${svar.status}`)
  }
  return svar
}

// ── PDL ──────────────────────────────────────────────────────────────────────
export const PDL_QUERY = `query($ident: ID!) {
  hentPerson(ident: $ident) {
    adressebeskyttelse { gradering }
    doedsfall { doedsdato }
    forelderBarnRelasjon { relatertPersonsIdent relatertPersonsRolle minRolleForPerson }
    sivilstand(historikk: true) { type relatertVedSivilstand }
  }
  hentGeografiskTilknytning(ident: $ident) { gtType gtKommune gtBydel gtLand }
  hentIdenter(ident: $ident, historikk: true) { identer { ident gruppe historisk } }
}`

const Rolle = z.enum(['BARN', 'MOR', 'FAR', 'MEDMOR', 'MEDFAR'])
const Sivilstandstype = z.enum([
  'UOPPGITT',
  'UGIFT',
  'GIFT',
  'ENKE_ELLER_ENKEMANN',
  'SKILT',
  'SEPARERT',
  'REGISTRERT_PARTNER',
  'SEPARERT_PARTNER',
  'SKILT_PARTNER',
  'GJENLEVENDE_PARTNER',
])
// PDL's IdentInformasjon: AKTORID is NAV-internal and names no one in Fiks or the pip; it is left out.
const IdentGruppe = z.enum(['FOLKEREGISTERIDENT', 'NPID', 'AKTORID'])
const GraphQLFeil = liste(
  z.object({
    message: z.string().optional(),
    extensions: z.object({ code: z.string().optional() }).optional(),
  }),
  100,
)
// Unknown enum values fail the parse: an answer we do not understand is a fault, not a permit.
const PdlSvar = z.object({
  data: z
    .object({
      hentPerson: z
        .object({
          adressebeskyttelse: liste(z.object({ gradering: Gradering }), 20),
          doedsfall: liste(z.object({ doedsdato: z.string().nullable() }), 10).default([]),
          forelderBarnRelasjon: liste(
            z.object({
              relatertPersonsIdent: z.string().nullable(),
              relatertPersonsRolle: Rolle,
              minRolleForPerson: Rolle.nullable(),
            }),
            100,
          ),
          sivilstand: liste(z.object({ type: Sivilstandstype, relatertVedSivilstand: z.string().nullable() }), 100),
        })
        .nullish(),
      hentGeografiskTilknytning: z
        .object({
          gtType: z.enum(['KOMMUNE', 'BYDEL', 'UTLAND', 'UDEFINERT']),
          gtKommune: z.string().nullable(),
          gtBydel: z.string().nullable(),
          gtLand: z.string().nullable(),
        })
        .nullish(),
      hentIdenter: z
        .object({ identer: z.array(z.object({ ident: z.string(), gruppe: IdentGruppe, historisk: z.boolean() })) })
        .nullish(),
    })
    .nullable()
    .optional(),
  errors: GraphQLFeil.optional(),
})

type PdlIdent = { ident: string; gruppe: z.infer<typeof IdentGruppe>; historisk: boolean }

/** The person's idents from PDL's hentIdenter. PDL lists the ident it was asked by among them: a
 *  list without the typed one is about someone else or cut short, a fault (fail closed), as is an
 *  ident that is not 11 digits. The current one is the non-historical folkeregisterident, else the
 *  non-historical NPID, else the typed. */
export function personensIdenter(
  typet: string,
  fraPdl: readonly PdlIdent[],
): { gjeldendeIdent: string; identer: string[] } {
  const brukbare = fraPdl.filter((i) => i.gruppe !== 'AKTORID')
  if (brukbare.some((i) => !/^\d{11}$/.test(i.ident)))
    throw new RegisterFeil('pdl', 'UGYLDIG_SVAR', 'pdl: ugyldig ident i hentIdenter')
  if (!brukbare.some((i) => i.ident === typet))
    throw new RegisterFeil('pdl', 'UGYLDIG_SVAR', 'pdl: hentIdenter uten identen det ble spurt om')
  const gjeldende =
    brukbare.find((i) => i.gruppe === 'FOLKEREGISTERIDENT' && !i.historisk) ??
    brukbare.find((i) => i.gruppe === 'NPID' && !i.historisk)
  const gjeldendeIdent = gjeldende?.ident ?? typet
  return { gjeldendeIdent, identer: [...new Set([gjeldendeIdent, ...brukbare.map((i) => i.ident)])] }
}

/** Strengt fortrolig before strengt fortrolig utland before fortrolig (DESIGN §4). */
const GRADERING_REKKEFOLGE: Gradering[] = ['STRENGT_FORTROLIG', 'STRENGT_FORTROLIG_UTLAND', 'FORTROLIG', 'UGRADERT']

export function strengesteGradering(graderinger: Gradering[]): Gradering {
  return GRADERING_REKKEFOLGE.find((g) => graderinger.includes(g)) ?? 'UGRADERT'
}

const NAVARENDE_PARTNER = new Set(['GIFT', 'REGISTRERT_PARTNER'])

export class PdlPersonRegister implements PersonRegister {
  constructor(
    private readonly http: HttpKlient,
    private readonly tokens: TokenKilde,
    private readonly valg: { scope: string; behandlingsnummer: string },
  ) {}

  async hentPerson(personident: string, ctx: KallKontekst): Promise<Person | null> {
    const svar = await sporRegister('pdl', { http: this.http, tokens: this.tokens, scope: this.valg.scope }, ctx, {
      path: 'graphql',
      headers: { behandlingsnummer: this.valg.behandlingsnummer, tema: 'GEN' },
      body: { query: PDL_QUERY, variables: { ident: personident } },
    })
    const tolket = PdlSvar.safeParse(svar.data)
    if (!tolket.success) throw new RegisterFeil('pdl', 'UGYLDIG_SVAR', 'pdl: uventet svarformat')
    const { data, errors } = tolket.data
    if (errors && errors.length > 0) {
      const koder = errors.map((e) => e.extensions?.code)
      // not_found is the one error that means "no such person"; every other error is a fault.
      if (koder.every((k) => k === 'not_found') && !data?.hentPerson) return null
      throw new RegisterFeil('pdl', 'UTILGJENGELIG', `pdl: feil ${koder.join(',')}`)
    }
    const p = data?.hentPerson
    const gt = data?.hentGeografiskTilknytning
    // An unknown person comes with a not_found error; an empty answer without one is a fault.
    if (!p) throw new RegisterFeil('pdl', 'UGYLDIG_SVAR', 'pdl: svar uten person og uten feil')
    // Asked in the same query: a person whose idents are unknown cannot be checked on all of them.
    if (!data?.hentIdenter) throw new RegisterFeil('pdl', 'UGYLDIG_SVAR', 'pdl: svar uten identer')
    const { gjeldendeIdent, identer } = personensIdenter(personident, data.hentIdenter.identer)
    const foreldre = p.forelderBarnRelasjon
      .filter((r) => r.relatertPersonsRolle !== 'BARN' && r.relatertPersonsIdent)
      .map((r) => r.relatertPersonsIdent as string)
    const barn = p.forelderBarnRelasjon
      .filter((r) => r.relatertPersonsRolle === 'BARN' && r.relatertPersonsIdent)
      .map((r) => r.relatertPersonsIdent as string)
    const partnere = p.sivilstand
      .filter((s) => s.relatertVedSivilstand)
      .map((s) => ({ personident: s.relatertVedSivilstand as string, navarende: NAVARENDE_PARTNER.has(s.type) }))
    let kommunenummer: string | null = null
    if (gt?.gtType === 'KOMMUNE') kommunenummer = gt.gtKommune
    if (gt?.gtType === 'BYDEL') kommunenummer = gt.gtBydel?.slice(0, 4) ?? null
    if (kommunenummer !== null && !/^\d{4}$/.test(kommunenummer)) {
      throw new RegisterFeil('pdl', 'UGYLDIG_SVAR', 'pdl: ugyldig kommunenummer')
    }
    return {
      personident,
      gjeldendeIdent,
      identer,
      gradering: strengesteGradering(p.adressebeskyttelse.map((a) => a.gradering)),
      doed: p.doedsfall.length > 0,
      foreldre,
      barn,
      partnere,
      geografiskTilknytning: { gtType: gt?.gtType ?? 'UDEFINERT', kommunenummer },
    }
  }
}

// ── skjermede-personer-pip ───────────────────────────────────────────────────
export class SkjermingPip implements SkjermingRegister {
  constructor(
    private readonly http: HttpKlient,
    private readonly tokens: TokenKilde,
    private readonly scope: string,
  ) {}

  /** skjermede-personer-pip's POST /skjermetBulk `{ personidenter }` → `{ "<ident>": bool }`
   *  (populasjonstilgangskontroll's SkjermingRestClientAdapter asks the same). One call for all of
   *  a person's idents; skjermet when any is. */
  async erSkjermet(personidenter: readonly string[], ctx: KallKontekst): Promise<boolean> {
    if (personidenter.length === 0)
      throw new RegisterFeil('skjerming', 'AVVIST', 'skjerming: ingen identer å spørre om')
    const svar = await sporRegister('skjerming', { http: this.http, tokens: this.tokens, scope: this.scope }, ctx, {
      path: 'skjermetBulk',
      body: { personidenter: [...new Set(personidenter)] },
    })
    const kart = svar.data
    if (kart === null || typeof kart !== 'object' || Array.isArray(kart)) {
      throw new RegisterFeil('skjerming', 'UGYLDIG_SVAR', 'skjerming: uventet svarformat')
    }
    // Anything but a bare `false` for every ident counts as skjermet, a missing ident too (fail closed).
    return personidenter.some((i) => (kart as Record<string, unknown>)[i] !== false)
  }
}

// ── NOM ──────────────────────────────────────────────────────────────────────
export const NOM_QUERY = `query($navident: String!) {
  ressurs(where: { navident: $navident }) { navident personident }
}`

const NomSvar = z.object({
  data: z
    .object({
      ressurs: z.object({ navident: z.string(), personident: z.string().nullable() }).nullable(),
    })
    .nullable()
    .optional(),
  errors: GraphQLFeil.optional(),
})

export class NomAnsattRegister implements AnsattRegister {
  constructor(
    private readonly http: HttpKlient,
    private readonly tokens: TokenKilde,
    private readonly scope: string,
  ) {}

  async hentPersonident(navident: string, ctx: KallKontekst): Promise<string | null> {
    const svar = await sporRegister('nom', { http: this.http, tokens: this.tokens, scope: this.scope }, ctx, {
      path: 'graphql',
      body: { query: NOM_QUERY, variables: { navident } },
    })
    const tolket = NomSvar.safeParse(svar.data)
    if (!tolket.success) throw new RegisterFeil('nom', 'UGYLDIG_SVAR', 'nom: uventet svarformat')
    if (tolket.data.errors && tolket.data.errors.length > 0) {
      throw new RegisterFeil('nom', 'UTILGJENGELIG', 'nom: feil i svaret')
    }
    if (tolket.data.data === undefined || tolket.data.data === null) {
      throw new RegisterFeil('nom', 'UGYLDIG_SVAR', 'nom: svar uten data')
    }
    return tolket.data.data.ressurs?.personident ?? null
  }
}
