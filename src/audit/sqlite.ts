// The embedded audit store: SQLite in WAL mode with synchronous=FULL, so a committed event survives
// a crash. Writes are group-committed: events from requests arriving in the same tick share one
// transaction (one fsync), and each request's promise resolves only after that commit.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { avvikSql, type AvvikGrunnlag, type AvvikSporring } from './avvik.js'
import {
  fraRad,
  fraSjekkpunktRad,
  HENDELSE_KOLONNER,
  identVilkar,
  nokkelOvergang,
  sidestorrelse,
  sjekkpunktVerdier,
  skivestorrelse,
  taBatch,
  type HendelseRad,
  type SjekkpunktRad,
  type Ventende,
} from './rad.js'
import {
  AuditFeil,
  DEV_NOKKEL,
  GENESIS_HASH,
  kanoniskForm,
  ulagringsbar,
  type AuditFilter,
  type AuditHendelse,
  type AuditStore,
  type Kjedehode,
  type LagretHendelse,
  type Sjekkpunkt,
} from './port.js'
import { iTransaksjon } from './sqlite-transaksjon.cjs'

export interface SqliteValg {
  /** The chain's key (AUDIT_NOKKEL); development's fixed key when not given. */
  nokkel?: string
  /** How long a commit may take, the wait for the write lock included (AUDIT_SKRIVEFRIST_MS). */
  skrivefristMs?: number
  /** Start the keyed chain after an unkeyed one (AUDIT_MIGRER_UNOKLET): see nokkelOvergang. */
  migrerUnoklet?: string
  instans?: string
}

// Applied in order, each once; never edit one that has shipped, add a new one.
const MIGRERINGER: string[] = [
  `CREATE TABLE audit_hendelse (
     id INTEGER PRIMARY KEY,
     tid TEXT NOT NULL,
     navident TEXT NOT NULL,
     handling TEXT NOT NULL,
     kategori TEXT,
     personident TEXT,
     henvendelse_id TEXT,
     beslutning TEXT NOT NULL,
     regel TEXT,
     kilde TEXT,
     sporings_ider TEXT NOT NULL,
     call_id TEXT NOT NULL,
     instans TEXT NOT NULL,
     forrige_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX audit_hendelse_personident ON audit_hendelse(personident, tid);
   CREATE INDEX audit_hendelse_navident ON audit_hendelse(navident, tid);
   CREATE TRIGGER audit_hendelse_ingen_endring BEFORE UPDATE ON audit_hendelse
     BEGIN SELECT RAISE(ABORT, 'audit er kun for tillegg'); END;
   CREATE TRIGGER audit_hendelse_ingen_sletting BEFORE DELETE ON audit_hendelse
     BEGIN SELECT RAISE(ABORT, 'audit er kun for tillegg'); END;`,

  // Retention. The table is rebuilt with AUTOINCREMENT: without it SQLite reuses ids once the
  // newest rows are gone, and ids must grow past a checkpoint's sisteSlettedeId forever.
  // DROP TABLE fires no DELETE trigger.
  `CREATE TABLE audit_hendelse_ny (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     tid TEXT NOT NULL,
     navident TEXT NOT NULL,
     handling TEXT NOT NULL,
     kategori TEXT,
     personident TEXT,
     henvendelse_id TEXT,
     beslutning TEXT NOT NULL,
     regel TEXT,
     kilde TEXT,
     sporings_ider TEXT NOT NULL,
     call_id TEXT NOT NULL,
     instans TEXT NOT NULL,
     forrige_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   INSERT INTO audit_hendelse_ny SELECT id, tid, navident, handling, kategori, personident, henvendelse_id,
     beslutning, regel, kilde, sporings_ider, call_id, instans, forrige_hash, hash FROM audit_hendelse;
   DROP TABLE audit_hendelse;
   ALTER TABLE audit_hendelse_ny RENAME TO audit_hendelse;
   CREATE INDEX audit_hendelse_personident ON audit_hendelse(personident, tid);
   CREATE INDEX audit_hendelse_navident ON audit_hendelse(navident, tid);
   CREATE INDEX audit_hendelse_tid ON audit_hendelse(tid);
   -- A row here exists only inside slettFor's own transaction.
   CREATE TABLE audit_sletting_tillatt (x INTEGER NOT NULL);
   -- Target of klar()'s rolled-back write.
   CREATE TABLE audit_klar (x INTEGER NOT NULL);
   CREATE TRIGGER audit_hendelse_ingen_endring BEFORE UPDATE ON audit_hendelse
     BEGIN SELECT RAISE(ABORT, 'audit er kun for tillegg'); END;
   CREATE TRIGGER audit_hendelse_ingen_sletting BEFORE DELETE ON audit_hendelse
     WHEN NOT EXISTS (SELECT 1 FROM audit_sletting_tillatt)
     BEGIN SELECT RAISE(ABORT, 'audit er kun for tillegg'); END;
   CREATE TABLE audit_sjekkpunkt (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     siste_slettede_id INTEGER NOT NULL,
     siste_slettede_hash TEXT NOT NULL,
     antall_slettet INTEGER NOT NULL,
     tid TEXT NOT NULL,
     forrige_signatur TEXT,
     signatur TEXT NOT NULL
   );
   CREATE TRIGGER audit_sjekkpunkt_ingen_endring BEFORE UPDATE ON audit_sjekkpunkt
     BEGIN SELECT RAISE(ABORT, 'audit er kun for tillegg'); END;
   CREATE TRIGGER audit_sjekkpunkt_ingen_sletting BEFORE DELETE ON audit_sjekkpunkt
     BEGIN SELECT RAISE(ABORT, 'audit er kun for tillegg'); END;`,

  // The keyed chain: what else an access was (an audit search's filters and how many persons it
  // named), in the hash.
  `ALTER TABLE audit_hendelse ADD COLUMN detaljer TEXT;`,
  // The person's current ident beside the typed one (DESIGN §4); NULL in the rows before it.
  `ALTER TABLE audit_hendelse ADD COLUMN gjeldende_ident TEXT;
   CREATE INDEX audit_hendelse_gjeldende_ident ON audit_hendelse(gjeldende_ident, tid);`,
]

