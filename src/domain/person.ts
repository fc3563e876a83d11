// The person as the access rules and the redaction see them: what the person register (PDL) tells,
// in the domain's terms. The adapters map the wire shape to this (sources/registre.ts).
import { z } from 'zod'

/** PDL's adressebeskyttelse gradings: the register's wire values and the permit's field alike. */
export const Gradering = z.enum(['STRENGT_FORTROLIG_UTLAND', 'STRENGT_FORTROLIG', 'FORTROLIG', 'UGRADERT'])
export type Gradering = z.infer<typeof Gradering>

export interface Person {
  /** The ident the person was asked for by (as typed). */
  personident: string
  /** The person's current ident: the non-historical folkeregisterident, else NPID, else the typed. */
  gjeldendeIdent: string
  /** Every ident of the person, current and historical (fnr, D-nummer, NPID), the typed included
   *  (DESIGN §4: a person is all their idents). */
  identer: string[]
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
