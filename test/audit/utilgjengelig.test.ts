// The real PostgreSQL store made unwritable mid-run, over HTTP: 503 and no data while it cannot
// commit, not ready, and back to normal when it can. Runs in a database of its own, since making a
// database read-only affects every connection to it.
import pg from 'pg'
import t from 'tap'
import { PostgresAuditStore } from '../../src/audit/postgres.js'
import { build } from '../helper.js'

const URL = process.env['AUDIT_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const DB = `stonadsoppslag_utilgj_${process.pid}`

t.test('PostgreSQL audit store unwritable mid-run', async (t) => {
  const admin = new pg.Client({ connectionString: URL })
  try {
    await admin.connect()
  } catch (e) {
    if (process.env['CI'] === 'true') return t.fail(`PostgreSQL kan ikke nås på ${URL}: ${(e as Error).message}`)
    return t.plan(0, 'skipped: PostgreSQL kan ikke nås')
  }
  await admin.query(`CREATE DATABASE ${DB}`)
  const egen = new globalThis.URL(URL)
  egen.pathname = `/${DB}`
  const store = await PostgresAuditStore.apne(egen.toString(), { instans: 'utilgjengelig-test' })
  t.teardown(async () => {
    await store.lukk()
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin.end()
  })
  const b = await build(t, { audit: store })
  const settLesbar = async (kunLesing: boolean) => {
    await admin.query(
      kunLesing
        ? `ALTER DATABASE ${DB} SET default_transaction_read_only = on`
        : `ALTER DATABASE ${DB} RESET default_transaction_read_only`,
    )
    // Existing connections keep their setting: end them, so the pool reconnects under the new one.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [DB])
  }

  const start = await b.startOppslag('ugradert-to-kommuner')
  t.equal(start.status, 201)
  const id = start.body.oppslagId as string
  t.equal((await b.kall('GET', `/api/v1/oppslag/${id}/konto`)).status, 200)

  await settLesbar(true)
  for (const sti of [`/api/v1/oppslag/${id}`, `/api/v1/oppslag/${id}/konto`]) {
    const svar = await b.kall('GET', sti)
    t.equal(svar.status, 503, sti)
    t.equal(svar.body.code, 'AUDIT_UTILGJENGELIG')
    t.notMatch(svar.tekst, /kontoer|soknader|kontonummer/, 'no data')
  }
  t.equal((await b.startOppslag('uten-saker')).status, 503, 'no new lookup')
  t.equal((await b.kall('GET', '/health/ready', { token: null })).status, 503, 'not ready')

  await settLesbar(false)
  t.equal((await b.kall('GET', '/health/ready', { token: null })).status, 200, 'ready again')
  const igjen = await b.kall('GET', `/api/v1/oppslag/${id}/konto`)
  t.equal(igjen.status, 200, 'reads again')
  const hendelser = await store.kjede(0, 1000)
  t.equal(hendelser.filter((h) => h.handling === 'LES').length, 2, 'exactly the two answered reads are on record')
})
