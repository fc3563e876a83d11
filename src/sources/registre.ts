// Adapters for the registers the access decision needs: PDL (GraphQL), skjermede-personer-pip and
// NOM (GraphQL). Each speaks the real NAV wire shape; every fault or unknown answer becomes a
// RegisterFeil so that the decision fails closed (503), never open.
import { z } from 'zod'
import { somRegisterFeil, type HttpKlient, type HttpSvar } from './http.js'
import {
  RegisterFeil,
  type AnsattRegister,
  Gradering,
  type KallKontekst,
  type Person,
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
  const token = await klient.tokens.token('azuread', klient.scope, ctx)
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
}`

const Rolle = z.enum(['BARN', 'MOR', 'FAR', 'MEDMOR', 'MEDFAR'])
const Sivilstandstype = z.enum([
  'UOPPGITT', 'UGIFT', 'GIFT', 'ENKE_ELLER_ENKEMANN', 'SKILT', 'SEPARERT',
  'REGISTRERT_PARTNER', 'SEPARERT_PARTNER', 'SKILT_PARTNER', 'GJENLEVENDE_PARTNER',
])
const GraphQLFeil = z.array(
  z.object({
    message: z.string().optional(),
    extensions: z.object({ code: z.string().optional() }).optional(),
  }),
)
// Unknown enum values fail the parse: an answer we do not understand is a fault, not a permit.
const PdlSvar = z.object({
  data: z
    .object({
      hentPerson: z
        .object({
          adressebeskyttelse: z.array(z.object({ gradering: Gradering })),
          doedsfall: z.array(z.object({ doedsdato: z.string().nullable() })).default([]),
          forelderBarnRelasjon: z.array(
            z.object({
              relatertPersonsIdent: z.string().nullable(),
              relatertPersonsRolle: Rolle,
              minRolleForPerson: Rolle.nullable(),
            }),
          ),
          sivilstand: z.array(z.object({ type: Sivilstandstype, relatertVedSivilstand: z.string().nullable() })),
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
    })
    .nullable()
    .optional(),
  errors: GraphQLFeil.optional(),
})

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

  async erSkjermet(personident: string, ctx: KallKontekst): Promise<boolean> {
    const svar = await sporRegister('skjerming', { http: this.http, tokens: this.tokens, scope: this.scope }, ctx, { path: 'skjermet', body: { personident } })
    // The pip answers a bare boolean. Anything but `false` counts as skjermet (fail closed).
    return svar.data !== false
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
