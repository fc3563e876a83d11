// The access rules of DESIGN §4 as pure code: ordered, first failure decides. Facts are gathered
// by the caller before the rules run; the rules themselves never do I/O. The only way to obtain a
// `Tillatelse` — which the oppslag flow demands before it fetches any case data — is a Permit here.
import type { Gradering, Person } from '../domain/person.js'

export type AvslagKode =
  | 'UAUTENTISERT'
  | 'AVVIST_MANGLER_ROLLE'
  | 'AVVIST_MANGLER_HENVENDELSE'
  | 'PERSON_IKKE_FUNNET'
  | 'AVVIST_STRENGT_FORTROLIG_ADRESSE'
  | 'AVVIST_STRENGT_FORTROLIG_UTLAND'
  | 'AVVIST_FORTROLIG_ADRESSE'
  | 'AVVIST_SKJERMING'
  | 'AVVIST_HABILITET'

export type GruppeRolle = 'nks' | 'strengtFortrolig' | 'fortrolig' | 'egneAnsatte' | 'revisjon'
export type Grupper = Record<GruppeRolle, string>

export interface Saksbehandler {
  navident: string
  /** Group object ids from the token. */
  grupper: readonly string[]
}

export interface Foresporsel {
  saksbehandler: Saksbehandler | null
  henvendelseId: string | null
  personident: string
}

export interface Fakta {
  /** null: the person register does not know the person. */
  person: Person | null
  skjermet: boolean
  /** The employee's own person record (null when NOM does not know the employee; with only NOM's
   *  ident when PDL does not). */
  ansatt: Person | null
}

declare const tillatelseMerke: unique symbol
export interface Tillatelse {
  readonly [tillatelseMerke]: true
  readonly navident: string
  /** As typed: what the lookup was asked for. */
  readonly personident: string
  /** The person's current ident, and every ident of theirs (the case search and ownership). */
  readonly gjeldendeIdent: string
  readonly identer: readonly string[]
  readonly henvendelseId: string
  readonly gradering: Gradering
  readonly kommunenummer: string | null
  /** The rules whose condition held but which a group of the caller lifted: every read needs the
   *  same groups again (DESIGN §4, "every read re-checks"). */
  readonly loftet: readonly LoftbarKode[]
}

/** The codes of the rules a group can lift (5–7). */
export const LOFTBARE_KODER = [
  'AVVIST_STRENGT_FORTROLIG_ADRESSE',
  'AVVIST_STRENGT_FORTROLIG_UTLAND',
  'AVVIST_FORTROLIG_ADRESSE',
  'AVVIST_SKJERMING',
] as const satisfies readonly AvslagKode[]
export type LoftbarKode = (typeof LOFTBARE_KODER)[number]

export type Beslutning =
  /** `loftet`: rules whose condition held but which the caller's group lifted (audited). */
  { utfall: 'Permit'; tillatelse: Tillatelse; loftet: readonly LoftbarKode[] } | { utfall: 'Deny'; regel: Regel }

/** A rule; what a denial says and its HTTP status are the error catalogue's (feil.ts), by `kode`. */
export interface Regel {
  nr: number
  kode: AvslagKode
  /** The group that lifts the rule; null when nothing does. */
  loftesAv: GruppeRolle | null
}

interface RegelMedTest extends Regel {
  /** True when the rule denies. Only called with the facts it needs. */
  avviser(f: Foresporsel, fakta: Fakta | null, g: Grupper): boolean
  trengerFakta: boolean
}

const har = (f: Foresporsel, g: Grupper, rolle: GruppeRolle): boolean =>
  f.saksbehandler?.grupper.includes(g[rolle]) ?? false

const felles = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.includes(x))

/** The employee is the person, or their parent, child, sibling, (former) partner or co-parent.
 *  Both sides are all their idents (DESIGN §4): NOM may know the employee by an earlier ident, and
 *  PDL may name a relative by any of theirs. */
export function erInhabil(person: Person, ansattIdenter: readonly string[], ansatt: Person | null): boolean {
  if (ansattIdenter.length === 0) return false
  const personIdenter = person.identer.length > 0 ? person.identer : [person.personident]
  if (felles(ansattIdenter, personIdenter)) return true
  if (felles(person.foreldre, ansattIdenter) || felles(person.barn, ansattIdenter)) return true
  if (person.partnere.some((p) => ansattIdenter.includes(p.personident))) return true
  if (ansatt === null) return false
  // Both directions: the two records need not be symmetric in the register.
  if (felles(ansatt.foreldre, personIdenter) || felles(ansatt.barn, personIdenter)) return true
  if (ansatt.partnere.some((p) => personIdenter.includes(p.personident))) return true
  if (felles(person.foreldre, ansatt.foreldre)) return true // sibling (shares a parent)
  if (felles(person.barn, ansatt.barn)) return true // co-parent (shares a child)
  return false
}

const ansattIdenter = (a: Person | null): string[] => (a === null ? [] : [...new Set([a.personident, ...a.identer])])

