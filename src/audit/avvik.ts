// Suspicious access patterns (DESIGN §6), as pure functions over audit events: volume far above
// the employee's own normal, lookups of colleagues (skjermede), repeated denials, and lookups that
// were never read.
import type { AuditHendelse } from './port.js'

export interface AvvikTerskler {
  /** Flag when lookups in the window exceed this factor times the employee's daily normal… */
  volumFaktor: number
  /** …and at least this many (a quiet employee's few lookups are not news). */
  volumMinimum: number
  /** Flag an employee with at least this many denials in the window. */
  avslagMinimum: number
}

export type Avvik =
  | { type: 'HOYT_VOLUM'; navident: string; antall: number; normalPerDag: number }
  | { type: 'OPPSLAG_AV_KOLLEGA'; navident: string; personident: string; tid: string }
  | { type: 'GJENTATTE_AVSLAG'; navident: string; antall: number; regler: string[] }
  | { type: 'OPPSLAG_UTEN_LESING'; navident: string; personident: string; henvendelseId: string | null; tid: string }

type H = Pick<AuditHendelse, 'tid' | 'navident' | 'handling' | 'personident' | 'henvendelseId' | 'beslutning' | 'regel'>

const DAG_MS = 86_400_000
const erStart = (h: H) => h.handling === 'OPPSLAG_START' && h.beslutning === 'Permit'

/**
 * @param vindu the events in [fra, til)
 * @param historikk the events of the `historikkDager` before `fra`, for each employee's normal
 */
export function finnAvvik(
  vindu: readonly H[],
  historikk: readonly H[],
  periode: { fra: string; til: string; historikkDager: number },
  terskler: AvvikTerskler,
): Avvik[] {
  const avvik: Avvik[] = []
  const vinduDager = Math.max((Date.parse(periode.til) - Date.parse(periode.fra)) / DAG_MS, 1 / 24)

  const teller = (hs: readonly H[], filter: (h: H) => boolean) => {
    const m = new Map<string, number>()
    for (const h of hs) if (filter(h)) m.set(h.navident, (m.get(h.navident) ?? 0) + 1)
    return m
  }
  const normal = teller(historikk, erStart)
  for (const [navident, antall] of teller(vindu, erStart)) {
    const normalPerDag = (normal.get(navident) ?? 0) / periode.historikkDager
    const forventet = normalPerDag * vinduDager
    if (antall >= terskler.volumMinimum && antall > terskler.volumFaktor * forventet) {
      avvik.push({ type: 'HOYT_VOLUM', navident, antall, normalPerDag: Math.round(normalPerDag * 100) / 100 })
    }
  }

  // A permit that lifted the skjerming rule was a lookup of a NAV colleague.
  for (const h of vindu) {
    if (erStart(h) && h.regel?.split(',').includes('AVVIST_SKJERMING') && h.personident) {
      avvik.push({ type: 'OPPSLAG_AV_KOLLEGA', navident: h.navident, personident: h.personident, tid: h.tid })
    }
  }

  const avslag = new Map<string, { antall: number; regler: Set<string> }>()
  for (const h of vindu) {
    if (h.beslutning !== 'Deny' || !h.handling.startsWith('OPPSLAG') && h.handling !== 'LES') continue
    const a = avslag.get(h.navident) ?? { antall: 0, regler: new Set<string>() }
    a.antall++
    if (h.regel) a.regler.add(h.regel)
    avslag.set(h.navident, a)
  }
  for (const [navident, a] of avslag) {
    if (a.antall >= terskler.avslagMinimum) avvik.push({ type: 'GJENTATTE_AVSLAG', navident, antall: a.antall, regler: [...a.regler].sort() })
  }

  // A lookup with no read after it by the same employee for the same person and inquiry.
  const lest = new Map<string, string>()
  for (const h of vindu) {
    if (h.handling !== 'LES' || h.beslutning !== 'Permit') continue
    const k = `${h.navident}|${h.personident}|${h.henvendelseId}`
    const siste = lest.get(k)
    if (!siste || h.tid > siste) lest.set(k, h.tid)
  }
  for (const h of vindu) {
    if (!erStart(h)) continue
    const sisteLesing = lest.get(`${h.navident}|${h.personident}|${h.henvendelseId}`)
    if (!sisteLesing || sisteLesing < h.tid) {
      avvik.push({ type: 'OPPSLAG_UTEN_LESING', navident: h.navident, personident: h.personident ?? '', henvendelseId: h.henvendelseId, tid: h.tid })
    }
  }
  return avvik
}
