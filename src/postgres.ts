// PostgreSQL as both the audit store and the shared session store use it: one reading of a
// `postgres://…[?schema=name]` spec, one rule for schema names (they are spliced into SQL), and
// pools that survive dropped connections.
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
