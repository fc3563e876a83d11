// The audit port (DESIGN §6). Every access passes through here and is committed before any data
// leaves; a store that cannot commit makes the request fail with 503 and no data.
import { hash } from 'node:crypto'
import type { Kategori } from '../domain/model.js'
import type { AvvikGrunnlag, AvvikSporring } from './avvik.js'
// The formula itself lives in kjedeformel.cjs, a module of no imports that the SQLite writer
// thread requires too: one formula for the writer and the verifier.
import { kjedeHashAvForm, signatur, sjekkpunktInnhold as innholdAv } from './kjedeformel.cjs'

export type AuditHandling =
  | 'OPPSLAG_START'
  | 'LES'
  | 'AVSLUTT'
  | 'AUDIT_SOK'
  | 'AUDIT_INNSYN'
  | 'AUDIT_VERIFISER'
  | 'AUDIT_AVVIK'
  /** The service's own entries in the chain: the anchor that starts the keyed chain after an
   *  unkeyed one (migration), and readiness's trial commit after a failed commit. */
  | 'AUDIT_NOKKEL_INNFORT'
  | 'AUDIT_PROVESKRIVING'

export interface AuditHendelse {
  /** ISO 8601, UTC, with milliseconds, set by the service when the event is made. */
  tid: string
  navident: string
  handling: AuditHandling
  kategori: Kategori | null
  /** As typed by the employee. */
  personident: string | null
  /** The person's current ident from PDL, when the person was resolved (DESIGN §4: the audit
   *  records the typed and the current ident). Optional: events from before it was recorded, and
   *  those about no one, have none. */
  gjeldendeIdent?: string | null
  henvendelseId: string | null
  beslutning: 'Permit' | 'Deny'
  /** The deciding rule's code on Deny; null on Permit. */
  regel: string | null
  /** Where the data came from on a read: the session cache or the upstreams. */
  kilde: 'cache' | 'upstream' | null
  /** Fiks `sporingsId`s of the upstream calls that fetched the data (kilde upstream). */
  sporingsIder: string[]
  callId: string
  /** The replica that wrote the event. */
  instans: string
  /** What else the access was, as JSON text (an audit search's filters and how many persons its
   *  answer named; the anchor's last unkeyed event); null when nothing. In the hash. */
  detaljer?: string | null
}

/** A stored event: the event plus its place in the hash chain. `id` grows strictly in chain order. */
export interface LagretHendelse extends AuditHendelse {
  id: number
  forrigeHash: string
  hash: string
}

export interface AuditFilter {
  personident?: string
  /** Events about any of these idents, typed or current (a person is all their idents). */
  personidenter?: readonly string[]
  navident?: string
  /** Inclusive lower bound on `tid` (ISO 8601). */
  fra?: string
  /** Exclusive upper bound on `tid` (ISO 8601). */
  til?: string
  /** Cursor: only events with id greater than this. */
  etterId?: number
  /** Page size, 1..1000. */
  grense: number
}

/** Left behind by retention: where the remaining chain starts. */
export interface Sjekkpunkt {
  /** Id and hash of the last deleted event: the first remaining event's forrigeHash. */
  sisteSlettedeId: number
  sisteSlettedeHash: string
  antallSlettet: number
  tid: string
  /** The previous checkpoint's signatur (null for the first). */
  forrigeSignatur: string | null
  /** HMAC-SHA256 with the chain's key (AUDIT_NOKKEL) over the fields above, so that a checkpoint
   *  cannot be rewritten to hide a deletion by anyone without the key. */
  signatur: string
}

export interface Kjedehode {
  id: number
  hash: string
  antall: number
}

