// Issue 16 item 4, found in review: the events before AUDIT_NOKKEL are chained by SHA-256 over
// the twelve fields they had, so the two columns added since (gjeldende_ident, detaljer) are covered
// by nothing in those rows. Whoever holds the database can write another person's ident into
// gjeldende_ident of a migrated row: the chain still verifies, and that person's innsyn (which
// searches gjeldende_ident too, DESIGN §4) now lists an access that was never made to them.
// Expected: a row verified by the unkeyed hash carries neither column (they were NULL when it was
// written), else the chain is broken at that row.
import t from 'tap'
import { DatabaseSync as Database } from 'node:sqlite'
import { DEV_NOKKEL } from '../../src/audit/port.js'
import { SqliteAuditStore } from '../../src/audit/sqlite.js'
import { verifiserKjede } from '../../src/audit/verifiser.js'
import { hendelse } from './kontrakt.js'
import { lagUnokletDatabase } from './unoklet.js'

t.test('a migrated unkeyed row given a gjeldende_ident afterwards does not verify', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  const forrige = lagUnokletDatabase(sti, [1, 2])
  const store = new SqliteAuditStore(sti, { migrerUnoklet: `2:${forrige}` })
  t.teardown(() => store.lukk())
  await store.skriv([hendelse(3)])
  t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true }, 'the migrated chain verifies')

  // Someone with only database access (no AUDIT_NOKKEL) attributes migrated row 1 to another person.
  const annen = '41918012345'
  const db = new Database(sti)
  db.exec('DROP TRIGGER audit_hendelse_ingen_endring')
  db.prepare('UPDATE audit_hendelse SET gjeldende_ident = ?, detaljer = ? WHERE id = 1').run(
    annen,
    '{"forfalsket":true}',
  )
  db.close()
  t.equal(
    (await store.sok({ personidenter: [annen], grense: 10 })).length,
    1,
    "the other person's innsyn now lists the row",
  )
  const v = await verifiserKjede(store, { nokkel: DEV_NOKKEL })
  t.equal(v.gyldig, false, `the changed row breaks the chain (got ${JSON.stringify(v)})`)
})
