// The real local PostgreSQL for tests: each test in a fresh schema, dropped afterwards. Without a
// reachable database such tests are skipped locally and fail on CI.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'

export const PG_URL = process.env['AUDIT_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** null when reachable, else why not. */
export async function pgFeil(): Promise<string | null> {
  const klient = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 })
  try {
    await klient.connect()
    await klient.query('SELECT 1')
    return null
  } catch (e) {
    return (e as Error).message
  } finally {
    await klient.end().catch(() => {})
  }
}

/** Skips (locally) or fails (CI) the file when PostgreSQL cannot be reached; true when it can. */
export async function krevPostgres(t: Test): Promise<boolean> {
  const feil = await pgFeil()
  if (feil === null) return true
  const melding = `PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//…@')} is not reachable (${feil}); set AUDIT_TEST_POSTGRES_URL`
  if (process.env['CI'] === 'true') t.fail(melding)
  else t.plan(0, `skipped: ${melding}`)
  return false
}

/** Drops schemas with everything in them (the benches' own, when a run ends). */
export async function slettSkjemaer(url: string, skjemaer: string[]): Promise<void> {
  const klient = new pg.Client({ connectionString: url })
  await klient.connect()
  try {
    for (const skjema of skjemaer) await klient.query(`DROP SCHEMA IF EXISTS "${skjema}" CASCADE`)
  } finally {
    await klient.end()
  }
}

/** A fresh schema, dropped (with everything in it) when the test ends. */
export async function medSkjema(t: Test): Promise<{ skjema: string; ra: pg.Client }> {
  const skjema = `test_${process.pid}_${randomBytes(4).toString('hex')}`
  const ra = new pg.Client({ connectionString: PG_URL })
  await ra.connect()
  t.teardown(async () => {
    await ra.query(`DROP SCHEMA IF EXISTS "${skjema}" CASCADE`).catch(() => {})
    await ra.end()
  })
  return { skjema, ra }
}