export interface AuditStore {
  /** Resolves when every event is durably committed, in order; rejects (AuditFeil) when it could
   *  not be. Events from concurrent calls share one commit (group commit). */
  skriv(hendelser: AuditHendelse[]): Promise<void>
  /** True when the store can commit right now (readiness). */
  klar(): Promise<boolean>
  /** Events matching the filter, in id order, at most `grense`. */
  sok(filter: AuditFilter): Promise<LagretHendelse[]>
  /** The chain in id order from after `etterId` (0: the start), at most `grense` events. */
  kjede(etterId: number, grense: number): Promise<LagretHendelse[]>
  /** The latest retention checkpoint, or null when nothing has been deleted. */
  sjekkpunkt(): Promise<Sjekkpunkt | null>
  /** Retention: deletes every event with `tid` before `forTid`, oldest first, at most
   *  `raderPerTransaksjon` (default SLETT_RADER_PER_TRANSAKSJON, rad.ts) per transaction, each transaction
   *  recording a checkpoint signed with the chain's key and chained to the one before; returns how
   *  many were deleted. Deletion by anything else is refused by the store itself. */
  slettFor(forTid: string, raderPerTransaksjon?: number): Promise<number>
  /** The chain's head: its last event's id and hash and how many events the store holds; null
   *  when it holds none. Emitted outside the database (CEF), so a removed tail is found later. */
  hode(): Promise<Kjedehode | null>
  /** The suspicious-pattern report's figures, aggregated by the database (avvik.ts). */
  avvik(sporring: AvvikSporring): Promise<AvvikGrunnlag>
  lukk(): Promise<void>
}

/** A formatter of times (ms) as ISO 8601 UTC that formats the same millisecond once: requests in
 *  the same millisecond share one string, and formatting a Date is a visible part of a cached read.
 *  Each use keeps its own (two streams of times through one cache would keep evicting each other). */
export function isoFormaterer(): (tid: number) => string {
  let sisteTid = Number.NaN
  let sisteIso = ''
  return (tid) => {
    if (tid !== sisteTid) {
      sisteIso = new Date(tid).toISOString()
      sisteTid = tid
    }
    return sisteIso
  }
}

const hendelseTid = isoFormaterer()

/** An event with every optional field empty: callers name only what the access was. */
export function nyHendelse(
  grunn: { tid: number; navident: string; callId: string; instans: string },
  felt: Pick<AuditHendelse, 'handling' | 'beslutning'> & Partial<AuditHendelse>,
): AuditHendelse {
  return {
    tid: hendelseTid(grunn.tid),
    navident: grunn.navident,
    kategori: null,
    personident: null,
    henvendelseId: null,
    regel: null,
    kilde: null,
    sporingsIder: [],
    callId: grunn.callId,
    instans: grunn.instans,
    ...felt,
  }
}

export class AuditFeil extends Error {
  override name = 'AuditFeil'
}

export const GENESIS_HASH = '0'.repeat(64)

/** The key development and test run with when AUDIT_NOKKEL is not set (config.ts refuses it in
 *  production): a chain keyed with a published key proves nothing. */
export const DEV_NOKKEL = 'stonadsoppslag-utvikling-ikke-hemmelig-0001'

// Fixed field order: the hash must not depend on how an object happened to be built. The stores
// read the row back from this array by position (rad.ts HENDELSE_KOLONNER). A new field goes at
// the end (with its column in both stores): kanoniskForm leaves out trailing nulls, so an event
// written before the field existed hashes as it did.
export const FELT: (keyof AuditHendelse)[] = [
  'tid',
  'navident',
  'handling',
  'kategori',
  'personident',
  'henvendelseId',
  'beslutning',
  'regel',
  'kilde',
  'sporingsIder',
  'callId',
  'instans',
  'detaljer',
  'gjeldendeIdent',
]

/** The fields of the unkeyed chain (before AUDIT_NOKKEL), frozen: its events verify by them. */
const FELT_UNOKLET = FELT.slice(0, 12)

/** Text a store can hold exactly as it was hashed: well-formed UTF-16 (a lone surrogate has no
 *  UTF-8 form) with no NUL (PostgreSQL text cannot hold it). */
const lagringsbar = (v: unknown): boolean => typeof v === 'string' && v.isWellFormed() && !v.includes('\0')

