// The lookup sessions in this replica's memory, keyed by an unguessable oppslagId,
// bounded by entries and by bytes, with an idle TTL and a maximum life. The case data is cached
// inside the session and goes with it: on DELETE, on expiry and on eviction. With several replicas
// the metadata also lives in a shared store (./delte.ts); this cache is then only each replica's copy.
import { hash, randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { Kilde } from '../domain/model.js'
import type { Tillatelse } from '../access/regler.js'
import type { Kompakt } from './kompakt.js'

export interface OppslagSesjon {
  readonly oppslagId: string
  /** The hash the shared store and its end announcements use instead of the id. */
  readonly hash: string
  readonly tillatelse: Tillatelse
  readonly utloperSenest: number
  /** Cached result; only complete results (no UTILGJENGELIG kilde) are kept. */
  innhentet: Kompakt | null
  /** A fetch in flight, shared by concurrent reads of the same lookup. */
  underveis: Promise<Kompakt> | null
}

export interface SesjonValg {
  idleTtlMs: number
  maxTtlMs: number
  maksAntall: number
  maksBytes: number
  na?: () => number
  /** Told when a live session is evicted to keep the bounds (metrics). */
  vedUtkastelse?: () => void
}

/** What the shared store (./delte.ts) and its end announcements use instead of the id itself. */
export function oppslagHash(oppslagId: string): string {
  return hash('sha256', oppslagId, 'hex')
}

/** 256 random bits, base64url: 43 characters. */
export const OPPSLAG_ID_MONSTER = /^[A-Za-z0-9_-]{43}$/

const GRUNNSTORRELSE = 512

/** Size in bytes of what a session holds; bounds memory, so it errs on the large side. */
function storrelse(s: OppslagSesjon): number {
  return GRUNNSTORRELSE + (s.innhentet?.bytes ?? 0)
}

export class OppslagSesjoner {
  private readonly cache: LRUCache<string, OppslagSesjon>
  /** hash → oppslagId of the sessions held, for ends announced by hash (./delte.ts). */
  private readonly idPerHash = new Map<string, string>()
  private readonly na: () => number
  readonly maxTtlMs: number
  readonly idleTtlMs: number

  constructor(valg: SesjonValg) {
    this.na = valg.na ?? Date.now
    this.maxTtlMs = valg.maxTtlMs
    this.idleTtlMs = valg.idleTtlMs
    this.cache = new LRUCache<string, OppslagSesjon>({
      max: valg.maksAntall,
      maxSize: valg.maksBytes,
      sizeCalculation: storrelse,
      ttl: valg.idleTtlMs,
      updateAgeOnGet: true,
      // Not ttlAutopurge: it re-arms a timer (clearTimeout + setTimeout) on every read. Expired
      // entries are never served, and feiUtlopte (every few seconds) removes them.
      perf: { now: () => this.na() },
      // Ask the clock every time (no cached 'now' refreshed by a timer): tests move it.
      ttlResolution: 0,
      dispose: (v, _k, arsak) => {
        if (arsak !== 'set') this.idPerHash.delete(v.hash)
        if (arsak === 'evict') valg.vedUtkastelse?.()
      },
    })
  }

  opprett(tillatelse: Tillatelse): OppslagSesjon {
    return this.gjenopprett(randomBytes(32).toString('base64url'), tillatelse, this.na() + this.maxTtlMs)
  }

  /** This replica's copy of a lookup known from the shared store (started on another replica). */
  gjenopprett(oppslagId: string, tillatelse: Tillatelse, utloperSenest: number): OppslagSesjon {
    const sesjon: OppslagSesjon = {
      oppslagId,
      hash: oppslagHash(oppslagId),
      tillatelse,
      utloperSenest,
      innhentet: null,
      underveis: null,
    }
    this.cache.set(oppslagId, sesjon)
    this.idPerHash.set(sesjon.hash, oppslagId)
    return sesjon
  }

  /** The caller's own live session, or null. Another employee's session is indistinguishable
   *  from one that does not exist. */
  hent(oppslagId: string, navident: string): OppslagSesjon | null {
    // Keyed by the id itself: no hashing here (the hash is for the shared store and its announcements).
    const sesjon = this.cache.get(oppslagId)
    if (!sesjon || sesjon.tillatelse.navident !== navident) return null
    if (this.na() >= sesjon.utloperSenest) {
      this.cache.delete(oppslagId)
      return null
    }
    return sesjon
  }

  /** The permit of a live session that is another employee's (for the audit of the attempt);
   *  null otherwise. Neither touches the session nor keeps it alive. */
  annensTillatelse(oppslagId: string, navident: string): Tillatelse | null {
    const sesjon = this.cache.peek(oppslagId)
    if (!sesjon || sesjon.tillatelse.navident === navident || this.na() >= sesjon.utloperSenest) return null
    return sesjon.tillatelse
  }

  /** When the session expires if left idle now (never past its maximum life). */
  utloper(sesjon: OppslagSesjon): number {
    return Math.min(this.na() + this.idleTtlMs, sesjon.utloperSenest)
  }

  /** Stores fetched data in the session (re-set so the byte bound counts it). */
  lagre(sesjon: OppslagSesjon, innhentet: Kompakt): void {
    // Ended (or replaced by a fresh copy from the shared store) while fetching: keep nothing.
    if (this.cache.peek(sesjon.oppslagId) !== sesjon) return
    sesjon.innhentet = innhentet
    // lru-cache keeps the old size when the same value object is set again: remove, then add,
    // so the byte bound counts the data.
    this.cache.delete(sesjon.oppslagId)
    this.cache.set(sesjon.oppslagId, sesjon, {
      ttl: Math.max(1, Math.min(this.idleTtlMs, sesjon.utloperSenest - this.na())),
    })
    // Refused for its size, the session is gone (disposed with reason 'set'): so is its hash.
    if (this.cache.peek(sesjon.oppslagId) === sesjon) this.idPerHash.set(sesjon.hash, sesjon.oppslagId)
    else this.idPerHash.delete(sesjon.hash)
  }

  avslutt(oppslagId: string): void {
    this.cache.delete(oppslagId)
  }

  /** A lookup ended on any replica (announced by the shared store). */
  avsluttHash(hash: string): void {
    const id = this.idPerHash.get(hash)
    if (id !== undefined) this.cache.delete(id)
  }

  get antall(): number {
    return this.cache.size
  }

  get bytes(): number {
    return this.cache.calculatedSize
  }

  /** Drops sessions idle past their TTL or past their maximum life, so no expired data lingers. */
  feiUtlopte(): void {
    this.cache.purgeStale()
    const na = this.na()
    for (const [id, s] of this.cache.entries()) if (na >= s.utloperSenest) this.cache.delete(id)
  }

  tom(): void {
    this.cache.clear()
  }
}

export function kilderKomplette(kilder: Kilde[]): boolean {
  return kilder.every((k) => k.status !== 'UTILGJENGELIG')
}
