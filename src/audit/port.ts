// The audit port (DESIGN §6). Every access passes through here and is committed before any data
// leaves; a store that cannot commit makes the request fail with 503 and no data.
import { createHash } from 'node:crypto'
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
  /** ISO 8601, UTC, set by the service when the event is made. */
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
  instans: string
}

/** A stored event: the event plus its place in the hash chain. */
export interface LagretHendelse extends AuditHendelse {
  id: number
  forrigeHash: string
  hash: string
}

export interface AuditStore {
  /** Resolves when every event is durably committed, in order; rejects when it could not be. */
  skriv(hendelser: AuditHendelse[]): Promise<void>
  /** True when the store can commit right now (readiness). */
  klar(): Promise<boolean>
  /** All events in chain order (small stores and tests; the audit issue adds paging). */
  alle(): Promise<LagretHendelse[]>
  lukk(): Promise<void>
}

export class AuditFeil extends Error {
  override name = 'AuditFeil'
}

export const GENESIS_HASH = '0'.repeat(64)

// Fixed field order: the hash must not depend on how an object happened to be built.
const FELT: (keyof AuditHendelse)[] = [
  'tid', 'navident', 'handling', 'kategori', 'personident', 'henvendelseId',
  'beslutning', 'regel', 'kilde', 'sporingsIder', 'callId', 'instans',
]

/** SHA-256 over the previous hash and a canonical encoding of the event. */
export function kjedeHash(forrigeHash: string, h: AuditHendelse): string {
  const kanonisk = JSON.stringify(FELT.map((f) => h[f] ?? null))
  return createHash('sha256').update(forrigeHash).update('\n').update(kanonisk).digest('hex')
}
