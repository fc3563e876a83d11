// The audit readers' flow (DESIGN §3, §6): who may read the log (access/), what each read records
// about itself, committed before the answer leaves, and the reads themselves; the stores page and
// aggregate (sok, avvik). The routes only map HTTP to these calls.
import { vurderRevisor, type Grupper, type Saksbehandler } from '../access/regler.js'
import type { Person } from '../domain/person.js'
import { Problem } from '../feil.js'
import { RegisterFeil, type PersonRegister } from '../sources/ports.js'
import { AVVIK_MAKS_DAGER, AVVIK_MAKS_RADER, settSammen, type Avvik, type AvvikTerskler } from './avvik.js'
import {
  nyHendelse,
  type AuditFilter,
  type AuditHandling,
  type AuditHendelse,
  type AuditStore,
  type LagretHendelse,
} from './port.js'
import { verifiserKjede, type Hode, type Verifisering } from './verifiser.js'

export interface RevisjonValg {
  audit: AuditStore
  grupper: Grupper
  instans: string
  /** The chain's key (AUDIT_NOKKEL). */
  nokkel: string
  avvik: AvvikTerskler & { historikkDager: number }
  na: () => number
  /** Resolves the person of an innsyn to all their idents (DESIGN §4). */
  personer: PersonRegister
  /** PDL answers within this, retries included (as for an access decision). */
  tilgangFristMs: number
}

/** Who reads, under which request. */
export interface Leser {
  saksbehandler: Saksbehandler
  callId: string
}

export interface Sok {
  personident?: string
  navident?: string
  fra?: string
  til?: string
  /** Only events after this id (the previous page's cursor); 0: from the start. */
  etterId: number
  grense: number
  /** The cursor as the caller sent it, recorded among the filters. */
  cursor?: string
}

export interface Periode {
  fra?: string
  til?: string
}

/** Most accesses one innsyn report lists; beyond it the report says `avkortet`. */
export const INNSYN_MAKS = 10_000
/** Events per page the innsyn reads from the store. */
const SIDE = 1000

/** An audit query's event's detaljer: the filters used, and how many events and persons the
 *  answer named (DESIGN §6: a search of the log is itself an access to personal data). */
function detaljer(filter: object, antallHendelser: number, personer: number): string {
  return JSON.stringify({ filter, antallHendelser, antallPersoner: personer })
}

// A person by their current ident where the event names it: one person under a D-nummer and an fnr is one.
const antallPersoner = (hs: readonly LagretHendelse[]): number =>
  new Set(hs.map((h) => h.gjeldendeIdent ?? h.personident).filter((p) => p !== null)).size

export class Revisjon {
  constructor(private readonly valg: RevisjonValg) {}

  private hendelse(l: Leser, handling: AuditHandling, felt: Partial<AuditHendelse> = {}): AuditHendelse {
    return nyHendelse(
      { tid: this.valg.na(), navident: l.saksbehandler.navident, callId: l.callId, instans: this.valg.instans },
      { handling, beslutning: 'Permit', ...felt },
    )
  }

  /** Only the audit-reader group; a refusal is recorded as what was tried (`handling`). */
  async krevRevisor(l: Leser, handling: AuditHandling): Promise<void> {
    const avslag = vurderRevisor(l.saksbehandler, this.valg.grupper)
    if (avslag) {
      await this.valg.audit.skriv([this.hendelse(l, handling, { beslutning: 'Deny', regel: avslag })])
      throw new Problem(avslag)
    }
  }

  /** One page of events matching the filter, and the cursor of the next (null: the last page). */
  async sok(l: Leser, sok: Sok): Promise<{ hendelser: LagretHendelse[]; nesteCursor: number | null }> {
    const { cursor, grense, etterId, personident, ...filter } = sok
    // The ident as typed or as the current one: an event typed by an old ident names the current too.
    const hendelser = await this.valg.audit.sok({
      ...filter,
      ...(personident ? { personidenter: [personident] } : {}),
      etterId,
      grense: grense + 1,
    })
    const flere = hendelser.length > grense
    const side = hendelser.slice(0, grense)
    // Committed before the answer leaves, with what was asked and how many persons it names.
    await this.valg.audit.skriv([
      this.hendelse(l, 'AUDIT_SOK', {
        personident: personident ?? null,
        detaljer: detaljer({ ...filter, ...(cursor ? { cursor } : {}), grense }, side.length, antallPersoner(side)),
      }),
    ])
    return { hendelser: side, nesteCursor: flere ? (side.at(-1) as LagretHendelse).id : null }
  }