/** What the writer thread runs (sqlite-skriver.ts): the append, and a retention slice. */
const SKRIVER_SQL = {
  // Positional, in kanoniskForm's field order (the writer thread binds the canonical array's
  // fields, sporingsIder as its JSON text).
  settInn: `INSERT INTO audit_hendelse (${HENDELSE_KOLONNER.join(', ')}, forrige_hash, hash)
    VALUES (${[...HENDELSE_KOLONNER, 'forrige_hash', 'hash'].map(() => '?').join(', ')})`,
  // With every event deleted by retention the chain continues from the checkpoint.
  sisteHash: `SELECT COALESCE((SELECT hash FROM audit_hendelse ORDER BY id DESC LIMIT 1),
    (SELECT siste_slettede_hash FROM audit_sjekkpunkt ORDER BY id DESC LIMIT 1)) AS hash`,
  // The last event of the slice: the bit-th oldest, or the last up to grense if fewer.
  skiveSlutt: `SELECT id, hash FROM audit_hendelse WHERE id = (SELECT MAX(id) FROM (SELECT id FROM audit_hendelse WHERE id <= ? ORDER BY id LIMIT ?))`,
  tillatSletting: 'INSERT INTO audit_sletting_tillatt (x) VALUES (1)',
  slett: 'DELETE FROM audit_hendelse WHERE id <= ?',
  forbySletting: 'DELETE FROM audit_sletting_tillatt',
  sisteSignatur: 'SELECT signatur FROM audit_sjekkpunkt ORDER BY id DESC LIMIT 1',
  settInnSjekkpunkt: `INSERT INTO audit_sjekkpunkt (siste_slettede_id, siste_slettede_hash, antall_slettet, tid, forrige_signatur, signatur)
    VALUES (?, ?, ?, ?, ?, ?)`,
}

const SQLITE_BUSY = 5

/** The writer's answer: a commit's, or a slice's with the number of events it deleted; or, once,
 *  that it is up (its connection open, its statements prepared). */
type Svar = { ok: boolean; melding?: string; slettet?: number } | { oppe: true }

