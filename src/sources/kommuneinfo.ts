// KommuneInfo (a municipality's Digisos settings, never personal data) kept for a short while.
// Every lookup needs it before it may ask that municipality for anything, and it changes a few
// times a year: asking for it on every lookup cost one whole upstream round trip (about a third of
// a lookup's wait) and a call to Fiks per municipality per lookup. A municipality that switches NKS
// access off is obeyed within the TTL. Only a municipality's settings are kept: not a fault, and
// not a 404 ("not configured"), which a gateway or a Fiks deploy can also answer — kept, it would
// hide the municipality's data for the whole TTL, and from each lookup in it for its life.
import { LRUCache } from 'lru-cache'
import type { FiksDigisos } from './ports.js'
import type { KommuneInfo } from '../domain/digisos/sak.js'

export interface KommuneInfoCacheValg {
  ttlMs: number
  /** Municipality numbers are four digits: the bound is there for a misbehaving caller. */
  maks?: number
  /** Clock for the TTL; tests move it instead of waiting. */
  na?: () => number
}

/** Wraps a Fiks port so that KommuneInfo comes from the cache while fresh. `ttlMs` 0: no cache. */
export function medKommuneInfoCache(fiks: FiksDigisos, valg: KommuneInfoCacheValg): FiksDigisos {
  if (valg.ttlMs <= 0) return fiks
  const na = valg.na
  // An injected clock is asked every time (no 'now' cached by a timer): tests move it.
  const cache = new LRUCache<string, KommuneInfo>({
    max: valg.maks ?? 10_000,
    ttl: valg.ttlMs,
    ...(na ? { perf: { now: na }, ttlResolution: 0 } : {}),
  })
  return {
    hentSaker: (ident, ctx) => fiks.hentSaker(ident, ctx),
    hentDokument: (id, dokument, ctx) => fiks.hentDokument(id, dokument, ctx),
    hentKommuneInfo: async (kommunenummer, ctx) => {
      const lagret = cache.get(kommunenummer)
      if (lagret) return lagret
      const info = await fiks.hentKommuneInfo(kommunenummer, ctx)
      if (info !== null) cache.set(kommunenummer, info)
      return info
    },
    // The whole list is as fresh as a single answer: each municipality in it is kept too.
    hentAlleKommuneInfo: async (ctx) => {
      const alle = await fiks.hentAlleKommuneInfo(ctx)
      for (const info of alle) cache.set(info.kommunenummer, info)
      return alle
    },
  }
}
