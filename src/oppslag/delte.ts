// Lookup sessions shared by replicas: metadata only (who may read which person's lookup, and until
// when), never case data, which each replica fetches and keeps in its own memory. Every read asks
// this store whether the lookup still lives, so a lookup ended on one replica is gone on all at
// once; the end is also announced with NOTIFY so that every replica drops the cached data at once.
// The table holds a SHA-256 of each oppslagId, never the id itself: read access to the database
// does not give anyone a usable lookup.
import pg from 'pg'
import { z } from 'zod'
import { LOFTBARE_KODER, type Tillatelse } from '../access/regler.js'
import { HenvendelseId, Kommunenummer, Navident } from '../domain/model.js'
import { Personident } from '../domain/personident.js'
import { Gradering } from '../domain/person.js'
import { delSkjema, gyldigSkjema, lagPool, settOppSkjema } from '../postgres.js'
import { oppslagHash } from './sesjoner.js'

/** A permit as stored: read back, it must still be one (fail closed). A row changed in the
 *  database — by a bug, a migration or someone with write access — would otherwise be a permit for
 *  whoever it names. */
const LagretTillatelse = z.strictObject({
  navident: Navident,
  personident: Personident,
  // Required: a row without them could not say which idents the lookup covers. PDL's idents are 11
  // digits (an NPID need not pass the fnr control digits).
  gjeldendeIdent: z.string().regex(/^\d{11}$/),
  identer: z
    .array(z.string().regex(/^\d{11}$/))
    .min(1)
    .max(100),
  // A permit is only given with one (access rule 3).
  henvendelseId: HenvendelseId.min(1),
  gradering: Gradering,
  kommunenummer: Kommunenummer.nullable(),
  // Required: a row from before the lifts were stored could not say which groups a read needs.
  loftet: z.array(z.enum(LOFTBARE_KODER)).max(LOFTBARE_KODER.length),
})

export class UgyldigLagretTillatelse extends Error {
  override name = 'UgyldigLagretTillatelse'
}

/** A stored permit read back for the employee whose row it is; throws when it is not one. */
function lesTillatelse(lagret: unknown, navident: string): Tillatelse {
  const tillatelse = LagretTillatelse.safeParse(lagret)
  // Never the row's content in the message: it holds a personident.
  if (!tillatelse.success || tillatelse.data.navident !== navident) {
    throw new UgyldigLagretTillatelse('delt oppslagslager: lagret tillatelse har uventet form')
  }
  // Made by the rules on some replica, read back and checked: a permit again.
  if (!tillatelse.data.identer.includes(tillatelse.data.personident)) {
    throw new UgyldigLagretTillatelse('delt oppslagslager: lagret tillatelse har uventet form')
  }
  return Object.freeze({
    ...tillatelse.data,
    identer: Object.freeze(tillatelse.data.identer),
    loftet: Object.freeze(tillatelse.data.loftet),
  }) as unknown as Tillatelse
}

export interface SesjonMetadata {
  tillatelse: Tillatelse
  utloperSenest: number
}

/** The port the lookup service uses; PostgreSQL below. */
export interface DeltSesjonLager {
  opprett(oppslagId: string, tillatelse: Tillatelse, utloperSenest: number): Promise<void>
  /** The lookup if it still lives (not ended, not idle past `idleMs`, not past its max life) and
   *  is this employee's; marks it used. Another employee's is as if it did not exist, and is not
   *  kept alive by the attempt. */
  hent(oppslagId: string, navident: string): Promise<SesjonMetadata | null>
  /** The permit of a live lookup that is another employee's, for the audit of the attempt; null
   *  otherwise. Does not keep it alive. */
  annensTillatelse(oppslagId: string, navident: string): Promise<Tillatelse | null>
  avslutt(oppslagId: string): Promise<void>
  /** `avsluttet(hash)` for every lookup any replica ends; `tapt()` when announcements may have
   *  been missed (the listening connection dropped). */
  lytt(mottaker: { avsluttet(hash: string): void; tapt(): void }): Promise<void>
  /** Deletes expired rows; returns how many. */
  fei(): Promise<number>
  klar(): Promise<boolean>
  lukk(): Promise<void>
}

export const KANAL = 'stonadsoppslag_oppslag_avsluttet'

export { oppslagHash }

export interface PostgresSesjonValg {
  skjema?: string
  idleMs: number
  instans?: string
  /** Clock (tests). */
  na?: () => number
  /** Told of listener faults (logged by the app). */
  vedFeil?: (e: Error) => void
}

/** How stale `sist_brukt` may get before a read writes it again: reads stay cheap (a SELECT), and
 *  the idle expiry is at most this much early. */
const BERORING_MS = 15_000

