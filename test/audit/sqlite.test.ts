import t, { type Test } from 'tap'
import { DatabaseSync } from 'node:sqlite'
import { DEV_NOKKEL, GENESIS_HASH, kjedeHash } from '../../src/audit/port.js'
import { SqliteAuditStore } from '../../src/audit/sqlite.js'
import { apneAuditStore } from '../../src/audit/index.js'
import { verifiserKjede } from '../../src/audit/verifiser.js'
import { hendelse, KONTRAKT_NOKKEL, kontraktTester, type KontraktOppsett } from './kontrakt.js'
import { lagUnokletDatabase } from './unoklet.js'

kontraktTester(t, 'sqlite', async (t): Promise<KontraktOppsett> => {
  const sti = `${t.testdir()}/audit.db`
  const apne: SqliteAuditStore[] = []
  const ny = (valg: { nokkel?: string; migrerUnoklet?: string } = {}): SqliteAuditStore => {
    const s = new SqliteAuditStore(sti, { nokkel: KONTRAKT_NOKKEL, ...valg })
    apne.push(s)
    return s
  }
  const store = ny()
  // The database's own client, past the store.
  const ra = new DatabaseSync(sti)
  ra.exec('PRAGMA busy_timeout = 5000')
  t.teardown(async () => {
    for (const s of apne) await s.lukk()
    ra.close()
  })
  return {
    store,
    sql: async (sporring) => {
      ra.exec(sporring)
    },
    tabell: { hendelse: 'audit_hendelse', sjekkpunkt: 'audit_sjekkpunkt' },
    slaAvTriggere: async () => {
      const triggere = ra
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_hendelse', 'audit_sjekkpunkt')`,
        )
        .all() as { name: string }[]
      for (const { name } of triggere) ra.exec(`DROP TRIGGER "${name}"`)
    },
    hindreSkriving: async (navident) => {
      ra.exec(`CREATE TRIGGER test_hindre BEFORE INSERT ON audit_hendelse WHEN NEW.navident = '${navident}'
               BEGIN SELECT RAISE(ABORT, 'hindret av testen'); END`)
    },
    apneIgjen: async (valg) => ny(valg),
  }
})

t.test('events from concurrent writers are committed in one chain', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  const store = new SqliteAuditStore(sti)
  await Promise.all(Array.from({ length: 50 }, (_, i) => store.skriv([hendelse(i)])))
  const alle = await store.kjede(0, 1000)
  t.equal(alle.length, 50)
  let forrige = GENESIS_HASH
  for (const h of alle) {
    t.equal(h.forrigeHash, forrige)
    const { id: _id, forrigeHash: _f, hash, ...rest } = h
    t.equal(hash, kjedeHash(DEV_NOKKEL, forrige, rest))
    forrige = hash
  }
  await store.lukk()

  // Reopened, the chain continues from the last stored hash.
  const igjen = new SqliteAuditStore(sti)
  await igjen.skriv([hendelse(99)])
  const etter = await igjen.kjede(0, 1000)
  t.equal(etter.at(-1)?.forrigeHash, alle.at(-1)?.hash)
  await igjen.lukk()
})

t.test('the table is append-only', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  const store = new SqliteAuditStore(sti)
  await store.skriv([hendelse(1)])
  await store.lukk()
  const db = new DatabaseSync(sti)
  t.throws(() => db.prepare("UPDATE audit_hendelse SET navident = 'Z999999'").run(), /kun for tillegg/)
  t.throws(() => db.prepare('DELETE FROM audit_hendelse').run(), /kun for tillegg/)
  // The marker that lets slettFor delete is only ever present inside its own transaction.
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM audit_sletting_tillatt').get() as { n: number }).n, 0)
  db.close()
})

t.test('a store that cannot commit rejects every waiting writer', async (t) => {
  const store = new SqliteAuditStore(`${t.testdir()}/audit.db`)
  await store.lukk()
  await t.rejects(store.skriv([hendelse(1)]), { name: 'AuditFeil' })
  t.equal(await store.klar(), false)
})

t.test('WAL, synchronous=FULL and the schema version', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  const store = new SqliteAuditStore(sti)
  await store.lukk()
  const db = new DatabaseSync(sti)
  t.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal')
  t.strictSame(
    (db.prepare('SELECT versjon FROM schema_versjon ORDER BY versjon').all() as { versjon: number }[]).map(
      (r) => r.versjon,
    ),
    [1, 2, 3, 4],
  )
  db.close()
  const igjen = new SqliteAuditStore(sti)
  t.equal(igjen['db'].prepare('PRAGMA synchronous').get()?.synchronous, 2, 'FULL')
  await igjen.lukk()
})

