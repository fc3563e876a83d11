// The production audit store: PostgreSQL, shared by every replica. Same semantics as the SQLite
// store: group commit, one hash chain, append-only enforced by the database, retention only through
// slettFor. Chain appends are serialized across processes by a transaction-scoped advisory lock,
// and the last hash is read inside that lock, so replicas never fork the chain.
import pLimit from 'p-limit'
import type pg from 'pg'
import { gyldigSkjema, lagPool, lasNokkel, settOppSkjema } from '../postgres.js'
import { AVVIK_FRIST_MS, avvikSql, type AvvikGrunnlag, type AvvikSporring } from './avvik.js'
import {
  AuditFeil,
  DEV_NOKKEL,
  GENESIS_HASH,
  kanoniskForm,
  kjedeHashAvForm,
  ulagringsbar,
  type AuditFilter,
  type AuditHendelse,
  type AuditStore,
  type Kjedehode,
  type LagretHendelse,
  type Sjekkpunkt,
} from './port.js'
import {
  fraRad,
  fraSjekkpunktRad,
  HENDELSE_KOLONNER,
  identVilkar,
  nokkelOvergang,
  nyttSjekkpunkt,
  sidestorrelse,
  sjekkpunktVerdier,
  skivestorrelse,
  taBatch,
  type HendelseRad,
  type SjekkpunktRad,
  type Ventende,
} from './rad.js'

export interface PostgresValg {
  /** Schema holding the tables (created when missing); default `public`. Tests use their own. */
  skjema?: string
  /** Shown as application_name, to tell replicas apart in pg_stat_activity. */
  instans?: string
  /** Connections in the pool; default 4 (one writer at a time, the rest for reads). */
  maksForbindelser?: number
  /** How long a commit waits for the chain lock before it fails (503); default 5 000 ms. A holder
   *  that never lets go (a half-open connection) must not hold every replica's writes for good. */
  laseFristMs?: number
  /** How long a commit's statements may run (statement_timeout, AUDIT_SKRIVEFRIST_MS); default
   *  5 000 ms. The lock wait is bounded by the smaller of this and laseFristMs. */
  skrivefristMs?: number
  /** The chain's key (AUDIT_NOKKEL); development's fixed key when not given. */
  nokkel?: string
  /** Start the keyed chain after an unkeyed one (AUDIT_MIGRER_UNOKLET): see rad.ts nokkelOvergang. */
  migrerUnoklet?: string
}

/** The two hashes, then the event columns in kanoniskForm's order. */
const KOLONNER = ['forrige_hash', 'hash', ...HENDELSE_KOLONNER]

/** A group commit's rows as one JSON array (each row the two hashes followed by the event's
 *  canonical encoding, port.ts kanoniskForm, whose trailing nulls are left out: ->> past the end
 *  gives NULL): one statement of fixed text whatever the group's
 *  size, prepared once per connection, and no per-field encoding on the event loop, which already
 *  made that JSON for the hash. (A VALUES list of parameters per row made the server parse and plan
 *  a new statement on every commit; one text array per column cost the event loop its encoding:
 *  docs/performance.md.) What is stored is
 *  what was hashed: ->> gives each string field's text, and SQL NULL for null. WITH ORDINALITY and
 *  ORDER BY keep the group's order, so the ids (taken as rows are inserted) follow the chain. */
function settInnSql(h: string): string {
  const verdier = KOLONNER.map((k, i) =>
    k === 'sporings_ider' ? `ARRAY(SELECT jsonb_array_elements_text(r.e -> ${i}))` : `r.e ->> ${i}`,
  ).join(', ')
  return `INSERT INTO ${h} (${KOLONNER.join(', ')})
    SELECT ${verdier} FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(e, nr) ORDER BY r.nr`
}

