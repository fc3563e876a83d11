// What both audit stores share beyond the port: the row shapes (same column names in SQLite and
// PostgreSQL), the group-commit queue's batching, page sizes and retention checkpoints. No driver
// is imported here, so each store loads only its own.
import {
  AuditFeil,
  FELT,
  kanoniskForm,
  kjedeHash,
  kjedeHashAvForm,
  holderUnoklet,
  nyHendelse,
  sjekkpunktSignatur,
  sjekkpunktSignaturUnoklet,
  type AuditHendelse,
  type LagretHendelse,
  type Sjekkpunkt,
} from './port.js'

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

/** The WHERE condition for events about any of `identer`, typed or current, with `?` placeholders,
 *  and its values: the one place both stores take it from. */
export function identVilkar(identer: readonly string[]): { sql: string; verdier: string[] } {
  const plasser = identer.map(() => '?').join(', ')
  return { sql: `(personident IN (${plasser}) OR gjeldende_ident IN (${plasser}))`, verdier: [...identer, ...identer] }
}

export function sidestorrelse(grense: number): number {
  return Math.min(Math.max(Math.trunc(grense) || 1, 1), MAKS_SIDE)
}

/** Events deleted per retention transaction. One transaction for everything held the write lock
 *  (and, for SQLite, the event loop) for as long as the deletion took (docs/audit.md)
 *  and every audit write, so every request,
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
  nokkel: string,
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

/** The event columns of audit_hendelse in both stores, in kanoniskForm's field order (port.ts
 *  FELT): a store reads a row from the canonical array by position. */
export const HENDELSE_KOLONNER: readonly string[] = FELT.map((f) => f.replace(/[A-Z]/g, (b) => `_${b.toLowerCase()}`))

