// Issue 16 item 4, found in review: the events before AUDIT_NOKKEL are chained by SHA-256 over
// the twelve fields they had, so the two columns added since (gjeldende_ident, detaljer) are covered
// by nothing in those rows. Whoever holds the database can write another person's ident into
// gjeldende_ident of a migrated row: the chain still verifies, and that person's innsyn (which
// searches gjeldende_ident too, DESIGN §4) now lists an access that was never made to them.
// Expected: a row verified by the unkeyed hash carries neither column (they were NULL when it was
// written), else the chain is broken at that row.
import t from 'tap'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { DEV_NOKKEL, GENESIS_HASH } from '../../src/audit/port.js'
import { SqliteAuditStore } from '../../src/audit/sqlite.js'
import { verifiserKjede } from '../../src/audit/verifiser.js'
import { hendelse } from '../audit/kontrakt.js'

t.test('a migrated unkeyed row given a gjeldende_ident afterwards does not verify', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  // The first schema version with two events, chained as it chained them (as test/audit/sqlite.test.ts).
  const gammel = new Database(sti)
  gammel.exec(`CREATE TABLE schema_versjon (versjon INTEGER PRIMARY KEY, tid TEXT NOT NULL);
    CREATE TABLE audit_hendelse (id INTEGER PRIMARY KEY, tid TEXT NOT NULL, navident TEXT NOT NULL, handling TEXT NOT NULL,
      kategori TEXT, personident TEXT, henvendelse_id TEXT, beslutning TEXT NOT NULL, regel TEXT, kilde TEXT,
      sporings_ider TEXT NOT NULL, call_id TEXT NOT NULL, instans TEXT NOT NULL, forrige_hash TEXT NOT NULL, hash TEXT NOT NULL);
    INSERT INTO schema_versjon VALUES (1, '2026-01-01T00:00:00.000Z');`)
  const settInn = gammel.prepare(`INSERT INTO audit_hendelse (tid, navident, handling, kategori, personident, henvendelse_id, beslutning,
    regel, kilde, sporings_ider, call_id, instans, forrige_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  let forrige = GENESIS_HASH
  for (const n of [1, 2]) {
    const h = hendelse(n)
    const felt = [h.tid, h.navident, h.handling, h.kategori, h.personident, h.henvendelseId, h.beslutning, h.regel, h.kilde, h.sporingsIder, h.callId, h.instans]
    const hash = createHash('sha256').update(`${forrige}\n${JSON.stringify(felt)}`).digest('hex')
    settInn.run(h.tid, h.navident, h.handling, h.kategori, h.personident, h.henvendelseId, h.beslutning, h.regel, h.kilde,
      JSON.stringify(h.sporingsIder), h.callId, h.instans, forrige, hash)
    forrige = hash
  }
  gammel.close()
  const store = new SqliteAuditStore(sti, { migrerUnoklet: `2:${forrige}` })
  t.teardown(() => store.lukk())
  await store.skriv([hendelse(3)])
  t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true }, 'the migrated chain verifies')

  // Someone with only database access (no AUDIT_NOKKEL) attributes migrated row 1 to another person.
  const annen = '41918012345'
  const db = new Database(sti)
  db.exec('DROP TRIGGER audit_hendelse_ingen_endring')
  db.prepare('UPDATE audit_hendelse SET gjeldende_ident = ?, detaljer = ? WHERE id = 1').run(annen, '{"forfalsket":true}')
  db.close()
  t.equal((await store.sok({ personidenter: [annen], grense: 10 })).length, 1, 'the other person\'s innsyn now lists the row')
  const v = await verifiserKjede(store, { nokkel: DEV_NOKKEL })
  t.equal(v.gyldig, false, `the changed row breaks the chain (got ${JSON.stringify(v)})`)
})