  /** Every access to one person, under all their idents, at most INNSYN_MAKS. */
  async innsyn(
    l: Leser,
    personident: string,
    periode: Periode,
  ): Promise<{ tilganger: LagretHendelse[]; avkortet: boolean }> {
    // Every ident of the person (DESIGN §4): an access by an old D-nummer is theirs too. PDL down
    // is a 503 (a report missing accesses is worse than none); a person PDL does not know (any
    // more) is searched by the ident given.
    let person: Person | null
    try {
      person = await this.valg.personer.hentPerson(personident, {
        callId: l.callId,
        signal: AbortSignal.timeout(this.valg.tilgangFristMs),
      })
    } catch (e) {
      if (e instanceof RegisterFeil) {
        await this.valg.audit.skriv([
          this.hendelse(l, 'AUDIT_INNSYN', { personident, beslutning: 'Deny', regel: 'REGISTER_UTILGJENGELIG' }),
        ])
      }
      throw e
    }
    const identer = person ? [...new Set([personident, ...person.identer])] : [personident]
    periode = { ...(periode.fra ? { fra: periode.fra } : {}), ...(periode.til ? { til: periode.til } : {}) }
    const alle = await this.alleI({ personidenter: identer, ...periode }, INNSYN_MAKS + 1)
    const vist = alle.slice(0, INNSYN_MAKS)
    await this.valg.audit.skriv([
      this.hendelse(l, 'AUDIT_INNSYN', {
        personident,
        gjeldendeIdent: person?.gjeldendeIdent ?? null,
        detaljer: detaljer(periode, vist.length, antallPersoner(vist)),
      }),
    ])
    return { tilganger: vist, avkortet: alle.length > INNSYN_MAKS }
  }

  /** The whole chain, checked, against a head emitted earlier if one is given. */
  async verifiser(l: Leser, hode?: Hode): Promise<Verifisering> {
    await this.valg.audit.skriv([
      this.hendelse(l, 'AUDIT_VERIFISER', hode ? { detaljer: JSON.stringify({ hode }) } : {}),
    ])
    return verifiserKjede(this.valg.audit, { nokkel: this.valg.nokkel, ...(hode ? { hode } : {}) })
  }

  /** Suspicious patterns in [fra, til), aggregated by the store. */
  async avvik(l: Leser, fra: string, til: string): Promise<{ avvik: Avvik[]; avkortet: boolean }> {
    // Bounded: the database aggregates, but a window of years still scans years of events.
    const lengde = Date.parse(til) - Date.parse(fra)
    if (!(lengde > 0 && lengde <= AVVIK_MAKS_DAGER * 86_400_000)) throw new Problem('UGYLDIG_TIDSROM')
    const { historikkDager, ...terskler } = this.valg.avvik
    const sporring = { fra, til, historikkDager, terskler, grense: AVVIK_MAKS_RADER }
    const svar = settSammen(await this.valg.audit.avvik(sporring), sporring)
    // On record before it leaves, with how many persons the findings name (as for a search).
    const personer = new Set(svar.avvik.flatMap((a) => ('personident' in a ? [a.personident] : []))).size
    await this.valg.audit.skriv([
      this.hendelse(l, 'AUDIT_AVVIK', {
        detaljer: JSON.stringify({ fra, til, antallFunn: svar.avvik.length, antallPersoner: personer }),
      }),
    ])
    return svar
  }

  /** Every event matching the filter, page by page, at most `maks`. */
  private async alleI(filter: Omit<AuditFilter, 'etterId' | 'grense'>, maks: number): Promise<LagretHendelse[]> {
    const ut: LagretHendelse[] = []
    let etterId = 0
    for (;;) {
      const side = await this.valg.audit.sok({ ...filter, etterId, grense: SIDE })
      ut.push(...side)
      // Only an empty page ends it: a store may cap a page below SIDE while more events follow.
      if (side.length === 0 || ut.length >= maks) break
      etterId = (side.at(-1) as LagretHendelse).id
    }
    return ut.slice(0, maks)
  }
}
