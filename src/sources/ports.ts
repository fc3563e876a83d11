// One port per upstream. The oppslag flow depends on these interfaces only; each has an HTTP
// adapter beside it that speaks the real wire shape (DESIGN §5) and is pointed at the simulator
// in development and tests.

import { z } from 'zod'

/** Per-call context carried to every upstream call. */
export interface KallKontekst {
  callId: string
  signal?: AbortSignal
  /** Fiks calls push the `sporingsId` they sent, so the audit event can name them. */
  sporing?: string[]
}

/** A register (PDL, skjerming, NOM, token service) could not give a usable answer: fail closed. */
export class RegisterFeil extends Error {
  constructor(
    readonly register: 'pdl' | 'skjerming' | 'nom' | 'token',
    readonly arsak: 'UTILGJENGELIG' | 'UGYLDIG_SVAR' | 'AVVIST',
    message: string,
  ) {
    super(message)
    this.name = 'RegisterFeil'
  }
}

/** A municipality's source (Fiks or fagsystem) could not answer: that kilde is UTILGJENGELIG. */
export class KildeFeil extends Error {
  constructor(
    readonly kilde: 'fiks' | 'fagsystem',
    readonly arsak: 'UTILGJENGELIG' | 'UGYLDIG_SVAR' | 'TIDSAVBRUDD',
    message: string,
    arsakFeil?: Error,
  ) {
    super(message, arsakFeil ? { cause: arsakFeil } : undefined)
    this.name = 'KildeFeil'
  }
}

// ── PDL ──────────────────────────────────────────────────────────────────────
/** PDL's adressebeskyttelse gradings: the register's wire values and the permit's field alike. */
export const Gradering = z.enum(['STRENGT_FORTROLIG_UTLAND', 'STRENGT_FORTROLIG', 'FORTROLIG', 'UGRADERT'])
export type Gradering = z.infer<typeof Gradering>

export interface Person {
  personident: string
  /** The strictest grading the person has; UGRADERT when none. */
  gradering: Gradering
  doed: boolean
  foreldre: string[]
  barn: string[]
  /** Current (GIFT, REGISTRERT_PARTNER) and former partners. */
  partnere: { personident: string; navarende: boolean }[]
  geografiskTilknytning: {
    gtType: 'KOMMUNE' | 'BYDEL' | 'UTLAND' | 'UDEFINERT'
    /** The municipality (4 digits), also for BYDEL; null for UTLAND/UDEFINERT. */
    kommunenummer: string | null
  }
}

export interface PersonRegister {
  /** null when the register does not know the person. Throws RegisterFeil otherwise. */
  hentPerson(personident: string, ctx: KallKontekst): Promise<Person | null>
}

// ── skjermede-personer-pip ───────────────────────────────────────────────────
export interface SkjermingRegister {
  erSkjermet(personident: string, ctx: KallKontekst): Promise<boolean>
}

// ── NOM ──────────────────────────────────────────────────────────────────────
export interface AnsattRegister {
  /** The employee's own personident; null when NOM does not know the NAVident. */
  hentPersonident(navident: string, ctx: KallKontekst): Promise<string | null>
}

// ── Texas (token service) ────────────────────────────────────────────────────
export interface TokenKilde {
  token(identityProvider: 'maskinporten' | 'azuread', target: string, ctx: KallKontekst): Promise<string>
}

// ── Fiks Digisos NAV API ─────────────────────────────────────────────────────
export interface DigisosSak {
  fiksDigisosId: string
  sokerFnr: string
  fiksOrgId: string | null
  kommunenummer: string
  sistEndret: number
  originalSoknadNAV: {
    navEksternRefId: string | null
    timestampSendt: number | null
    metadata: string | null
  } | null
  digisosSoker: { metadata: string | null; timestampSistOppdatert: number | null } | null
  tilleggsinformasjon: { enhetsnummer: string | null } | null
}

export interface KommuneInfo {
  kommunenummer: string
  kanMottaSoknader: boolean
  kanOppdatereStatus: boolean
  harMidlertidigDeaktivertMottak: boolean
  harMidlertidigDeaktivertOppdateringer: boolean
  harNksTilgang: boolean
  behandlingsansvarlig: string | null
}

export interface FiksDigisos {
  /** The person's Digisos cases, across all municipalities. Throws KildeFeil. */
  hentSaker(personident: string, ctx: KallKontekst): Promise<DigisosSak[]>
  /** A stored JSON document (soknad.json or digisos-soker.json), unparsed beyond JSON. */
  hentDokument(fiksDigisosId: string, dokumentlagerId: string, ctx: KallKontekst): Promise<unknown>
  /** null when the municipality is not configured in Fiks (404). */
  hentKommuneInfo(kommunenummer: string, ctx: KallKontekst): Promise<KommuneInfo | null>
}