/** The fields a store keeps as NULL; the others are NOT NULL in both stores' tables. */
const KAN_VAERE_NULL = new Set<keyof AuditHendelse>([
  'kategori',
  'personident',
  'henvendelseId',
  'regel',
  'kilde',
  'detaljer',
  'gjeldendeIdent',
])

/** The first field of an event that no store could keep exactly as hashed, or null. Such an event
 *  is refused before it joins a group commit: PostgreSQL would fail the whole group on it, and
 *  SQLite store it changed, a false alarm for the chain ever after. No input path makes one
 *  (every field is checked or ours); this keeps it so. */
function ulagringsbartFelt(h: AuditHendelse): keyof AuditHendelse | null {
  for (const f of FELT) {
    // As kanoniskForm reads it: a field left out is null.
    const v = h[f] ?? null
    if (
      f === 'sporingsIder'
        ? !Array.isArray(v) || !v.every(lagringsbar)
        : v === null
          ? !KAN_VAERE_NULL.has(f)
          : !lagringsbar(v)
    )
      return f
  }
  return null
}

/** The store's refusal of events it cannot keep as hashed (ulagringsbartFelt), naming the field,
 *  never its value; null when every event can be stored. */
export function ulagringsbar(hendelser: AuditHendelse[]): AuditFeil | null {
  for (const h of hendelser) {
    const felt = ulagringsbartFelt(h)
    if (felt) return new AuditFeil(`audit-hendelsen kan ikke lagres slik den ble hashet: ${felt}`)
  }
  return null
}

/** The canonical encoding of an event, the one hash input: its fields in FELT's order as a JSON
 *  array, trailing nulls left out. */
export function kanoniskForm(h: AuditHendelse): string {
  const verdier = FELT.map((f) => h[f] ?? null)
  while (verdier.length > 1 && verdier.at(-1) === null) verdier.pop()
  return JSON.stringify(verdier)
}

/** HMAC-SHA-256 with the chain's key over the previous hash and the event's canonical encoding:
 *  without the key nobody can recompute a chain over changed events. */
export function kjedeHash(nokkel: string, forrigeHash: string, h: AuditHendelse): string {
  return kjedeHashAvForm(nokkel, forrigeHash, kanoniskForm(h))
}

export { kjedeHashAvForm }

/** The unkeyed chain's hash (before AUDIT_NOKKEL): plain SHA-256 over the 12 original fields. */
export function kjedeHashUnoklet(forrigeHash: string, h: AuditHendelse): string {
  return hash('sha256', `${forrigeHash}\n${JSON.stringify(FELT_UNOKLET.map((f) => h[f] ?? null))}`, 'hex')
}

/** Whether an event holds as one of the unkeyed chain (verifiser.ts, for events before the
 *  anchor). The fields added since (detaljer, gjeldendeIdent) did not exist when those events were
 *  written, so the old hash does not cover them: an unkeyed event that carries one was changed
 *  afterwards (another person's ident put into it would show in that person's innsyn). */
export function holderUnoklet(forrigeHash: string, h: AuditHendelse, lagretHash: string): boolean {
  return FELT_NYE.every((f) => (h[f] ?? null) === null) && kjedeHashUnoklet(forrigeHash, h) === lagretHash
}
const FELT_NYE = FELT.slice(12)

/** The signature of a checkpoint, chained to the one before it. */
export function sjekkpunktSignatur(s: Omit<Sjekkpunkt, 'signatur'>, nokkel: string): string {
  return signatur(nokkel, sjekkpunktInnhold(s))
}

/** What a checkpoint's signature covers. */
export function sjekkpunktInnhold(s: Omit<Sjekkpunkt, 'signatur'>): string {
  return innholdAv(s.sisteSlettedeId, s.sisteSlettedeHash, s.antallSlettet, s.tid, s.forrigeSignatur)
}

/** A checkpoint signed before AUDIT_NOKKEL (plain SHA-256), for migration only. */
export function sjekkpunktSignaturUnoklet(s: Omit<Sjekkpunkt, 'signatur'>): string {
  return hash('sha256', sjekkpunktInnhold(s), 'hex')
}