interface VentendeSkive {
  ok: (slettet: number) => void
  feil: (e: AuditFeil) => void
}
/** A job of the writer thread's. */
type Jobb = { batch: Ventende[] } | { skive: VentendeSkive }

export class SqliteAuditStore implements AuditStore {
  private readonly db: DatabaseSync
  private ko: Ventende[] = []
  private planlagt = false
  private lukket = false
  /** lukk has begun: no new write or retention slice is taken. */
  private stenger = false
  private commits = 0
  /** The writer thread: commits and retention slices (and their fsync) run there, so the event
   *  loop never waits on the disk or on a slice's delete. It appends inside an IMMEDIATE
   *  transaction and reads the last hash there, so a failed commit leaves nothing stale and
   *  another connection cannot append in between. */
  private readonly skriver: Worker
  /** Resolves true once the writer thread is up, false if it died before: readiness waits for it. */
  private readonly skriverOppe: Promise<boolean>
  private meldOppe: (oppe: boolean) => void = () => {}
  /** What the writer is doing: a group commit, or a retention slice. */
  private iFlukt: Jobb | null = null
  private tomt: (() => void)[] = []
  /** A retention slice waiting for the writer: it goes before the next group commit, and the
   *  commits that queued meanwhile go before the slice after it (see tom). */
  private venterSkive: (VentendeSkive & { melding: { grense: number; bit: number } }) | null = null
  /** One retention at a time. */
  private sletting: Promise<unknown> = Promise.resolve()
  private skriverFeil: string | null = null
  private readonly sokSetninger = new Map<string, StatementSync>()
  private readonly nokkel: string
  private readonly fristMs: number