export class PostgresSesjonLager implements DeltSesjonLager {
  private lytter: pg.Client | null = null
  private nyttForsok: NodeJS.Timeout | null = null
  private lukket = false
  private readonly s: string
  private readonly na: () => number

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly valg: PostgresSesjonValg,
  ) {
    this.s = `"${valg.skjema ?? 'public'}"` // checked by gyldigSkjema
    this.na = valg.na ?? Date.now
  }

  static async apne(spesifikasjon: string, valg: PostgresSesjonValg): Promise<PostgresSesjonLager> {
    const { url, skjema: iUrl } = delSkjema(spesifikasjon)
    const skjema = iUrl ?? valg.skjema
    if (skjema && !gyldigSkjema(skjema)) throw new Error('SESJON_STORE: ugyldig schema-navn')
    const pool = lagPool(url, { navn: 'stonadsoppslag-sesjon', instans: valg.instans })
    const lager = new PostgresSesjonLager(pool, url, { ...valg, ...(skjema ? { skjema } : {}) })
    try {
      await lager.migrer()
    } catch (e) {
      await pool.end()
      throw e
    }
    return lager
  }

  private async migrer(): Promise<void> {
    await settOppSkjema(this.pool, 'sesjon', this.valg.skjema ?? 'public', async (klient) => {
      await klient.query(`CREATE TABLE IF NOT EXISTS ${this.s}.oppslag_sesjon (
        id_hash TEXT PRIMARY KEY,
        navident TEXT NOT NULL,
        tillatelse JSONB NOT NULL,
        utloper_senest BIGINT NOT NULL,
        sist_brukt BIGINT NOT NULL
      )`)
    })
  }

  async opprett(oppslagId: string, tillatelse: Tillatelse, utloperSenest: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.s}.oppslag_sesjon (id_hash, navident, tillatelse, utloper_senest, sist_brukt) VALUES ($1, $2, $3, $4, $5)`,
      [oppslagHash(oppslagId), tillatelse.navident, JSON.stringify(tillatelse), utloperSenest, this.na()],
    )
  }

  async hent(oppslagId: string, navident: string): Promise<SesjonMetadata | null> {
    const na = this.na()
    const hash = oppslagHash(oppslagId)
    const { rows } = await this.pool.query<{ tillatelse: unknown; utloper_senest: string; sist_brukt: string }>(
      `SELECT tillatelse, utloper_senest, sist_brukt FROM ${this.s}.oppslag_sesjon
        WHERE id_hash = $1 AND navident = $4 AND utloper_senest > $2 AND sist_brukt > $3`,
      [hash, na, na - this.valg.idleMs, navident],
    )
    const rad = rows[0]
    if (!rad) return null
    const tillatelse = lesTillatelse(rad.tillatelse, navident)
    if (na - Number(rad.sist_brukt) > BERORING_MS) {
      await this.pool.query(
        `UPDATE ${this.s}.oppslag_sesjon SET sist_brukt = GREATEST(sist_brukt, $2) WHERE id_hash = $1`,
        [hash, na],
      )
    }
    return { tillatelse, utloperSenest: Number(rad.utloper_senest) }
  }

  async annensTillatelse(oppslagId: string, navident: string): Promise<Tillatelse | null> {
    const na = this.na()
    const { rows } = await this.pool.query<{ tillatelse: unknown; navident: string }>(
      `SELECT tillatelse, navident FROM ${this.s}.oppslag_sesjon
        WHERE id_hash = $1 AND navident <> $4 AND utloper_senest > $2 AND sist_brukt > $3`,
      [oppslagHash(oppslagId), na, na - this.valg.idleMs, navident],
    )
    const rad = rows[0]
    return rad ? lesTillatelse(rad.tillatelse, rad.navident) : null
  }

  async avslutt(oppslagId: string): Promise<void> {
    // Delete and announce in one statement: the announcement goes out when the delete commits.
    await this.pool.query(
      `WITH d AS (DELETE FROM ${this.s}.oppslag_sesjon WHERE id_hash = $1 RETURNING id_hash)
       SELECT pg_notify($2, id_hash) FROM d`,
      [oppslagHash(oppslagId), KANAL],
    )
  }

  async lytt(mottaker: { avsluttet(hash: string): void; tapt(): void }): Promise<void> {
    const kobl = async (forste: boolean): Promise<void> => {
      if (this.lukket) return
      const klient = new pg.Client({
        connectionString: this.url,
        application_name: `stonadsoppslag-lytter ${this.valg.instans ?? ''}`.trim(),
        // A half-open connection would lose announcements unnoticed; keepalive finds it.
        keepAlive: true,
        connectionTimeoutMillis: 5000,
      })
      let ute = false
      const tap = (e?: Error) => {
        if (ute) return
        ute = true
        if (this.lytter === klient) this.lytter = null
        klient.end().catch(() => undefined)
        if (this.lukket) return
        if (e) this.valg.vedFeil?.(e)
        // Ends announced while we were away are unknown: drop every cached lookup's data (the
        // metadata stays, so lookups go on and fetch afresh), then listen again.
        mottaker.tapt()
        this.nyttForsok = setTimeout(() => void kobl(false).catch(() => undefined), 1000)
        this.nyttForsok.unref()
      }
      klient.on('notification', (n) => {
        if (n.channel === KANAL && n.payload) mottaker.avsluttet(n.payload)
      })
      klient.on('error', tap)
      klient.on('end', () => tap())
      try {
        await klient.connect()
        await klient.query(`LISTEN ${KANAL}`)
      } catch (e) {
        // At start-up the fault stops the service (fail fast); later it is retried.
        if (forste) {
          ute = true
          await klient.end().catch(() => undefined)
          throw e
        }
        tap(e as Error)
        return
      }
      if (this.lukket) {
        // Closed while connecting: do not leave a listener behind.
        ute = true
        await klient.end().catch(() => undefined)
        return
      }
      this.lytter = klient
      if (!forste) mottaker.tapt() // what was cached while reconnecting may have missed an end
    }
    await kobl(true)
  }

  async fei(): Promise<number> {
    const na = this.na()
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.s}.oppslag_sesjon WHERE utloper_senest <= $1 OR sist_brukt <= $2`,
      [na, na - this.valg.idleMs],
    )
    return rowCount ?? 0
  }

  async klar(): Promise<boolean> {
    try {
      await this.pool.query(`SELECT 1 FROM ${this.s}.oppslag_sesjon LIMIT 1`)
      return true
    } catch {
      return false
    }
  }

  async lukk(): Promise<void> {
    this.lukket = true
    if (this.nyttForsok) clearTimeout(this.nyttForsok)
    const lytter = this.lytter
    this.lytter = null
    await lytter?.end().catch(() => undefined)
    await this.pool.end()
  }
}