t.test('a database made by the first schema version is migrated with its events, and keyed on request', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  // Version 1 as it shipped, with two events in it, chained as it chained them.
  const forrige = lagUnokletDatabase(sti, [1, 2])
  t.throws(
    () => new SqliteAuditStore(sti),
    { name: 'AuditFeil', message: /AUDIT_MIGRER_UNOKLET/ },
    'an unkeyed chain is not keyed silently',
  )
  const store = new SqliteAuditStore(sti, { migrerUnoklet: `2:${forrige}` })
  // The first event after the migration names the current ident too.
  await store.skriv([hendelse(3, { personident: '41918012345', gjeldendeIdent: '01918012345' })])
  t.equal(
    (await store.sok({ personidenter: ['01918012345'], grense: 10 })).length,
    3,
    'old rows and new found by the current ident',
  )
  const alle = await store.kjede(0, 100)
  t.strictSame(
    alle.map((h) => h.handling),
    ['LES', 'LES', 'AUDIT_NOKKEL_INNFORT', 'LES'],
    'the old events, the anchor, the new one',
  )
  t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true, antall: 4 })
  t.equal(await store.slettFor(hendelse(3).tid), 2)
  t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true, antall: 2 })
  await store.lukk()
})

t.test('two stores on one file (two processes) keep one chain', async (t) => {
  const sti = `${t.testdir()}/audit.db`
  const a = new SqliteAuditStore(sti)
  const b = new SqliteAuditStore(sti)
  await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).skriv([hendelse(i)])))
  await a.skriv([hendelse(200)])
  await b.skriv([hendelse(201)])
  t.has(await verifiserKjede(a, { nokkel: DEV_NOKKEL }), { gyldig: true, antall: 102 })
  await a.lukk()
  await b.lukk()
})

t.test('apneAuditStore chooses by the specification', async (t) => {
  const store = await apneAuditStore(`sqlite:${t.testdir()}/valgt.db`, { instans: 'x' })
  t.type(store, SqliteAuditStore)
  t.equal(await store.klar(), true)
  await store.lukk()
  await t.rejects(apneAuditStore('sqlite:'), { name: 'AuditFeil' })
  await t.rejects(apneAuditStore('mysql://bruker:passord@vert/db'), {
    name: 'AuditFeil',
    message: /sqlite:<sti> eller postgres/,
  })
  const feil = await apneAuditStore('mysql://bruker:passord@vert/db').catch((e: Error) => e)
  t.notMatch((feil as Error).message, /passord/, 'the specification is not echoed')
  await t.rejects(apneAuditStore(`sqlite:/dev/null/ikke-en-mappe/audit.db`), { name: 'AuditFeil' })
})

/** A store on a fresh file with `antall` events in it, and the file's own connection past it. */
async function medHendelser(t: Test, antall: number): Promise<{ store: SqliteAuditStore; ra: DatabaseSync }> {
  const sti = `${t.testdir()}/audit.db`
  const store = new SqliteAuditStore(sti)
  t.teardown(() => store.lukk())
  await store.skriv(Array.from({ length: antall }, (_, n) => hendelse(n)))
  const ra = new DatabaseSync(sti)
  t.teardown(() => {
    if (ra.isTransaction) ra.exec('ROLLBACK')
    ra.close()
  })
  return { store, ra }
}

t.test('a retention slice runs in the writer thread: the event loop is free meanwhile', async (t) => {
  const { store, ra } = await medHendelser(t, 100)
  // Another connection holds the write lock: the slice waits for it (busy timeout 5 s). On the
  // event loop's connection that wait held the event loop, and this test's timer with it.
  ra.exec('BEGIN IMMEDIATE')
  let ferdig = false
  const sletting = store.slettFor('9999-01-01T00:00:00.000Z').then((n) => {
    ferdig = true
    return n
  })
  const t0 = performance.now()
  await new Promise((ok) => setTimeout(ok, 20))
  t.ok(performance.now() - t0 < 2_000, 'a timer fires on time while the slice waits for the lock')
  t.notOk(ferdig)
  ra.exec('COMMIT')
  t.equal(await sletting, 100)
  t.has(await store.sjekkpunkt(), { antallSlettet: 100 })
  t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true, antall: 0 })
})

t.test('a retention slice that fails in the writer thread deletes nothing and stops nothing else', async (t) => {
  const { store, ra } = await medHendelser(t, 10)
  ra.exec(
    `CREATE TRIGGER test_hindre BEFORE INSERT ON audit_sjekkpunkt BEGIN SELECT RAISE(ABORT, 'hindret av testen'); END`,
  )
  await t.rejects(store.slettFor('9999-01-01T00:00:00.000Z'), {
    name: 'AuditFeil',
    message: /audit-sletting feilet: hindret av testen/,
  })
  t.equal((await store.kjede(0, 100)).length, 10, 'the slice rolled back: every event is there')
  t.equal(await store.sjekkpunkt(), null)
  await store.skriv([hendelse(11)])
  ra.exec('DROP TRIGGER test_hindre')
  t.equal(await store.slettFor('9999-01-01T00:00:00.000Z'), 11, 'the next retention deletes')
  t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true, antall: 0 })
})