  constructor(sti: string, valg: SqliteValg = {}) {
    // The writer thread opens the same file: an in-memory database cannot be shared with it.
    if (sti === ':memory:' || sti === '') throw new AuditFeil('SQLite-lageret trenger en filsti')
    this.nokkel = valg.nokkel ?? DEV_NOKKEL
    this.fristMs = valg.skrivefristMs ?? 5000
    mkdirSync(dirname(sti), { recursive: true })
    this.skriverOppe = new Promise((ok) => {
      this.meldOppe = ok
    })
    this.db = new DatabaseSync(sti)
    try {
      this.db.exec('PRAGMA journal_mode = WAL')
      this.db.exec('PRAGMA synchronous = FULL')
      this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(this.fristMs)}`)
      this.migrer()
      this.innforNokkel(valg)
      this.skriver = this.startSkriver(sti)
    } catch (e) {
      this.db.close()
      throw e
    }
  }

  /** Checks the chain's head against the key, and starts the keyed chain after an unkeyed one
   *  when the operator asked for it (rad.ts nokkelOvergang). Before the writer thread starts, in
   *  one IMMEDIATE transaction: another process appending meanwhile waits. */
  private innforNokkel(valg: SqliteValg): void {
    iTransaksjon(this.db, () => {
      const rad = this.db.prepare('SELECT * FROM audit_hendelse ORDER BY id DESC LIMIT 1').get() as
        | HendelseRad
        | undefined
      const sp = this.db.prepare('SELECT * FROM audit_sjekkpunkt ORDER BY id DESC LIMIT 1').get() as
        | SjekkpunktRad
        | undefined
      const overgang = nokkelOvergang(rad ? fraRad(rad) : null, sp ? fraSjekkpunktRad(sp) : null, this.nokkel, {
        migrer: valg.migrerUnoklet ?? null,
        instans: valg.instans ?? 'sqlite',
        tid: new Date().toISOString(),
      })
      if (overgang.sjekkpunkt) {
        this.db.prepare(SKRIVER_SQL.settInnSjekkpunkt).run(...sjekkpunktVerdier(overgang.sjekkpunkt))
      }
      if (overgang.anker) {
        const f = JSON.parse(overgang.anker.kanonisk) as (string | number | null)[]
        // As the writer thread reads a row from the canonical encoding.
        const verdier = HENDELSE_KOLONNER.map((k, i) => (k === 'sporings_ider' ? JSON.stringify(f[i]) : (f[i] ?? null)))
        this.db.prepare(SKRIVER_SQL.settInn).run(...verdier, overgang.anker.forrigeHash, overgang.anker.hash)
      }
    })
  }

  private startSkriver(sti: string): Worker {
    // A real file beside this module (src/audit in development, dist/ in the bundle, which
    // copies it there: scripts/bundle.ts).
    const w = new Worker(fileURLToPath(new URL('./sqlite-skriver.cjs', import.meta.url)), {
      // Plain CommonJS needs none of the parent's loaders (tsx, a test runner's hooks): inherited,
      // they made each thread's start take seconds under the tests.
      execArgv: [],
      workerData: {
        sti,
        sql: SKRIVER_SQL,
        genesis: GENESIS_HASH,
        nokkel: this.nokkel,
        kolonner: HENDELSE_KOLONNER,
        fristMs: Math.trunc(this.fristMs),
      },
    })
    w.unref()
    w.on('message', (svar: Svar) => {
      if ('oppe' in svar) this.meldOppe(true)
      else this.besvart(svar)
    })
    const dod = (melding: string) => {
      this.skriverFeil = melding
      this.meldOppe(false)
      this.besvart({ ok: false, melding })
      this.avvisSkive(new AuditFeil(melding))
      this.avvis(this.ko.splice(0), melding)
      for (const f of this.tomt.splice(0)) f()
    }
    w.on('error', (e) => dod(`skrivetråden feilet: ${e.message}`))
    w.on('exit', () => {
      if (!this.lukket) dod('skrivetråden avsluttet')
    })
    return w
  }

  /** Transactions committed so far (group commit is observable in tests). */
  get antallCommits(): number {
    return this.commits
  }

  private migrer(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_versjon (versjon INTEGER PRIMARY KEY, tid TEXT NOT NULL)')
    iTransaksjon(this.db, () => {
      const naVersjon =
        (this.db.prepare('SELECT MAX(versjon) AS v FROM schema_versjon').get() as { v: number | null }).v ?? 0
      MIGRERINGER.forEach((sql, i) => {
        const versjon = i + 1
        if (versjon <= naVersjon) return
        this.db.exec(sql)
        this.db
          .prepare('INSERT INTO schema_versjon (versjon, tid) VALUES (?, ?)')
          .run(versjon, new Date().toISOString())
      })
    })
  }

  skriv(hendelser: AuditHendelse[]): Promise<void> {
    const avvist = this.avvisning()
    if (avvist) return Promise.reject(avvist)
    if (hendelser.length === 0) return Promise.resolve()
    const ugyldig = ulagringsbar(hendelser)
    if (ugyldig) return Promise.reject(ugyldig)
    return new Promise((ok, feil) => {
      this.ko.push({ hendelser, ok, feil })
      if (!this.planlagt) {
        this.planlagt = true
        setImmediate(() => this.tom())
      }
    })
  }

  /** Why no new write or slice is taken: closing has begun (as in the PostgreSQL store: a write let
   *  in while lukk waited for the queue could be left behind, never answered), or the writer died. */
  private avvisning(): AuditFeil | null {
    if (this.stenger) return new AuditFeil('audit-lageret er lukket')
    return this.skriverFeil ? new AuditFeil(this.skriverFeil) : null
  }

  /** A retention slice waiting for its turn does not start. */
  private avvisSkive(feil: AuditFeil): void {
    this.venterSkive?.feil(feil)
    this.venterSkive = null
  }

  /** Sends the writer its next job: a waiting retention slice first, else the next group.
   *  Slices and commits so take turns: a write waits at most one slice, and the event loop none. */
  private tom(): void {
    this.planlagt = false
    // One job in flight at a time: what arrives meanwhile forms the next group. Never to a writer
    // that has died (dod rejects what waits).
    if (this.iFlukt || this.skriverFeil) return
    const skive = this.venterSkive
    if (skive) {
      this.venterSkive = null
      this.send({ skive }, skive.melding)
    } else if (this.ko.length > 0) {
      const batch = taBatch(this.ko)
      this.send({ batch }, batch.flatMap((v) => v.hendelser).map(kanoniskForm))
    }
  }

  private send(flukt: Jobb, melding: unknown): void {
    this.iFlukt = flukt
    this.skriver.ref()
    this.skriver.postMessage(melding)
  }

  /** The writer thread answered the commit or slice in flight. */
  private besvart(svar: Exclude<Svar, { oppe: true }>): void {
    const flukt = this.iFlukt
    this.iFlukt = null
    this.skriver.unref()
    if (!flukt) return
    if ('skive' in flukt) {
      if (svar.ok) flukt.skive.ok(svar.slettet ?? 0)
      else flukt.skive.feil(new AuditFeil(`audit-sletting feilet: ${svar.melding ?? 'ukjent feil'}`))
    } else if (svar.ok) {
      this.commits++
      for (const v of flukt.batch) v.ok()
    } else {
      this.avvis(flukt.batch, svar.melding ?? 'ukjent feil')
    }
    this.videre()
  }

  /** Sends the next group, or tells those waiting for an empty queue (lukk). */
  private videre(): void {
    this.tom()
    if (this.ko.length === 0 && !this.iFlukt) for (const f of this.tomt.splice(0)) f()
  }

  private avvis(batch: Ventende[], melding: string): void {
    const feil = new AuditFeil(`audit-skriving feilet: ${melding}`)
    for (const v of batch) v.feil(feil)
  }

  async klar(): Promise<boolean> {
    if (this.avvisning() || !this.db.isOpen) return false
    // Not before the writer thread is up: every commit goes through it.
    if (!(await this.skriverOppe) || this.avvisning()) return false
    // Takes the write lock and writes a row, then throws it away: proves a commit could happen.
    // Never waits for the lock on the event loop: the writer thread holding it (a commit in
    // progress) is itself a sign the store is working.
    this.db.exec('PRAGMA busy_timeout = 0')
    try {
      this.db.exec('BEGIN IMMEDIATE')
      try {
        this.db.exec('INSERT INTO audit_klar (x) VALUES (1)')
      } finally {
        this.db.exec('ROLLBACK')
      }
      return true
    } catch (e) {
      // SQLITE_BUSY, or one of its extended codes (the low byte is the primary code).
      return (((e as { errcode?: number }).errcode ?? 0) & 0xff) === SQLITE_BUSY
    } finally {
      this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(this.fristMs)}`)
    }
  }

  async sok(filter: AuditFilter): Promise<LagretHendelse[]> {
    return this.les(() => {
      const vilkar: string[] = []
      const verdier: (string | number)[] = []
      if (filter.personident !== undefined) {
        vilkar.push('personident = ?')
        verdier.push(filter.personident)
      }
      if (filter.personidenter !== undefined) {
        const v = identVilkar(filter.personidenter.length > 0 ? filter.personidenter : [''])
        vilkar.push(v.sql)
        verdier.push(...v.verdier)
      }
      if (filter.navident !== undefined) {
        vilkar.push('navident = ?')
        verdier.push(filter.navident)
      }
      if (filter.fra !== undefined) {
        vilkar.push('tid >= ?')
        verdier.push(filter.fra)
      }
      if (filter.til !== undefined) {
        vilkar.push('tid < ?')
        verdier.push(filter.til)
      }
      if (filter.etterId !== undefined) {
        vilkar.push('id > ?')
        verdier.push(filter.etterId)
      }
      verdier.push(sidestorrelse(filter.grense))
      const sql = `SELECT * FROM audit_hendelse ${vilkar.length ? `WHERE ${vilkar.join(' AND ')}` : ''} ORDER BY id LIMIT ?`
      let setning = this.sokSetninger.get(sql)
      if (!setning) {
        setning = this.db.prepare(sql)
        this.sokSetninger.set(sql, setning)
      }
      return (setning.all(...verdier) as unknown as HendelseRad[]).map(fraRad)
    })
  }

  async kjede(etterId: number, grense: number): Promise<LagretHendelse[]> {
    return this.les(() => {
      if (grense < 1) return []
      const rader = this.db
        .prepare('SELECT * FROM audit_hendelse WHERE id > ? ORDER BY id LIMIT ?')
        .all(etterId, Math.trunc(grense)) as unknown as HendelseRad[]
      return rader.map(fraRad)
    })
  }

  async sjekkpunkt(): Promise<Sjekkpunkt | null> {
    return this.les(() => {
      const rad = this.db.prepare('SELECT * FROM audit_sjekkpunkt ORDER BY id DESC LIMIT 1').get() as
        | SjekkpunktRad
        | undefined
      return rad ? fraSjekkpunktRad(rad) : null
    })
  }

  async hode(): Promise<Kjedehode | null> {
    return this.les(() => {
      const rad = this.db
        .prepare(
          'SELECT id, hash, (SELECT COUNT(*) FROM audit_hendelse) AS antall FROM audit_hendelse ORDER BY id DESC LIMIT 1',
        )
        .get() as { id: number; hash: string; antall: number } | undefined
      return rad ? { id: Number(rad.id), hash: rad.hash, antall: Number(rad.antall) } : null
    })
  }

  async avvik(sporring: AvvikSporring): Promise<AvvikGrunnlag> {
    return this.les(() => {
      // Named, bound from an object: a parameter may appear more than once in a query.
      const q = avvikSql('audit_hendelse', { p: (n) => `@p${n}` }, sporring)
      const kjor = <R>(k: keyof AvvikGrunnlag): R[] =>
        this.db.prepare(q[k].sql).all(Object.fromEntries(q[k].verdier.map((v, i) => [`p${i + 1}`, v]))) as R[]
      return {
        volum: kjor<{ navident: string; antall: number; historikk: number }>('volum'),
        kollega: kjor<{ navident: string; personident: string; tid: string }>('kollega'),
        avslag: kjor<{ navident: string; antall: number; regel: string | null }>('avslag'),
        utenLesing: kjor<{ navident: string; personident: string | null; henvendelse_id: string | null; tid: string }>(
          'utenLesing',
        ).map(({ henvendelse_id, ...r }) => ({ ...r, henvendelseId: henvendelse_id })),
      }
    })
  }

  async slettFor(forTid: string, raderPerTransaksjon?: number): Promise<number> {
    const denne = this.sletting.then(() => this.slettISkiver(forTid, skivestorrelse(raderPerTransaksjon)))
    this.sletting = denne.catch(() => undefined)
    return denne
  }

  private async slettISkiver(forTid: string, bit: number): Promise<number> {
    // The last event to go, fixed once (ids only grow): by id, not tid, so what remains is a suffix
    // of the chain even if clocks disagreed.
    const grense = this.les(
      () =>
        (this.db.prepare('SELECT MAX(id) AS id FROM audit_hendelse WHERE tid < ?').get(forTid) as { id: number | null })
          .id,
    )
    if (grense === null) return 0
    let totalt = 0
    for (;;) {
      const slettet = await this.skive(grense, bit)
      totalt += slettet
      if (slettet < bit) return totalt
    }
  }

  /** One slice of retention, in the writer thread, in one transaction: the oldest events up to
   *  `grense`, at most `bit`, and the checkpoint after them. On the event loop's connection a
   *  slice held the event loop up to 165 ms, with events spread over many persons. */
  private skive(grense: number, bit: number): Promise<number> {
    // Closing stops retention after the slice in progress (the next run goes on from there).
    const avvist = this.avvisning()
    if (avvist) return Promise.reject(avvist)
    return new Promise((ok, feil) => {
      this.venterSkive = { melding: { grense, bit }, ok, feil }
      this.tom()
    })
  }

  async lukk(): Promise<void> {
    if (this.lukket) return
    this.stenger = true
    this.avvisSkive(new AuditFeil('audit-lageret er lukket'))
    // Whatever is queued is committed before the file closes.
    if (this.ko.length > 0 || this.iFlukt) {
      await new Promise<void>((ok) => {
        this.tomt.push(ok)
        this.tom()
      })
    }
    this.lukket = true
    this.meldOppe(false)
    await this.skriver.terminate()
    if (this.db.isOpen) this.db.close()
  }

  private les<T>(f: () => T): T {
    if (this.lukket) throw new AuditFeil('audit-lageret er lukket')
    try {
      return f()
    } catch (e) {
      throw e instanceof AuditFeil ? e : new AuditFeil(`audit-lageret feilet: ${(e as Error).message}`)
    }
  }
}
