// Every municipality's NKS status, from Fiks's `GET /digisos/api/v1/nav/kommuner` (KS's Digisos API,
// operation getAlleKommunerStatus), for GET /api/v1/kommuner: the agent's answer to "where can this
// caller turn?". No personal data: KS's contact persons (e-mail addresses of municipal staff) are
// dropped by the adapter's schema. The list changes a few times a year, so it is kept for
// KOMMUNELISTE_CACHE_S; concurrent misses share one call; while Fiks is down the last list is
// served (its `hentet` says how old it is) for up to a day, and with none a 503.
import type { FiksDigisos, KallKontekst } from './ports.js'
import type { KommuneInfo } from '../domain/digisos/sak.js'

/** A list older than this is not served even while Fiks is down: a switch of NKS access that old
 *  should not go unseen. */
export const KOMMUNELISTE_MAKS_FORELDET_MS = 24 * 3_600_000

export interface Kommuneliste {
  /** When Fiks gave it (epoch ms). */
  hentet: number
  kommuner: KommuneInfo[]
}

export class KommunelisteUtilgjengelig extends Error {
  override name = 'KommunelisteUtilgjengelig'
}

export class KommunelisteCache {
  private siste: Kommuneliste | null = null
  private underveis: Promise<Kommuneliste> | null = null

  constructor(
    private readonly fiks: Pick<FiksDigisos, 'hentAlleKommuneInfo'>,
    private readonly valg: { ttlMs: number; na: () => number; tidsfristMs: number },
  ) {}

  /** Fresh from the cache, else from Fiks; with `foreldet`, a stale copy when Fiks fails. Throws
   *  KommunelisteUtilgjengelig when there is nothing to serve, or when `signal` gives up first. */
  async hent(callId: string, valg: { signal?: AbortSignal; foreldet?: boolean } = {}): Promise<Kommuneliste> {
    const siste = this.siste
    const na = this.valg.na()
    if (siste && na - siste.hentet < this.valg.ttlMs) return siste
    try {
      this.underveis ??= this.hentFraFiks(callId).finally(() => {
        this.underveis = null
      })
      const felles = this.underveis
      return await (valg.signal ? medAvbrudd(felles, valg.signal) : felles)
    } catch (e) {
      const reserve = this.siste
      if (valg.foreldet && reserve && this.valg.na() - reserve.hentet <= KOMMUNELISTE_MAKS_FORELDET_MS) return reserve
      throw new KommunelisteUtilgjengelig('fiks kommuner: ingen liste', { cause: e })
    }
  }

  /** Whether the list is within its TTL: a stale one, served while Fiks is down, may still say
   *  that a municipality has no NKS access, but not confirm that one has. */
  fersk(liste: Kommuneliste): boolean {
    return this.valg.na() - liste.hentet < this.valg.ttlMs
  }

  private async hentFraFiks(callId: string): Promise<Kommuneliste> {
    // Not a person lookup: no sporingsIds to audit, one deadline of its own.
    const ctx: KallKontekst = { callId, signal: AbortSignal.timeout(this.valg.tidsfristMs) }
    const kommuner = await this.fiks.hentAlleKommuneInfo(ctx)
    const liste = {
      hentet: this.valg.na(),
      kommuner: [...kommuner].sort((a, b) => a.kommunenummer.localeCompare(b.kommunenummer)),
    }
    this.siste = liste
    return liste
  }
}

/** The caller stops waiting when `signal` aborts; the shared call goes on for the others. */
function medAvbrudd<T>(lofte: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  let lytter: (() => void) | undefined
  const avbrutt = new Promise<never>((_ok, feil) => {
    lytter = () => feil(signal.reason)
    signal.addEventListener('abort', lytter, { once: true })
  })
  return Promise.race([lofte, avbrutt]).finally(() => {
    if (lytter) signal.removeEventListener('abort', lytter)
  })
}
