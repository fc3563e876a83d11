// The embedded audit store: SQLite in WAL mode with synchronous=FULL, so a committed event survives
// a crash. Writes are group-committed: events from requests arriving in the same tick share one
// transaction (one fsync), and each request's promise resolves only after that commit.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { AuditFeil, GENESIS_HASH, kjedeHash, type AuditHendelse, type AuditStore, type LagretHendelse } from './port.js'

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
]

const MAKS_BATCH = 256

interface Ventende {
  hendelser: AuditHendelse[]
  ok: () => void
  feil: (e: Error) => void
}

interface Rad {
  id: number
  tid: string
  navident: string
  handling: string
  kategori: string | null
  personident: string | null
  henvendelse_id: string | null
  beslutning: string
  regel: string | null
  kilde: string | null
  sporings_ider: string
  call_id: string
  instans: string
  forrige_hash: string
  hash: string
}

export class SqliteAuditStore implements AuditStore {
  private readonly db: Database.Database
  private ko: Ventende[] = []
  private planlagt = false
  private sisteHash: string
  private readonly settInn: Database.Statement

  constructor(sti: string) {
    if (sti !== ':memory:') mkdirSync(dirname(sti), { recursive: true })
    this.db = new Database(sti)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('busy_timeout = 5000')
    this.migrer()
    this.settInn = this.db.prepare(
      `INSERT INTO audit_hendelse (tid, navident, handling, kategori, personident, henvendelse_id, beslutning,
         regel, kilde, sporings_ider, call_id, instans, forrige_hash, hash)
       VALUES (@tid, @navident, @handling, @kategori, @personident, @henvendelseId, @beslutning,
         @regel, @kilde, @sporingsIder, @callId, @instans, @forrigeHash, @hash)`,
    )
    this.sisteHash = this.lesSisteHash()
  }

  private migrer(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_versjon (versjon INTEGER PRIMARY KEY, tid TEXT NOT NULL)')
    const naVersjon = (this.db.prepare('SELECT MAX(versjon) AS v FROM schema_versjon').get() as { v: number | null }).v ?? 0
    MIGRERINGER.forEach((sql, i) => {
      const versjon = i + 1
      if (versjon <= naVersjon) return
      this.db.transaction(() => {
        this.db.exec(sql)
        this.db.prepare('INSERT INTO schema_versjon (versjon, tid) VALUES (?, ?)').run(versjon, new Date().toISOString())
      })()
    })
  }

  private lesSisteHash(): string {
    const rad = this.db.prepare('SELECT hash FROM audit_hendelse ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined
    return rad?.hash ?? GENESIS_HASH
  }

  skriv(hendelser: AuditHendelse[]): Promise<void> {
    if (hendelser.length === 0) return Promise.resolve()
    return new Promise((ok, feil) => {
      this.ko.push({ hendelser, ok, feil })
      if (!this.planlagt) {
        this.planlagt = true
        setImmediate(() => this.tom())
      }
    })
  }

  private tom(): void {
    this.planlagt = false
    while (this.ko.length > 0) {
      const batch: Ventende[] = []
      let antall = 0
      while (this.ko.length > 0 && antall < MAKS_BATCH) {
        const neste = this.ko.shift() as Ventende
        batch.push(neste)
        antall += neste.hendelser.length
      }
      this.commit(batch)
    }
  }

  private commit(batch: Ventende[]): void {
    try {
      let hash = this.sisteHash
      this.db.transaction(() => {
        for (const v of batch) {
          for (const h of v.hendelser) {
            const forrigeHash = hash
            hash = kjedeHash(forrigeHash, h)
            this.settInn.run({ ...h, sporingsIder: JSON.stringify(h.sporingsIder), forrigeHash, hash })
          }
        }
      })()
      this.sisteHash = hash
      for (const v of batch) v.ok()
    } catch (e) {
      const feil = new AuditFeil(`audit-skriving feilet: ${(e as Error).message}`)
      for (const v of batch) v.feil(feil)
    }
  }

  async klar(): Promise<boolean> {
    try {
      this.db.prepare('SELECT 1').get()
      return this.db.open && !this.db.readonly
    } catch {
      return false
    }
  }

  async alle(): Promise<LagretHendelse[]> {
    const rader = this.db.prepare('SELECT * FROM audit_hendelse ORDER BY id').all() as Rad[]
    return rader.map(fraRad)
  }

  async lukk(): Promise<void> {
    if (this.ko.length > 0) this.tom()
    if (this.db.open) this.db.close()
  }
}

function fraRad(r: Rad): LagretHendelse {
  return {
    id: r.id,
    tid: r.tid,
    navident: r.navident,
    handling: r.handling as LagretHendelse['handling'],
    kategori: r.kategori as LagretHendelse['kategori'],
    personident: r.personident,
    henvendelseId: r.henvendelse_id,
    beslutning: r.beslutning as LagretHendelse['beslutning'],
    regel: r.regel,
    kilde: r.kilde as LagretHendelse['kilde'],
    sporingsIder: JSON.parse(r.sporings_ider) as string[],
    callId: r.call_id,
    instans: r.instans,
    forrigeHash: r.forrige_hash,
    hash: r.hash,
  }
}

/** Opens the store named by AUDIT_STORE. PostgreSQL arrives with the audit issue. */
export function apneAuditStore(spesifikasjon: string): AuditStore {
  if (spesifikasjon.startsWith('sqlite:')) return new SqliteAuditStore(spesifikasjon.slice('sqlite:'.length))
  throw new AuditFeil('AUDIT_STORE: PostgreSQL-lageret er ikke tatt i bruk ennå; bruk sqlite:<sti>')
}
