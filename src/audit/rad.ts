// What both audit stores share beyond the port: the row shapes (same column names in SQLite and
// PostgreSQL), the group-commit queue's batching, page sizes and retention checkpoints. No driver
// is imported here, so each store loads only its own.
import { sjekkpunktSignatur, type AuditHendelse, type LagretHendelse, type Sjekkpunkt } from './port.js'

/** Upper bound on the events of one group commit (a single larger call still commits whole). */
export const MAKS_BATCH = 256
/** Most events one search returns. */
export const MAKS_SIDE = 1000

/** One caller's events waiting for the next group commit. */
export interface Ventende {
  hendelser: AuditHendelse[]
  ok: () => void
  feil: (e: Error) => void
}

/** Takes the next group off the queue: whole callers, at most MAKS_BATCH events (one larger
 *  caller goes alone). */
export function taBatch(ko: Ventende[]): Ventende[] {
  const batch: Ventende[] = []
  let antall = 0
  while (ko.length > 0 && (batch.length === 0 || antall + (ko[0] as Ventende).hendelser.length <= MAKS_BATCH)) {
    const neste = ko.shift() as Ventende
    batch.push(neste)
    antall += neste.hendelser.length
  }
  return batch
}

export function sidestorrelse(grense: number): number {
  return Math.min(Math.max(Math.trunc(grense) || 1, 1), MAKS_SIDE)
}

/** Events deleted per retention transaction. One transaction for everything held the write lock
 *  (and, for SQLite, the event loop) for as long as the deletion took — 0.7 s for 200 000 events,
 *  minutes after retention is shortened on a full log — and every audit write, so every request,
 *  waited for it. In slices, writes go on between them; each slice leaves its own checkpoint, so a
 *  stop half-way leaves a chain that verifies. */
export const SLETT_RADER_PER_TRANSAKSJON = 2000

/** Rows per retention slice as asked for: a whole number ≥ 1, the default for anything else. */
export function skivestorrelse(rader: number | undefined): number {
  return rader !== undefined && Number.isFinite(rader) ? Math.max(1, Math.trunc(rader)) : SLETT_RADER_PER_TRANSAKSJON
}

/** The checkpoint retention leaves: the last deleted event, chained to the previous checkpoint. */
export function nyttSjekkpunkt(
  siste: { id: number | string; hash: string },
  antallSlettet: number,
  forrigeSignatur: string | null,
  nokkel: string | null,
): Sjekkpunkt {
  const sp: Omit<Sjekkpunkt, 'signatur'> = {
    sisteSlettedeId: Number(siste.id),
    sisteSlettedeHash: siste.hash,
    antallSlettet,
    tid: new Date().toISOString(),
    forrigeSignatur,
  }
  return { ...sp, signatur: sjekkpunktSignatur(sp, nokkel) }
}

/** In the column order of audit_sjekkpunkt's INSERT in both stores. */
export function sjekkpunktVerdier(sp: Sjekkpunkt): [number, string, number, string, string | null, string] {
  return [sp.sisteSlettedeId, sp.sisteSlettedeHash, sp.antallSlettet, sp.tid, sp.forrigeSignatur, sp.signatur]
}

/** A row of audit_hendelse (shared with the PostgreSQL store, which uses the same column names). */
export interface HendelseRad {
  id: number | string
  tid: string
  navident: string
  handling: string
  kategori: string | null
  personident: string | null
  henvendelse_id: string | null
  beslutning: string
  regel: string | null
  kilde: string | null
  sporings_ider: string | string[]
  call_id: string
  instans: string
  forrige_hash: string
  hash: string
}

export interface SjekkpunktRad {
  siste_slettede_id: number | string
  siste_slettede_hash: string
  antall_slettet: number | string
  tid: string
  forrige_signatur: string | null
  signatur: string
}

export function fraRad(r: HendelseRad): LagretHendelse {
  return {
    id: Number(r.id),
    tid: r.tid,
    navident: r.navident,
    handling: r.handling as LagretHendelse['handling'],
    kategori: r.kategori as LagretHendelse['kategori'],
    personident: r.personident,
    henvendelseId: r.henvendelse_id,
    beslutning: r.beslutning as LagretHendelse['beslutning'],
    regel: r.regel,
    kilde: r.kilde as LagretHendelse['kilde'],
    sporingsIder: typeof r.sporings_ider === 'string' ? (JSON.parse(r.sporings_ider) as string[]) : r.sporings_ider,
    callId: r.call_id,
    instans: r.instans,
    forrigeHash: r.forrige_hash,
    hash: r.hash,
  }
}

export function fraSjekkpunktRad(r: SjekkpunktRad): Sjekkpunkt {
  return {
    sisteSlettedeId: Number(r.siste_slettede_id),
    sisteSlettedeHash: r.siste_slettede_hash,
    antallSlettet: Number(r.antall_slettet),
    tid: r.tid,
    forrigeSignatur: r.forrige_signatur,
    signatur: r.signatur,
  }
}
