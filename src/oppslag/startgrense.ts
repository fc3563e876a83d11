// How many lookups one employee may start per minute: far fewer than reads, since each start asks
// the registers about a person and an employee serves one caller at a time. With several replicas
// the count is shared through PostgreSQL (the shared session store's database), so a scraper gains
// nothing by being spread over replicas; should that database not answer, each replica counts on
// its own meanwhile (the start then fails on the session store anyway).
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible'
import { delSkjema, lagPool } from '../postgres.js'

export interface StartGrense {
  /** Counts one start for this employee: null when it may go on, else ms until it may. */
  tell(navident: string): Promise<number | null>
  lukk(): Promise<void>
}

const MINUTT_S = 60

export async function lagStartGrense(valg: {
  perMinutt: number
  delt: string | null
  instans?: string
}): Promise<StartGrense> {
  const lokal = new RateLimiterMemory({ points: valg.perMinutt, duration: MINUTT_S, keyPrefix: 'oppslag-start' })
  let teller: RateLimiterMemory | RateLimiterPostgres = lokal
  let lukk = async (): Promise<void> => {}
  if (valg.delt) {
    const { url, skjema } = delSkjema(valg.delt)
    const pool = lagPool(url, { navn: 'stonadsoppslag-startgrense', instans: valg.instans, maks: 2 })
    try {
      teller = await new Promise<RateLimiterPostgres>((ok, feil) => {
        const pg: RateLimiterPostgres = new RateLimiterPostgres(
          {
            storeClient: pool,
            storeType: 'pool',
            ...(skjema ? { schemaName: skjema } : {}),
            tableName: 'oppslag_startgrense',
            points: valg.perMinutt,
            duration: MINUTT_S,
            keyPrefix: 'oppslag-start',
            // Keys are NAVidents: a bounded set, each row overwritten when its window ends.
            clearExpiredByTimeout: false,
            insuranceLimiter: lokal,
          },
          (e) => (e ? feil(e) : ok(pg)),
        )
      })
    } catch (e) {
      await pool.end()
      throw e
    }
    lukk = () => pool.end()
  }
  return {
    async tell(navident) {
      try {
        await teller.consume(navident)
        return null
      } catch (e) {
        if (e instanceof RateLimiterRes) return e.msBeforeNext
        throw e
      }
    },
    lukk: () => lukk(),
  }
}