t.test(
  'the writer thread gone: what is in flight and what is queued is refused, and closing does not hang',
  async (t) => {
    const nyStore = async () => {
      const store = new SqliteAuditStore(`${t.testdir()}/audit-${Math.random()}.db`)
      return { store, skriver: (store as unknown as { skriver: import('node:worker_threads').Worker }).skriver }
    }
    // A slice in flight, a write queued behind it.
    const a = await nyStore()
    await a.store.skriv(Array.from({ length: 20_000 }, (_, n) => hendelse(n)))
    const sletting = a.store.slettFor('9999-01-01T00:00:00.000Z', 20_000)
    await new Promise((ok) => setImmediate(ok))
    const skriving = a.store.skriv([hendelse(30_000)])
    await a.skriver.terminate()
    await t.rejects(sletting, { name: 'AuditFeil' }, 'the slice in flight')
    await t.rejects(skriving, { name: 'AuditFeil' }, 'the write behind it')
    await t.rejects(a.store.skriv([hendelse(30_001)]), { name: 'AuditFeil' }, 'and every write after')
    await a.store.lukk()
    // A commit in flight, two more queued: none is sent to the thread that is gone.
    const b = await nyStore()
    const forste = b.store.skriv(Array.from({ length: 5_000 }, (_, n) => hendelse(n)))
    await new Promise((ok) => setImmediate(ok))
    const ko = [b.store.skriv([hendelse(6_000)]), b.store.skriv([hendelse(6_001)])]
    await b.skriver.terminate()
    for (const p of [forste, ...ko]) await t.rejects(p, { name: 'AuditFeil' })
    await b.store.lukk()
  },
)

t.test('closing stops retention after the slice in progress', async (t) => {
  const { store, ra } = await medHendelser(t, 1_000)
  const sletting = store.slettFor('9999-01-01T00:00:00.000Z', 1)
  await new Promise((ok) => setImmediate(ok))
  // Writes keep arriving, as under load: there is always one waiting for the slice in flight, and
  // closing must not wait for the whole retention to find the queue empty.
  let skrevet = 0
  const skriver = (async () => {
    for (;;) {
      try {
        await store.skriv([hendelse(2_000 + skrevet)])
        skrevet++
      } catch (e) {
        return e
      }
    }
  })()
  const avvist = t.rejects(sletting, /lukket/)
  await store.lukk()
  t.match(
    await skriver,
    { name: 'AuditFeil', message: /lukket/ },
    'writes from the moment closing began are refused, none left unanswered',
  )
  await avvist
  const igjen = (ra.prepare('SELECT COUNT(*) AS n FROM audit_hendelse WHERE id <= 1000').get() as { n: number }).n
  t.equal(igjen, 999, 'only the slice in flight when closing began deleted anything')
})

t.test('retention takes turns with writes and with the event loop; closing during it does not hang', async (t) => {
  const store = new SqliteAuditStore(`${t.testdir()}/audit.db`)
  t.teardown(() => store.lukk())
  await store.skriv(Array.from({ length: 3000 }, (_, n) => hendelse(n)))
  let ferdig = false
  const sletting = store.slettFor('9999-01-01T00:00:00.000Z', 10).then((n) => {
    ferdig = true
    return n
  })
  // A timer and ten writes one after another, all while the 300 slices run.
  await new Promise((ok) => setTimeout(ok, 1))
  t.notOk(ferdig, 'a timer fires during retention')
  for (let i = 0; i < 10; i++) await store.skriv([hendelse(5000 + i)])
  t.notOk(ferdig, 'ten writes committed during retention')
  t.equal(await sletting, 3000)
  await store.skriv([hendelse(1, { tid: '2000-01-01T00:00:00.000Z' })])
  t.equal(
    await store.slettFor('2001-01-01T00:00:00.000Z', Number.NaN),
    11,
    'a slice size that is no number: the default',
  )
  t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true, antall: 0 })

  // Closing while a slice waits for its turn: everything queued is committed, nothing hangs.
  await store.skriv(Array.from({ length: 500 }, (_, n) => hendelse(6000 + n, { tid: '2000-01-01T00:00:00.000Z' })))
  const igjen = t.rejects(
    store.slettFor('2001-01-01T00:00:00.000Z', 1),
    /lukket/,
    'the rest of the retention stops, refused',
  )
  const skriving = store.skriv([hendelse(7000)])
  await store.lukk()
  await skriving
  await igjen
})