const REGLER: readonly RegelMedTest[] = [
  {
    nr: 1,
    kode: 'UAUTENTISERT',
    loftesAv: null,
    trengerFakta: false,
    avviser: (f) => f.saksbehandler === null,
  },
  {
    nr: 2,
    kode: 'AVVIST_MANGLER_ROLLE',
    loftesAv: null,
    trengerFakta: false,
    avviser: (f, _, g) => !har(f, g, 'nks'),
  },
  {
    nr: 3,
    kode: 'AVVIST_MANGLER_HENVENDELSE',
    loftesAv: null,
    trengerFakta: false,
    avviser: (f) => f.henvendelseId === null || f.henvendelseId.trim() === '',
  },
  {
    nr: 4,
    kode: 'PERSON_IKKE_FUNNET',
    loftesAv: null,
    trengerFakta: true,
    avviser: (_, fakta) => fakta?.person == null,
  },
  {
    nr: 5,
    kode: 'AVVIST_STRENGT_FORTROLIG_ADRESSE',
    loftesAv: 'strengtFortrolig',
    trengerFakta: true,
    avviser: (f, fakta, g) => fakta?.person?.gradering === 'STRENGT_FORTROLIG' && !har(f, g, 'strengtFortrolig'),
  },
  {
    nr: 5,
    kode: 'AVVIST_STRENGT_FORTROLIG_UTLAND',
    loftesAv: 'strengtFortrolig',
    trengerFakta: true,
    avviser: (f, fakta, g) => fakta?.person?.gradering === 'STRENGT_FORTROLIG_UTLAND' && !har(f, g, 'strengtFortrolig'),
  },
  {
    nr: 6,
    kode: 'AVVIST_FORTROLIG_ADRESSE',
    loftesAv: 'fortrolig',
    trengerFakta: true,
    avviser: (f, fakta, g) => fakta?.person?.gradering === 'FORTROLIG' && !har(f, g, 'fortrolig'),
  },
  {
    nr: 7,
    kode: 'AVVIST_SKJERMING',
    loftesAv: 'egneAnsatte',
    trengerFakta: true,
    avviser: (f, fakta, g) => fakta?.skjermet === true && !har(f, g, 'egneAnsatte'),
  },
  {
    nr: 8,
    kode: 'AVVIST_HABILITET',
    loftesAv: null,
    trengerFakta: true,
    avviser: (_, fakta) => fakta?.person != null && erInhabil(fakta.person, ansattIdenter(fakta.ansatt), fakta.ansatt),
  },
]

export const REGELLISTE: readonly Regel[] = REGLER

/** Rules that need no register facts (1–3): run first, so a caller without a business need
 *  never causes a register lookup of the person. null when none denies. */
export function forhandsvurder(f: Foresporsel, g: Grupper): Regel | null {
  const avvist = REGLER.find((r) => !r.trengerFakta && r.avviser(f, null, g))
  return avvist ?? null
}

/** All rules in order over the gathered facts; the first that denies decides. */
export function vurder(f: Foresporsel, fakta: Fakta, g: Grupper): Beslutning {
  const avvist = REGLER.find((r) => r.avviser(f, fakta, g))
  if (avvist) return { utfall: 'Deny', regel: avvist }
  // Narrowed by rules 1, 3 and 4 above.
  const person = fakta.person as Person
  // Which lifting rules applied: evaluated as if the caller had none of the lifting groups.
  const utenGrupper = { ...f, saksbehandler: { ...(f.saksbehandler as Saksbehandler), grupper: [] } }
  const loftet = REGLER.filter((r) => r.loftesAv !== null && r.avviser(utenGrupper, fakta, g)).map(
    (r) => r.kode as LoftbarKode,
  )
  const tillatelse = {
    navident: (f.saksbehandler as Saksbehandler).navident,
    personident: f.personident,
    gjeldendeIdent: person.gjeldendeIdent,
    identer: Object.freeze([...new Set([f.personident, ...person.identer])]),
    henvendelseId: f.henvendelseId as string,
    gradering: person.gradering,
    kommunenummer: person.geografiskTilknytning.kommunenummer,
    loftet: Object.freeze(loftet),
  } as Tillatelse
  return { utfall: 'Permit', tillatelse: Object.freeze(tillatelse), loftet: tillatelse.loftet }
}

/** Every read of a lookup: rules 1–3 again, and every lift the permit needed must still be
 *  carried by the caller's token (a group lost since the start loses the lookup). The first that
 *  fails decides; null when the read may go on. Fails closed on a code it does not know. */
export function vurderLesing(s: Saksbehandler | null, t: Tillatelse, g: Grupper): Regel | null {
  const f: Foresporsel = { saksbehandler: s, henvendelseId: t.henvendelseId, personident: t.personident }
  const tidlig = forhandsvurder(f, g)
  if (tidlig) return tidlig
  for (const kode of t.loftet) {
    const regel = REGLER.find((r) => r.kode === kode)
    if (regel?.loftesAv == null || !har(f, g, regel.loftesAv)) return regel ?? { nr: 0, kode, loftesAv: null }
  }
  return null
}

/** The audit log's readers (DESIGN §3, §6): only the audit-reader group may search it, report on a
 *  person, verify the chain or ask for avvik. null when the caller may. */
export function vurderRevisor(s: Saksbehandler, g: Grupper): 'AVVIST_IKKE_REVISOR' | null {
  return s.grupper.includes(g.revisjon) ? null : 'AVVIST_IKKE_REVISOR'
}