function migreringer(s: string): string[] {
  return [
    `CREATE TABLE ${s}.audit_hendelse (
       id BIGSERIAL PRIMARY KEY,
       -- TEXT, not timestamptz: the hash covers the exact string written.
       tid TEXT NOT NULL,
       navident TEXT NOT NULL,
       handling TEXT NOT NULL,
       kategori TEXT,
       personident TEXT,
       henvendelse_id TEXT,
       beslutning TEXT NOT NULL,
       regel TEXT,
       kilde TEXT,
       sporings_ider TEXT[] NOT NULL,
       call_id TEXT NOT NULL,
       instans TEXT NOT NULL,
       forrige_hash TEXT NOT NULL,
       hash TEXT NOT NULL
     );
     CREATE INDEX audit_hendelse_personident ON ${s}.audit_hendelse (personident, tid);
     CREATE INDEX audit_hendelse_navident ON ${s}.audit_hendelse (navident, tid);
     CREATE INDEX audit_hendelse_tid ON ${s}.audit_hendelse (tid);
     CREATE TABLE ${s}.audit_sjekkpunkt (
       id BIGSERIAL PRIMARY KEY,
       siste_slettede_id BIGINT NOT NULL,
       siste_slettede_hash TEXT NOT NULL,
       antall_slettet BIGINT NOT NULL,
       tid TEXT NOT NULL,
       forrige_signatur TEXT,
       signatur TEXT NOT NULL
     );
     -- Target of klar()'s rolled-back write.
     CREATE TABLE ${s}.audit_klar (x INTEGER NOT NULL);
     -- Events may be deleted only inside slettFor's transaction, which sets the flag with SET LOCAL.
     CREATE FUNCTION ${s}.audit_kun_tillegg() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_hendelse'
          AND current_setting('stonadsoppslag.audit_sletting', true) = 'på' THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'audit er kun for tillegg (% på %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$;
     CREATE TRIGGER audit_hendelse_kun_tillegg BEFORE UPDATE OR DELETE ON ${s}.audit_hendelse
       FOR EACH ROW EXECUTE FUNCTION ${s}.audit_kun_tillegg();
     -- TRUNCATE fires no row trigger.
     CREATE TRIGGER audit_hendelse_ingen_truncate BEFORE TRUNCATE ON ${s}.audit_hendelse
       FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_kun_tillegg();
     CREATE TRIGGER audit_sjekkpunkt_kun_tillegg BEFORE UPDATE OR DELETE ON ${s}.audit_sjekkpunkt
       FOR EACH ROW EXECUTE FUNCTION ${s}.audit_kun_tillegg();
     CREATE TRIGGER audit_sjekkpunkt_ingen_truncate BEFORE TRUNCATE ON ${s}.audit_sjekkpunkt
       FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_kun_tillegg();`,
    // The keyed chain: what else an access was (an audit search's filters and how many persons it
    // named), in the hash.
    `ALTER TABLE ${s}.audit_hendelse ADD COLUMN detaljer TEXT;`,

    // The person's current ident beside the typed one (DESIGN §4); NULL in the rows before it.
    // Adding a nullable column rewrites no row, so fires no UPDATE trigger.
    `ALTER TABLE ${s}.audit_hendelse ADD COLUMN gjeldende_ident TEXT;
     CREATE INDEX audit_hendelse_gjeldende_ident ON ${s}.audit_hendelse (gjeldende_ident, tid);`,
  ]
}

export class PostgresAuditStore implements AuditStore {
  private ko: Ventende[] = []
  private iGang: Promise<void> | null = null
  private lukket = false
  /** One avvik report at a time. */
  private readonly enRapport = pLimit(1)
  private commits = 0
  private readonly h: string
  private readonly s: string
  private readonly kjedelas: string
  /** BEGIN, the chain lock and the last hash read under it, in one round trip (see commit). */
  private readonly kjedestart: string
  private readonly settInn: { name: string; text: string }
  private readonly settInnSjekkpunkt: string
  private readonly nokkel: string

  private constructor(
    private readonly pool: pg.Pool,
    skjema: string,
    laseFristMs: number,
    skrivefristMs: number,
    nokkel: string,
  ) {
    this.nokkel = nokkel
    this.s = `"${skjema}"`
    this.h = `${this.s}.audit_hendelse`
    this.kjedelas = lasNokkel('audit.kjede', skjema)
    // Several statements in one query need the simple protocol, which takes no parameters: the
    // lock key is written into the text, quoted (so -2^63 parses too). It is our own integer
    // (lasNokkel), checked here.
    if (!/^-?\d+$/.test(this.kjedelas)) throw new AuditFeil('ugyldig låsenøkkel')
    // With every event deleted by retention the chain continues from the checkpoint.
    this.kjedestart =
      `BEGIN; SET LOCAL lock_timeout = ${Math.min(laseFristMs, skrivefristMs)}; SET LOCAL statement_timeout = ${skrivefristMs}; ` +
      `SELECT pg_advisory_xact_lock('${this.kjedelas}'::bigint); ` +
      `SELECT COALESCE((SELECT hash FROM ${this.h} ORDER BY id DESC LIMIT 1),
        (SELECT siste_slettede_hash FROM ${this.s}.audit_sjekkpunkt ORDER BY id DESC LIMIT 1)) AS hash`
    this.settInn = { name: `stonadsoppslag-audit-sett-inn-${skjema}`, text: settInnSql(this.h) }
    this.settInnSjekkpunkt = `INSERT INTO ${this.s}.audit_sjekkpunkt (siste_slettede_id, siste_slettede_hash, antall_slettet, tid, forrige_signatur, signatur)
      VALUES ($1, $2, $3, $4, $5, $6)`
  }

