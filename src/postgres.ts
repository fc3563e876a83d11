// PostgreSQL as both the audit store and the shared session store use it: one reading of a
// `postgres://…[?schema=name]` spec, one rule for schema names (they are spliced into SQL), and
// pools that survive dropped connections.
import { createHash } from 'node:crypto'
import pg from 'pg'

/** `?schema=<name>` picks the schema; the driver must not see it. */
export function delSkjema(spesifikasjon: string): { url: string; skjema: string | null } {
  const url = new URL(spesifikasjon)
  const skjema = url.searchParams.get('schema')
  url.searchParams.delete('schema')
  return { url: url.toString(), skjema }
}

/** Schema names go into SQL text (identifiers cannot be bound): only plain lower-case names. */
export function gyldigSkjema(skjema: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(skjema)
}

export function lagPool(url: string, valg: { navn: string; instans?: string | undefined; maks?: number }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: valg.maks ?? 4,
    connectionTimeoutMillis: 5000,
    application_name: `${valg.navn}${valg.instans ? `-${valg.instans}` : ''}`.slice(0, 63),
  })
  // A connection dropping (database restart, failover, terminated backend) must not crash the
  // process: idle ones report on the pool, checked-out ones on the client; the query in flight
  // rejects (and the caller answers 503), and the pool reconnects.
  pool.on('error', () => {})
  pool.on('connect', (klient) => {
    klient.on('error', () => {})
  })
  return pool
}

/** A 64-bit advisory-lock key per purpose and schema: replicas on one schema share it, test
 *  schemas do not. */
export function lasNokkel(formal: string, skjema: string): string {
  return createHash('sha256').update(`stonadsoppslag.${formal}.${skjema}`).digest().readBigInt64BE(0).toString()
}

/** Sets a schema up once however many replicas start together: under an advisory lock, creates
 *  the schema if it is missing, then runs `arbeid` on the same connection; the lock is released
 *  whatever happens, and a connection that failed is not handed back for reuse. */
export async function settOppSkjema(
  pool: pg.Pool,
  formal: string,
  skjema: string,
  arbeid: (klient: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const klient = await pool.connect()
  const las = lasNokkel(`${formal}.migrering`, skjema)
  try {
    await klient.query('SELECT pg_advisory_lock($1::bigint)', [las])
    try {
      // CREATE SCHEMA IF NOT EXISTS checks the database CREATE privilege even when the schema exists.
      const finnes = await klient.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [skjema])
      if (finnes.rowCount === 0) await klient.query(`CREATE SCHEMA "${skjema}"`)
      await arbeid(klient)
    } finally {
      await klient.query('SELECT pg_advisory_unlock($1::bigint)', [las]).catch(() => {})
    }
    klient.release()
  } catch (e) {
    klient.release(e as Error)
    throw e
  }
}