/** A row of audit_hendelse (shared with the PostgreSQL store, which uses the same column names). */
export interface HendelseRad {
  id: number | string
  tid: string
  navident: string
  handling: string
  kategori: string | null
  personident: string | null
  /** NULL in rows from before the column, and in events about no resolved person. */
  gjeldende_ident?: string | null
  henvendelse_id: string | null
  beslutning: string
  regel: string | null
  kilde: string | null
  sporings_ider: string | string[]
  call_id: string
  instans: string
  detaljer: string | null
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
    // Only when there is one: an event without it reads back as it was written.
    ...(r.gjeldende_ident != null ? { gjeldendeIdent: r.gjeldende_ident } : {}),
    henvendelseId: r.henvendelse_id,
    beslutning: r.beslutning as LagretHendelse['beslutning'],
    regel: r.regel,
    kilde: r.kilde as LagretHendelse['kilde'],
    sporingsIder: typeof r.sporings_ider === 'string' ? (JSON.parse(r.sporings_ider) as string[]) : r.sporings_ider,
    callId: r.call_id,
    instans: r.instans,
    // Only when there are any: an event made without the field reads back as it was written.
    ...(r.detaljer != null ? { detaljer: r.detaljer } : {}),
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

/** What a store writes when it opens with a key over a chain made before keys: a checkpoint
 *  re-signed with the key, and the anchor event. */
export interface NokkelOvergang {
  sjekkpunkt: Sjekkpunkt | null
  anker: { kanonisk: string; forrigeHash: string; hash: string } | null
}

/**
 * Checks the chain's head against the key when a store opens, and migrates an unkeyed chain.
 *
 * A head that verifies with the key (or none at all): nothing to do. A head from the unkeyed
 * chain (plain SHA-256, before AUDIT_NOKKEL) is migrated only when `migrer` names that very head,
 * `<id>:<hash>` (AUDIT_MIGRER_UNOKLET; the refusal below prints it): the keyed chain starts there
 * with an anchor event, AUDIT_NOKKEL_INNFORT, whose detaljer name the last unkeyed event; its keyed
 * hash covers that event's hash, so the unkeyed prefix cannot be changed afterwards without
 * breaking the first keyed link (verifiser.ts accepts unkeyed events only before a keyed one). An
 * unkeyed latest checkpoint is re-signed with the key (a new row chained to it: checkpoints are
 * append-only).
 *
 * Why the flag names the head and not just "yes": whoever holds the database can write an unkeyed
 * chain or checkpoint without the key. A bare flag left set after the migration would key it at the
 * next restart, and a forged unkeyed checkpoint claiming the last published head would verify
 * against that head. Bound to one head, the flag is inert once that head is gone; and a keyed
 * checkpoint below an unkeyed head means the chain was keyed before: refused whatever the flag.
 */
export function nokkelOvergang(
  siste: LagretHendelse | null,
  sp: Sjekkpunkt | null,
  nokkel: string,
  valg: { migrer: string | null; instans: string; tid: string },
): NokkelOvergang {
  const innhold = ({ signatur: _, ...felt }: Sjekkpunkt) => felt
  const spOk = (s: Sjekkpunkt) => sjekkpunktSignatur(innhold(s), nokkel) === s.signatur
  const spUnoklet = (s: Sjekkpunkt) => sjekkpunktSignaturUnoklet(innhold(s)) === s.signatur
  const hodeOk = siste ? kjedeHash(nokkel, siste.forrigeHash, siste) === siste.hash : sp === null || spOk(sp)
  if (hodeOk) return { sjekkpunkt: null, anker: null }
  const unoklet = siste ? holderUnoklet(siste.forrigeHash, siste, siste.hash) : sp !== null && spUnoklet(sp)
  if (!unoklet) {
    throw new AuditFeil(
      'revisjonsloggens kjede stemmer ikke med AUDIT_NOKKEL (feil nøkkel, eller siste hendelse er endret)',
    )
  }
  if (sp && spOk(sp)) {
    throw new AuditFeil(
      'revisjonsloggens kjede har et sjekkpunkt med AUDIT_NOKKEL under et hode uten: kjeden er skrevet om',
    )
  }
  if (!siste) {
    // A service that ran writes events: an unkeyed checkpoint with none after it is what anyone
    // holding the database can write, claiming whatever head they like.
    throw new AuditFeil(
      'revisjonsloggens kjede er et sjekkpunkt uten nøkkel og uten hendelser: det kan ikke skilles fra et forfalsket (docs/audit.md)',
    )
  }
  const hode = `${siste.id}:${siste.hash}`
  if (valg.migrer === null) {
    throw new AuditFeil(
      `revisjonsloggens kjede er uten nøkkel: sett AUDIT_MIGRER_UNOKLET=${hode} for én oppstart for å innføre AUDIT_NOKKEL (docs/audit.md)`,
    )
  }
  if (valg.migrer !== hode) {
    throw new AuditFeil(
      `AUDIT_MIGRER_UNOKLET nevner et annet hode enn kjedens (${hode}): kjeden er endret siden, eller flagget er glemt igjen`,
    )
  }
  let sjekkpunkt: Sjekkpunkt | null = null
  if (sp && !spOk(sp)) {
    if (!spUnoklet(sp)) throw new AuditFeil('revisjonsloggens sjekkpunkt stemmer ikke med AUDIT_NOKKEL')
    const felt = {
      sisteSlettedeId: sp.sisteSlettedeId,
      sisteSlettedeHash: sp.sisteSlettedeHash,
      antallSlettet: 0,
      tid: valg.tid,
      forrigeSignatur: sp.signatur,
    }
    sjekkpunkt = { ...felt, signatur: sjekkpunktSignatur(felt, nokkel) }
  }
  const forrigeHash = siste.hash
  const anker = nyHendelse(
    { tid: Date.parse(valg.tid), navident: 'SYSTEM', callId: 'nokkel-innfort', instans: valg.instans },
    {
      handling: 'AUDIT_NOKKEL_INNFORT',
      beslutning: 'Permit',
      detaljer: JSON.stringify({ sisteUnokledeId: siste.id, sisteUnokledeHash: forrigeHash }),
    },
  )
  const kanonisk = kanoniskForm(anker)
  return { sjekkpunkt, anker: { kanonisk, forrigeHash, hash: kjedeHashAvForm(nokkel, forrigeHash, kanonisk) } }
}