  /** Connects and brings the schema up to date (under an advisory lock: replicas may start together). */
  static async apne(url: string, valg: PostgresValg = {}): Promise<PostgresAuditStore> {
    const skjema = valg.skjema ?? 'public'
    if (!gyldigSkjema(skjema)) throw new AuditFeil(`ugyldig skjemanavn for audit: ${skjema}`)
    const laseFristMs = valg.laseFristMs ?? 5000
    // Written into the SQL text: a whole number PostgreSQL takes (at most 2^31 - 1 ms).
    if (!Number.isInteger(laseFristMs) || laseFristMs < 1 || laseFristMs > 2_147_483_647)
      throw new AuditFeil(`ugyldig låsefrist for audit: ${laseFristMs}`)
    const skrivefristMs = valg.skrivefristMs ?? 5000
    if (!Number.isInteger(skrivefristMs) || skrivefristMs < 1 || skrivefristMs > 2_147_483_647)
      throw new AuditFeil(`ugyldig skrivefrist for audit: ${skrivefristMs}`)
    // A dropped connection fails the commit in flight with AuditFeil (503); the pool reconnects.
    const pool = lagPool(url, {
      navn: 'stonadsoppslag-audit',
      instans: valg.instans,
      ...(valg.maksForbindelser ? { maks: valg.maksForbindelser } : {}),
    })
    const store = new PostgresAuditStore(pool, skjema, laseFristMs, skrivefristMs, valg.nokkel ?? DEV_NOKKEL)
    try {
      await store.migrer(skjema)
      await store.innforNokkel(valg)
    } catch (e) {
      await pool.end().catch(() => {})
      throw new AuditFeil(`kunne ikke åpne audit-lageret i PostgreSQL: ${(e as Error).message}`)
    }
    return store
  }

