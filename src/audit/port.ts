// The audit port (DESIGN §6). Every access passes through here and is committed before any data
// leaves; a store that cannot commit makes the request fail with 503 and no data.
import { createHash, createHmac, hash } from 'node:crypto'
import type { Kategori } from '../domain/model.js'

export type AuditHandling =
  | 'OPPSLAG_START'
  | 'LES'
  | 'AVSLUTT'
  | 'AUDIT_SOK'
  | 'AUDIT_INNSYN'
  | 'AUDIT_VERIFISER'
  | 'AUDIT_AVVIK'

export interface AuditHendelse {
  /** ISO 8601, UTC, with milliseconds, set by the service when the event is made. */
  tid: string
  navident: string
  handling: AuditHandling
  kategori: Kategori | null
  personident: string | null
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
}

/** A stored event: the event plus its place in the hash chain. `id` grows strictly in chain order. */
export interface LagretHendelse extends AuditHendelse {
  id: number
  forrigeHash: string
  hash: string
}

export interface AuditFilter {
  personident?: string
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
  /** HMAC-SHA256 with the configured key (SHA-256 without one) over the fields above, so that a
   *  checkpoint cannot be rewritten to hide a deletion by anyone without the key. */
  signatur: string
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
   *  recording a checkpoint signed with `nokkel` and chained to the one before; returns how many
   *  were deleted. Deletion by anything else is refused by the store itself. */
  slettFor(forTid: string, nokkel: string | null, raderPerTransaksjon?: number): Promise<number>
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

// Fixed field order: the hash must not depend on how an object happened to be built. The SQLite
// writer thread also reads the row back from this array by position (audit/sqlite-skriver.ts).
const FELT: (keyof AuditHendelse)[] = [
  'tid', 'navident', 'handling', 'kategori', 'personident', 'henvendelseId',
  'beslutning', 'regel', 'kilde', 'sporingsIder', 'callId', 'instans',
]

/** Text a store can hold exactly as it was hashed: well-formed UTF-16 (a lone surrogate has no
 *  UTF-8 form) with no NUL (PostgreSQL text cannot hold it). */
const lagringsbar = (v: unknown): boolean => typeof v === 'string' && v.isWellFormed() && !v.includes('\0')

/** The fields a store keeps as NULL; the others are NOT NULL in both stores' tables. */
const KAN_VAERE_NULL = new Set<keyof AuditHendelse>(['kategori', 'personident', 'henvendelseId', 'regel', 'kilde'])

/** The first field of an event that no store could keep exactly as hashed, or null. Such an event
 *  is refused before it joins a group commit: PostgreSQL would fail the whole group on it, and
 *  SQLite store it changed, a false alarm for the chain ever after. No input path makes one
 *  (every field is checked or ours); this keeps it so. */
function ulagringsbartFelt(h: AuditHendelse): keyof AuditHendelse | null {
  for (const f of FELT) {
    // As kanoniskForm reads it: a field left out is null.
    const v = h[f] ?? null
    if (f === 'sporingsIder' ? !Array.isArray(v) || !v.every(lagringsbar) : v === null ? !KAN_VAERE_NULL.has(f) : !lagringsbar(v)) return f
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

/** The canonical encoding of an event: its fields in a fixed order, as JSON. */
export function kanoniskForm(h: AuditHendelse): string {
  return JSON.stringify(FELT.map((f) => h[f] ?? null))
}

/** SHA-256 over the previous hash and the canonical encoding of the event. */
export function kjedeHash(forrigeHash: string, h: AuditHendelse): string {
  return kjedeHashAvForm(forrigeHash, kanoniskForm(h))
}

/** The chain hash from an event's canonical encoding (kanoniskForm), for a store that has it already. */
export function kjedeHashAvForm(forrigeHash: string, kanonisk: string): string {
  return hash('sha256', `${forrigeHash}\n${kanonisk}`, 'hex')
}

/** The signature of a checkpoint, chained to the one before it. */
export function sjekkpunktSignatur(s: Omit<Sjekkpunkt, 'signatur'>, nokkel: string | null): string {
  const innhold = JSON.stringify([s.sisteSlettedeId, s.sisteSlettedeHash, s.antallSlettet, s.tid, s.forrigeSignatur])
  return nokkel ? createHmac('sha256', nokkel).update(innhold).digest('hex') : createHash('sha256').update(innhold).digest('hex')
}
