// The contract suite against the real local PostgreSQL, each store in a fresh schema dropped
// afterwards. Without a reachable database the file is skipped locally and fails on CI.
import t from 'tap'
import { apneAuditStore } from '../../src/audit/index.js'
import { PostgresAuditStore } from '../../src/audit/postgres.js'
import { verifiserKjede } from '../../src/audit/verifiser.js'
import { hendelse, KONTRAKT_NOKKEL, kontraktTester, type KontraktOppsett } from './kontrakt.js'
import { DEV_NOKKEL } from '../../src/audit/port.js'
import { krevPostgres, medSkjema, PG_URL } from '../postgres.js'
import { lasNokkel } from '../../src/postgres.js'

const URL = PG_URL

if (await krevPostgres(t)) {
  kontraktTester(t, 'postgres', async (t): Promise<KontraktOppsett> => {
    const { skjema, ra } = await medSkjema(t)
    const apne: PostgresAuditStore[] = []
    const ny = async (valg: { nokkel?: string; migrerUnoklet?: string } = {}): Promise<PostgresAuditStore> => {
      const s = await PostgresAuditStore.apne(URL, { skjema, instans: 'test', nokkel: KONTRAKT_NOKKEL, ...valg })
      apne.push(s)
      return s
    }
    const store = await ny()
    // Registered after medSkjema's teardown, so it runs first: stores close before the drop.
    t.teardown(async () => {
      for (const s of apne) await s.lukk()
    })
    const h = `"${skjema}".audit_hendelse`
    const sp = `"${skjema}".audit_sjekkpunkt`
    return {
      store,
      sql: async (sporring) => {
        await ra.query(sporring)
      },
      tabell: { hendelse: h, sjekkpunkt: sp },
      slaAvTriggere: async () => {
        await ra.query(`ALTER TABLE ${h} DISABLE TRIGGER USER; ALTER TABLE ${sp} DISABLE TRIGGER USER`)
      },
      hindreSkriving: async (navident) => {
        await ra.query(`CREATE FUNCTION "${skjema}".test_hindre() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.navident = '${navident}' THEN RAISE EXCEPTION 'hindret av testen'; END IF; RETURN NEW; END $$;
          CREATE TRIGGER test_hindre BEFORE INSERT ON ${h} FOR EACH ROW EXECUTE FUNCTION "${skjema}".test_hindre()`)
      },
      apneIgjen: ny,
    }
  })

  t.test('two replicas writing to one schema make one valid chain', async (t) => {
    const { skjema } = await medSkjema(t)
    const [a, b] = await Promise.all([
      PostgresAuditStore.apne(URL, { skjema, instans: 'a' }),
      PostgresAuditStore.apne(URL, { skjema, instans: 'b' }),
    ])
    t.teardown(async () => {
      await a.lukk()
      await b.lukk()
    })
    const runder = 20
    for (let r = 0; r < runder; r++) {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? a : b).skriv([hendelse(r * 100 + i, { instans: i % 2 ? 'a' : 'b' }), hendelse(r * 100 + i + 50)]),
        ),
      )
    }
    const v = await verifiserKjede(a, { nokkel: DEV_NOKKEL, sidestorrelse: 113 })
    t.has(v, { gyldig: true, antall: runder * 30 * 2, forsteBrudd: null })
    const alle = await b.kjede(0, 100_000)
    t.ok(alle.some((h) => h.instans === 'a') && alle.some((h) => h.instans === 'b'), 'both wrote')
    t.ok(a.antallCommits < runder * 15 && b.antallCommits < runder * 15, 'each still group-commits')
    // Retention from one replica while the other writes.
    const [slettet] = await Promise.all([a.slettFor(hendelse(1000).tid), b.skriv([hendelse(5000)])])
    t.ok(slettet > 0)
    t.has(await verifiserKjede(b, { nokkel: DEV_NOKKEL }), { gyldig: true, forsteBrudd: null })
  })

  t.test('replicas starting together migrate once', async (t) => {
    const { skjema, ra } = await medSkjema(t)
    const butikker = await Promise.all(Array.from({ length: 4 }, () => PostgresAuditStore.apne(URL, { skjema })))
    t.teardown(async () => {
      for (const s of butikker) await s.lukk()
    })
    const { rows } = await ra.query(`SELECT versjon FROM "${skjema}".schema_versjon ORDER BY versjon`)
    t.strictSame(
      rows.map((r: { versjon: number }) => r.versjon),
      [1, 2, 3],
    )
    t.equal(await (butikker[3] as PostgresAuditStore).klar(), true)
  })

  t.test('TRUNCATE is refused too, and the deletion flag is not global', async (t) => {
    const { skjema, ra } = await medSkjema(t)
    const store = await PostgresAuditStore.apne(URL, { skjema })
    t.teardown(() => store.lukk())
    await store.skriv([hendelse(1), hendelse(2)])
    await t.rejects(ra.query(`TRUNCATE "${skjema}".audit_hendelse`), /kun for tillegg/)
    await t.rejects(ra.query(`TRUNCATE "${skjema}".audit_sjekkpunkt`), /kun for tillegg/)
    await store.slettFor(hendelse(2).tid)
    // slettFor's SET LOCAL ended with its transaction.
    await t.rejects(ra.query(`DELETE FROM "${skjema}".audit_hendelse`), /kun for tillegg/)
    const { rows } = await ra.query(`SELECT current_setting('stonadsoppslag.audit_sletting', true) AS v`)
    t.not(rows[0]?.v, 'på')
    t.equal((await store.kjede(0, 10)).length, 1)
  })

  t.test('an unreachable database: opening fails with AuditFeil, a store that lost it is not ready', async (t) => {
    await t.rejects(PostgresAuditStore.apne('postgres://postgres@127.0.0.1:1/test'), { name: 'AuditFeil' })
    await t.rejects(PostgresAuditStore.apne(URL, { skjema: 'Ugyldig; DROP' }), { name: 'AuditFeil' })
    const { skjema, ra } = await medSkjema(t)
    const store = await PostgresAuditStore.apne(URL, { skjema })
    t.teardown(() => store.lukk())
    t.equal(await store.klar(), true)
    // Write permission gone (as on a read-only standby): not ready, and writes fail.
    await ra.query(`DROP TABLE IF EXISTS "${skjema}".audit_klar`)
    t.equal(await store.klar(), false)
    await ra.query(`ALTER TABLE "${skjema}".audit_hendelse RENAME TO borte`)
    await t.rejects(store.skriv([hendelse(1)]), { name: 'AuditFeil' })
    await t.rejects(store.sok({ grense: 1 }), { name: 'AuditFeil' })
  })

  // The store once sent each column as a text array, which this setting reads; it stays as a guard.
  t.test('a server with array_nulls off still stores NULL as NULL', async (t) => {
    const { skjema } = await medSkjema(t)
    const store = await PostgresAuditStore.apne(
      `${URL}${URL.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c array_nulls=off')}`,
      { skjema },
    )
    t.teardown(() => store.lukk())
    // The setting did reach the store's connections (else this test would prove nothing).
    const pool = (store as unknown as { pool: import('pg').Pool }).pool
    t.equal((await pool.query<{ array_nulls: string }>('SHOW array_nulls')).rows[0]?.array_nulls, 'off')
    const h = hendelse(1, { kategori: null, personident: null, regel: null, kilde: null })
    await store.skriv([h])
    const [lest] = await store.kjede(0, 10)
    t.has(lest, { kategori: null, personident: null, regel: null, kilde: null })
    t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true, forsteBrudd: null })
  })

  t.test(
    'a connection whose server lost the prepared insert is dropped, and the next write goes through',
    async (t) => {
      const { skjema } = await medSkjema(t)
      const store = await PostgresAuditStore.apne(URL, { skjema })
      t.teardown(() => store.lukk())
      await store.skriv([hendelse(1)])
      // As a transaction-mode pooler would: the statement pg parsed on this connection is gone on
      // the server. The pool hands out its most recently used idle connection, the one just written on.
      const pool = (store as unknown as { pool: import('pg').Pool }).pool
      const klient = await pool.connect()
      await klient.query('DEALLOCATE ALL')
      klient.release()
      await t.rejects(store.skriv([hendelse(2)]), { name: 'AuditFeil' })
      await store.skriv([hendelse(3)])
      const alle = await store.kjede(0, 10)
      t.strictSame(
        alle.map((x) => x.henvendelseId),
        ['h-1', 'h-3'],
      )
      t.has(await verifiserKjede(store, { nokkel: DEV_NOKKEL }), { gyldig: true, forsteBrudd: null })
    },
  )

  t.test('a commit waits for the chain lock only so long, and the next goes through once it is free', async (t) => {
    const { skjema, ra } = await medSkjema(t)
    const store = await PostgresAuditStore.apne(URL, { skjema, laseFristMs: 200 })
    t.teardown(() => store.lukk())
    await store.skriv([hendelse(1)])
    // A holder that never lets go, as a half-open connection would.
    await ra.query('BEGIN')
    // Runs before medSkjema's teardown drops the schema, should an assertion below fail.
    t.teardown(() => ra.query('ROLLBACK').catch(() => undefined))
    await ra.query('SELECT pg_advisory_xact_lock($1::bigint)', [lasNokkel('audit.kjede', skjema)])
    const t0 = Date.now()
    // Failing at all shows the deadline: without one the commit waits for the lock for good.
    await t.rejects(store.skriv([hendelse(2)]), { name: 'AuditFeil' })
    t.ok(Date.now() - t0 < 3000, 'failed at its deadline')
    await ra.query('ROLLBACK')
    await store.skriv([hendelse(3)])
    t.strictSame(
      (await store.kjede(0, 10)).map((x) => x.henvendelseId),
      ['h-1', 'h-3'],
    )
    for (const laseFristMs of [0, 1.5, 2 ** 31, 1e21])
      await t.rejects(PostgresAuditStore.apne(URL, { skjema, laseFristMs }), { name: 'AuditFeil' })
  })

  t.test('apneAuditStore sends PostgreSQL URLs to the PostgreSQL store', async (t) => {
    // (Not opened for real here: that would create tables in the shared database's public schema.)
    for (const url of ['postgres://postgres@127.0.0.1:1/test', 'postgresql://postgres@127.0.0.1:1/test']) {
      await t.rejects(apneAuditStore(url, { instans: 'replika-1' }), { name: 'AuditFeil', message: /i PostgreSQL/ })
    }
  })
}
