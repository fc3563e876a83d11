// One port per upstream, and their errors. The oppslag flow depends on these interfaces only; each
// has an HTTP adapter beside it that speaks the real wire shape (DESIGN §5) and is pointed at the
// simulator in development and tests. What they return is the domain's (domain/person.ts,
// domain/digisos/sak.ts).

import type { DigisosSak, KommuneInfo } from '../domain/digisos/sak.js'
import type { Person } from '../domain/person.js'

/** Per-call context carried to every upstream call. */
export interface KallKontekst {
  callId: string
  signal?: AbortSignal
  /** Fiks calls push the `sporingsId` they sent, so the audit event can name them. */
  sporing?: string[]
  /** Charged with what the parsed answers of the work cost until it is done (sources/http.ts). */
  konto?: { hold(n: number): boolean }
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

/** A municipality's source (Fiks or fagsystem) could not answer: that kilde is UTILGJENGELIG.
 *  AVVIST: the source answered, but this one request cannot be served (a 4xx, or one document that
 *  is not readable JSON): a fact about that request, not a sign the source is down, so no breaker
 *  counts it (vern.ts erKildesFeil). */
export class KildeFeil extends Error {
  constructor(
    readonly kilde: 'fiks' | 'fagsystem',
    readonly arsak: 'UTILGJENGELIG' | 'UGYLDIG_SVAR' | 'TIDSAVBRUDD' | 'AVVIST',
    message: string,
    arsakFeil?: Error,
  ) {
    super(message, arsakFeil ? { cause: arsakFeil } : undefined)
    this.name = 'KildeFeil'
  }
}

// ── PDL ──────────────────────────────────────────────────────────────────────
export interface PersonRegister {
  /** null when the register does not know the person. Throws RegisterFeil otherwise. */
  hentPerson(personident: string, ctx: KallKontekst): Promise<Person | null>
}

// ── skjermede-personer-pip ───────────────────────────────────────────────────
export interface SkjermingRegister {
  /** True when any of the idents is skjermet (one bulk call, `skjermetBulk`). */
  erSkjermet(personidenter: readonly string[], ctx: KallKontekst): Promise<boolean>
}

// ── NOM ──────────────────────────────────────────────────────────────────────
export interface AnsattRegister {
  /** The employee's own personident; null when NOM does not know the NAVident. */
  hentPersonident(navident: string, ctx: KallKontekst): Promise<string | null>
}

// ── Texas (token service) ────────────────────────────────────────────────────
export interface TokenKilde {
  /** `entra_id` is the value NAIS documents for Texas (docs.nais.io, Texas's OpenAPI document). */
  token(identityProvider: 'maskinporten' | 'entra_id', target: string, ctx: KallKontekst): Promise<string>
}

// ── Fiks Digisos NAV API ─────────────────────────────────────────────────────
export interface FiksDigisos {
  /** The person's Digisos cases, across all municipalities. Throws KildeFeil. */
  hentSaker(personident: string, ctx: KallKontekst): Promise<DigisosSak[]>
  /** A stored JSON document (soknad.json or digisos-soker.json), unparsed beyond JSON. */
  hentDokument(fiksDigisosId: string, dokumentlagerId: string, ctx: KallKontekst): Promise<unknown>
  /** null when the municipality is not configured in Fiks (404). */
  hentKommuneInfo(kommunenummer: string, ctx: KallKontekst): Promise<KommuneInfo | null>
  /** Every municipality configured in Fiks (`GET /digisos/api/v1/nav/kommuner`). Throws KildeFeil. */
  hentAlleKommuneInfo(ctx: KallKontekst): Promise<KommuneInfo[]>
}
