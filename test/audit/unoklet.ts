// A SQLite audit database as the first schema version shipped it, with events chained as it chained
// them (plain SHA-256 over the twelve fields, before AUDIT_NOKKEL): what a migration starts from.
import { createHash } from 'node:crypto'
import { DatabaseSync as Database } from 'node:sqlite'
import { type AuditHendelse, GENESIS_HASH } from '../../src/audit/port.js'
import { hendelse } from './kontrakt.js'

/** The fields the chain covered before AUDIT_NOKKEL, in its order. */
const GAMLE_FELT = [
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
] as const

/** The unkeyed chain's hash, computed here apart from the service (what anyone can compute):
 *  plain SHA-256 over the previous hash and the twelve fields. */
export function unokletHash(forrige: string, h: Partial<AuditHendelse>): string {
  return createHash('sha256')
    .update(`${forrige}\n${JSON.stringify(GAMLE_FELT.map((f) => h[f] ?? null))}`)
    .digest('hex')
}

/** Writes events `numre` (kontrakt.ts hendelse) into a new first-version database at `sti`;
 *  returns the last event's hash. */
export function lagUnokletDatabase(sti: string, numre: number[]): string {
  const gammel = new Database(sti)
  gammel.exec(`CREATE TABLE schema_versjon (versjon INTEGER PRIMARY KEY, tid TEXT NOT NULL);
    CREATE TABLE audit_hendelse (id INTEGER PRIMARY KEY, tid TEXT NOT NULL, navident TEXT NOT NULL, handling TEXT NOT NULL,
      kategori TEXT, personident TEXT, henvendelse_id TEXT, beslutning TEXT NOT NULL, regel TEXT, kilde TEXT,
      sporings_ider TEXT NOT NULL, call_id TEXT NOT NULL, instans TEXT NOT NULL, forrige_hash TEXT NOT NULL, hash TEXT NOT NULL);
    INSERT INTO schema_versjon VALUES (1, '2026-01-01T00:00:00.000Z');`)
  const settInn =
    gammel.prepare(`INSERT INTO audit_hendelse (tid, navident, handling, kategori, personident, henvendelse_id, beslutning,
    regel, kilde, sporings_ider, call_id, instans, forrige_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  let forrige = GENESIS_HASH
  for (const n of numre) {
    const h = hendelse(n)
    const hash = unokletHash(forrige, h)
    settInn.run(
      h.tid,
      h.navident,
      h.handling,
      h.kategori,
      h.personident,
      h.henvendelseId,
      h.beslutning,
      h.regel,
      h.kilde,
      JSON.stringify(h.sporingsIder),
      h.callId,
      h.instans,
      forrige,
      hash,
    )
    forrige = hash
  }
  gammel.close()
  return forrige
}
