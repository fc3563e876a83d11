import t from 'tap'
import Database from 'better-sqlite3'
import { GENESIS_HASH, kjedeHash, type AuditHendelse } from '../../src/audit/port.js'
import { SqliteAuditStore } from '../../src/audit/sqlite.js'

const hendelse = (n: number): AuditHendelse => ({
  tid: new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString(),
  navident: 'Z990001',
  handling: 'LES',
  kategori: 'konto',
  personident: '01918012345',
  henvendelseId: `h-${n}`,
  beslutning: 'Permit',
  regel: null,
  kilde: 'cache',
  sporingsIder: [],
  callId: `c-${n}`,
  instans: 'test',
})

t.test('events from concurrent writers are committed in one chain', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  const store = new SqliteAuditStore(sti)
  await Promise.all(Array.from({ length: 50 }, (_, i) => store.skriv([hendelse(i)])))
  const alle = await store.alle()
  t.equal(alle.length, 50)
  let forrige = GENESIS_HASH
  for (const h of alle) {
    t.equal(h.forrigeHash, forrige)
    const { id: _id, forrigeHash: _f, hash, ...rest } = h
    t.equal(hash, kjedeHash(forrige, rest))
    forrige = hash
  }
  await store.lukk()

  // Reopened, the chain continues from the last stored hash.
  const igjen = new SqliteAuditStore(sti)
  await igjen.skriv([hendelse(99)])
  const etter = await igjen.alle()
  t.equal(etter.at(-1)?.forrigeHash, alle.at(-1)?.hash)
  await igjen.lukk()
})

t.test('the table is append-only', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  const store = new SqliteAuditStore(sti)
  await store.skriv([hendelse(1)])
  await store.lukk()
  const db = new Database(sti)
  t.throws(() => db.prepare("UPDATE audit_hendelse SET navident = 'Z999999'").run(), /kun for tillegg/)
  t.throws(() => db.prepare('DELETE FROM audit_hendelse').run(), /kun for tillegg/)
  db.close()
})

t.test('a store that cannot commit rejects every waiting writer', async (t) => {
  const store = new SqliteAuditStore(`${t.testdir()}/audit.db`)
  await store.lukk()
  await t.rejects(store.skriv([hendelse(1)]), { name: 'AuditFeil' })
  t.equal(await store.klar(), false)
})