  /** Checks the chain's head against the key and migrates an unkeyed chain (rad.ts
   *  nokkelOvergang), under the chain lock: replicas starting together see one head. */
  private async innforNokkel(valg: PostgresValg): Promise<void> {
    await this.iTransaksjon('BEGIN', async (klient) => {
      await klient.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.kjedelas])
      const rad = (await klient.query<HendelseRad>(`SELECT * FROM ${this.h} ORDER BY id DESC LIMIT 1`)).rows[0]
      const sp = (
        await klient.query<SjekkpunktRad>(`SELECT * FROM ${this.s}.audit_sjekkpunkt ORDER BY id DESC LIMIT 1`)
      ).rows[0]
      const overgang = nokkelOvergang(rad ? fraRad(rad) : null, sp ? fraSjekkpunktRad(sp) : null, this.nokkel, {
        migrer: valg.migrerUnoklet ?? null,
        instans: valg.instans ?? 'postgres',
        tid: new Date().toISOString(),
      })
      if (overgang.sjekkpunkt) {
        await klient.query(this.settInnSjekkpunkt, sjekkpunktVerdier(overgang.sjekkpunkt))
      }
      if (overgang.anker) {
        const { kanonisk, forrigeHash, hash } = overgang.anker
        await klient.query({
          ...this.settInn,
          values: [`[[${JSON.stringify(forrigeHash)},"${hash}",${kanonisk.slice(1)}]`],
        })
      }
    })
  }

  /** Transactions committed so far by this instance (group commit is observable in tests). */
  get antallCommits(): number {
    return this.commits
  }

  private async migrer(skjema: string): Promise<void> {
    await settOppSkjema(this.pool, 'audit', skjema, async (klient) => {
      await klient.query(
        `CREATE TABLE IF NOT EXISTS ${this.s}.schema_versjon (versjon INTEGER PRIMARY KEY, tid TIMESTAMPTZ NOT NULL DEFAULT now())`,
      )
      const { rows } = await klient.query<{ v: number | null }>(
        `SELECT MAX(versjon) AS v FROM ${this.s}.schema_versjon`,
      )
      const naVersjon = rows[0]?.v ?? 0
      const alle = migreringer(this.s)
      for (let i = naVersjon; i < alle.length; i++) {
        await klient.query('BEGIN')
        try {
          await klient.query(alle[i] as string)
          await klient.query(`INSERT INTO ${this.s}.schema_versjon (versjon) VALUES ($1)`, [i + 1])
          await klient.query('COMMIT')
        } catch (e) {
          await klient.query('ROLLBACK').catch(() => {})
          throw e
        }
      }
    })
  }

  skriv(hendelser: AuditHendelse[]): Promise<void> {
    if (this.lukket) return Promise.reject(new AuditFeil('audit-lageret er lukket'))
    if (hendelser.length === 0) return Promise.resolve()
    const ugyldig = ulagringsbar(hendelser)
    if (ugyldig) return Promise.reject(ugyldig)
    return new Promise((ok, feil) => {
      this.ko.push({ hendelser, ok, feil })
      // Callers arriving while a commit is in flight wait for the next one, together.
      if (!this.iGang) this.iGang = this.tom()
    })
  }

  private async tom(): Promise<void> {
    // Let every call made in this tick join the first batch.
    await new Promise((ferdig) => setImmediate(ferdig))
    try {
      while (this.ko.length > 0) {
        const batch = taBatch(this.ko)
        try {
          await this.commit(batch.flatMap((v) => v.hendelser))
          this.commits++
          for (const v of batch) v.ok()
        } catch (e) {
          // The message only: a driver error's detail can quote the row, personident included.
          const feil = new AuditFeil(`audit-skriving feilet: ${(e as Error).message}`)
          for (const v of batch) v.feil(feil)
        }
      }
    } finally {
      this.iGang = null
    }
  }

  private async commit(hendelser: AuditHendelse[]): Promise<void> {
    const klient = await this.pool.connect()
    let klientFeil: Error | undefined
    try {
      // Serializes chain appends across replicas until COMMIT; only then is the last hash read.
      const start = (await klient.query(this.kjedestart)) as unknown as pg.QueryResult<{ hash: string | null }>[]
      // The last statement's answer, and only that: a chain must never restart from genesis
      // because the query's shape changed.
      const siste = Array.isArray(start) && start.length === 5 ? start[4] : undefined
      if (siste?.rows.length !== 1) throw new AuditFeil('uventet svar på start av kjedeskriving')
      let hash = siste.rows[0]?.hash ?? GENESIS_HASH
      const rader: string[] = []
      for (const h of hendelser) {
        const kanonisk = kanoniskForm(h)
        const forrigeHash = hash
        hash = kjedeHashAvForm(this.nokkel, forrigeHash, kanonisk)
        // The hashes, then the canonical array's elements (the previous hash as JSON too: it comes
        // from the table, which could hold anything).
        rader.push(`[${JSON.stringify(forrigeHash)},"${hash}",${kanonisk.slice(1)}`)
      }
      await klient.query({ ...this.settInn, values: [`[${rader.join(',')}]`] })
      await klient.query('COMMIT')
    } catch (e) {
      klientFeil = e as Error
      // Also when the first query failed after its BEGIN: that transaction is open, and aborted.
      if (!isTilkoblingsfeil(klientFeil))
        await klient.query('ROLLBACK').catch((r: Error) => {
          klientFeil = r
        })
      throw e
    } finally {
      // A connection whose rollback failed may be broken (see forkastes).
      klient.release(klientFeil && forkastes(klientFeil) ? klientFeil : undefined)
    }
  }

  async klar(): Promise<boolean> {
    if (this.lukket) return false
    let klient: pg.PoolClient | undefined
    try {
      klient = await this.pool.connect()
      // A write in a transaction thrown away: proves connection, privilege and a writable primary.
      await klient.query('BEGIN')
      try {
        await klient.query(`SET LOCAL statement_timeout = 2000`)
        await klient.query(`INSERT INTO ${this.s}.audit_klar (x) VALUES (1)`)
      } finally {
        await klient.query('ROLLBACK')
      }
      klient.release()
      return true
    } catch (e) {
      klient?.release(e as Error)
      return false
    }
  }

  async sok(filter: AuditFilter): Promise<LagretHendelse[]> {
    const vilkar: string[] = []
    const verdier: unknown[] = []
    const legg = (sql: string, verdi: unknown): void => {
      verdier.push(verdi)
      vilkar.push(sql.replace('?', `$${verdier.length}`))
    }
    if (filter.personident !== undefined) legg('personident = ?', filter.personident)
    if (filter.personidenter !== undefined) {
      const v = identVilkar(filter.personidenter.length > 0 ? filter.personidenter : [''])
      let i = 0
      vilkar.push(v.sql.replace(/\?/g, () => `$${verdier.length + ++i}`))
      verdier.push(...v.verdier)
    }
    if (filter.navident !== undefined) legg('navident = ?', filter.navident)
    if (filter.fra !== undefined) legg('tid >= ?', filter.fra)
    if (filter.til !== undefined) legg('tid < ?', filter.til)
    if (filter.etterId !== undefined) legg('id > ?', filter.etterId)
    verdier.push(sidestorrelse(filter.grense))
    const sql = `SELECT * FROM ${this.h} ${vilkar.length ? `WHERE ${vilkar.join(' AND ')}` : ''} ORDER BY id LIMIT $${verdier.length}`
    return (await this.sporring<HendelseRad>(sql, verdier)).map(fraRad)
  }

  async kjede(etterId: number, grense: number): Promise<LagretHendelse[]> {
    if (grense < 1) return []
    const rader = await this.sporring<HendelseRad>(`SELECT * FROM ${this.h} WHERE id > $1 ORDER BY id LIMIT $2`, [
      etterId,
      Math.trunc(grense),
    ])
    return rader.map(fraRad)
  }

  async sjekkpunkt(): Promise<Sjekkpunkt | null> {
    const rader = await this.sporring<SjekkpunktRad>(
      `SELECT * FROM ${this.s}.audit_sjekkpunkt ORDER BY id DESC LIMIT 1`,
      [],
    )
    return rader[0] ? fraSjekkpunktRad(rader[0]) : null
  }

  async hode(): Promise<Kjedehode | null> {
    const rader = await this.sporring<{ id: string; hash: string; antall: string }>(
      `SELECT id, hash, (SELECT COUNT(*) FROM ${this.h}) AS antall FROM ${this.h} ORDER BY id DESC LIMIT 1`,
      [],
    )
    const r = rader[0]
    return r ? { id: Number(r.id), hash: r.hash, antall: Number(r.antall) } : null
  }

  async avvik(sporring: AvvikSporring): Promise<AvvikGrunnlag> {
    const q = avvikSql(this.h, { p: (n) => `$${n}` }, sporring)
    const tall = <R extends { antall: string | number }>(r: R) => ({ ...r, antall: Number(r.antall) })
    // One report at a time, on one connection, in a read-only transaction with a deadline: the
    // pool's other connections stay free for the audit writes every answer waits on.
    return this.enRapport(() =>
      this.iTransaksjon(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${AVVIK_FRIST_MS}`, async (k) => {
        const les = async <R extends pg.QueryResultRow>(x: { sql: string; verdier: unknown[] }) =>
          (await k.query<R>(x.sql, x.verdier)).rows
        const volum = await les<{ navident: string; antall: string; historikk: string }>(q.volum)
        const kollega = await les<{ navident: string; personident: string; tid: string }>(q.kollega)
        const avslag = await les<{ navident: string; antall: string; regel: string | null }>(q.avslag)
        const utenLesing = await les<{
          navident: string
          personident: string | null
          henvendelse_id: string | null
          tid: string
        }>(q.utenLesing)
        return {
          volum: volum.map((r) => ({ ...tall(r), historikk: Number(r.historikk) })),
          kollega,
          avslag: avslag.map(tall),
          utenLesing: utenLesing.map(({ henvendelse_id, ...r }) => ({ ...r, henvendelseId: henvendelse_id })),
        }
      }),
    )
  }

  /** `f` on one connection between `start` and COMMIT (ROLLBACK on failure); failures as AuditFeil. */
  private async iTransaksjon<T>(start: string, f: (k: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.lukket) throw new AuditFeil('audit-lageret er lukket')
    let klient: pg.PoolClient
    try {
      klient = await this.pool.connect()
    } catch (e) {
      throw new AuditFeil(`audit-lageret feilet: ${(e as Error).message}`)
    }
    let feil: Error | undefined
    try {
      await klient.query(start)
      const svar = await f(klient)
      await klient.query('COMMIT')
      return svar
    } catch (e) {
      feil = e as Error
      await klient.query('ROLLBACK').catch(() => {})
      throw new AuditFeil(`audit-lageret feilet: ${feil.message}`)
    } finally {
      klient.release(feil && forkastes(feil) ? feil : undefined)
    }
  }

  async slettFor(forTid: string, raderPerTransaksjon?: number): Promise<number> {
    if (this.lukket) throw new AuditFeil('audit-lageret er lukket')
    const bit = skivestorrelse(raderPerTransaksjon)
    let klient: pg.PoolClient
    try {
      klient = await this.pool.connect()
    } catch (e) {
      throw new AuditFeil(`audit-lageret feilet: ${(e as Error).message}`)
    }
    try {
      // The last event to go, fixed once (ids only grow): by id, not tid, so what remains is a
      // suffix of the chain even if clocks disagreed.
      const { rows } = await klient.query<{ id: string | null }>(`SELECT MAX(id) AS id FROM ${this.h} WHERE tid < $1`, [
        forTid,
      ])
      const grense = rows[0]?.id ?? null
      let totalt = 0
      if (grense !== null) {
        for (;;) {
          // Closing stops retention after the slice in progress, as the SQLite store does.
          if (this.lukket) throw new AuditFeil('audit-lageret er lukket')
          // Each slice its own transaction: appends (which take the same lock) go on between them.
          const slettet = await this.slettBit(klient, grense, bit)
          totalt += slettet
          if (slettet < bit) break
        }
      }
      klient.release()
      return totalt
    } catch (e) {
      klient.release(forkastes(e as Error) ? (e as Error) : undefined)
      throw e instanceof AuditFeil ? e : new AuditFeil(`audit-sletting feilet: ${(e as Error).message}`)
    }
  }

  /** One slice of retention in one transaction: the oldest events up to `grense`, at most `bit`. */
  private async slettBit(klient: pg.PoolClient, grense: string, bit: number): Promise<number> {
    await klient.query('BEGIN')
    try {
      // The same lock as appends: the cut and the checkpoint chain stay linear across replicas.
      await klient.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.kjedelas])
      const { rows } = await klient.query<{ id: string; hash: string }>(
        `SELECT id, hash FROM ${this.h} WHERE id = (SELECT MAX(id) FROM (SELECT id FROM ${this.h} WHERE id <= $1 ORDER BY id LIMIT $2) AS bit)`,
        [grense, bit],
      )
      const siste = rows[0]
      if (!siste) {
        await klient.query('ROLLBACK')
        return 0
      }
      await klient.query(`SET LOCAL stonadsoppslag.audit_sletting = 'på'`)
      const slettet = await klient.query(`DELETE FROM ${this.h} WHERE id <= $1`, [siste.id])
      const forrige = await klient.query<{ signatur: string }>(
        `SELECT signatur FROM ${this.s}.audit_sjekkpunkt ORDER BY id DESC LIMIT 1`,
      )
      const sp = nyttSjekkpunkt(siste, slettet.rowCount ?? 0, forrige.rows[0]?.signatur ?? null, this.nokkel)
      await klient.query(this.settInnSjekkpunkt, sjekkpunktVerdier(sp))
      await klient.query('COMMIT')
      return sp.antallSlettet
    } catch (e) {
      await klient.query('ROLLBACK').catch(() => {})
      throw e
    }
  }

  async lukk(): Promise<void> {
    if (this.lukket) return
    this.lukket = true
    // Queued events are committed before the pool closes.
    while (this.iGang) await this.iGang
    await this.pool.end()
  }

  private async sporring<R extends pg.QueryResultRow>(sql: string, verdier: unknown[]): Promise<R[]> {
    if (this.lukket) throw new AuditFeil('audit-lageret er lukket')
    try {
      return (await this.pool.query<R>(sql, verdier)).rows
    } catch (e) {
      throw new AuditFeil(`audit-lageret feilet: ${(e as Error).message}`)
    }
  }
}

/** Errors from the server carry a SQLSTATE code; anything else means the connection itself is
 *  suspect, as does a socket error (Node's codes start with E, which no SQLSTATE class does). */
function isTilkoblingsfeil(e: Error): boolean {
  const kode = (e as { code?: unknown }).code
  return !kode || String(kode).startsWith('08') || String(kode).startsWith('E')
}

/** Whether a connection that saw this error goes back to the pool or is dropped: dropped when it
 *  may be broken, and when its server does not hold the prepared statement pg believes it parsed
 *  (26000), or holds one of that name already (42P05) — seen behind a transaction-mode pooler
 *  without prepared statements; pg never forgets a parsed name, so every commit on it would fail. */
function forkastes(e: Error): boolean {
  const kode = (e as { code?: unknown }).code
  return isTilkoblingsfeil(e) || kode === '26000' || kode === '42P05'
}
