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
    if (h.beslutning !== 'Deny' || (!h.handling.startsWith('OPPSLAG') && h.handling !== 'LES')) continue
    const a = avslag.get(h.navident) ?? { antall: 0, regler: new Set<string>() }
    a.antall++
    if (h.regel) a.regler.add(h.regel)
    avslag.set(h.navident, a)
  }
  for (const [navident, a] of avslag) {
    if (a.antall >= terskler.avslagMinimum)
      avvik.push({ type: 'GJENTATTE_AVSLAG', navident, antall: a.antall, regler: [...a.regler].sort() })
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
      avvik.push({
        type: 'OPPSLAG_UTEN_LESING',
        navident: h.navident,
        personident: h.personident ?? '',
        henvendelseId: h.henvendelseId,
        tid: h.tid,
      })
    }
  }
  return avvik
}

// ---- The same report aggregated by the database ----------------------------------------------
// finnAvvik above needs every event of the window and its history in memory: 600 000 events and a
// two-day window ran a 256 MiB heap out of memory. The stores run these queries instead; each
// answers at most `grense + 1` rows (a few per employee for the denials' rule codes), whatever
// the number of events, and settSammen gives the same answer as finnAvvik from them.

/** Longest window the report covers (a longer one is 400 UGYLDIG_TIDSROM). */
export const AVVIK_MAKS_DAGER = 31
/** Most findings of each kind in one answer; beyond it the answer says `avkortet`. */
export const AVVIK_MAKS_RADER = 1000

export interface AvvikSporring {
  fra: string
  til: string
  historikkDager: number
  terskler: AvvikTerskler
  /** Rows per kind: the stores ask for one more, to tell a full answer from a cut one. */
  grense: number
}

export interface AvvikGrunnlag {
  volum: { navident: string; antall: number; historikk: number }[]
  kollega: { navident: string; personident: string; tid: string }[]
  /** One row per employee and rule code (regel null when the employee's denials had none). */
  avslag: { navident: string; antall: number; regel: string | null }[]
  utenLesing: { navident: string; personident: string | null; henvendelseId: string | null; tid: string }[]
}

/** How the two databases differ in what these queries use. */
export interface Dialekt {
  /** Placeholder n (1-based). */
  p(n: number): string
}

/** How long the report's queries may run: a report is for a person to read, not worth stalling
 *  the database the audit writes go to. */
export const AVVIK_FRIST_MS = 30_000

export const historikkFra = (s: Pick<AvvikSporring, 'fra' | 'historikkDager'>): string =>
  new Date(Date.parse(s.fra) - s.historikkDager * DAG_MS).toISOString()

const vinduDagerFor = (s: Pick<AvvikSporring, 'fra' | 'til'>): number =>
  Math.max((Date.parse(s.til) - Date.parse(s.fra)) / DAG_MS, 1 / 24)

/** The four queries and their parameters. `h` is the (qualified) event table. */
export function avvikSql(
  h: string,
  d: Dialekt,
  s: AvvikSporring,
): Record<keyof AvvikGrunnlag, { sql: string; verdier: (string | number)[] }> {
  const { p } = d
  const start = `handling = 'OPPSLAG_START' AND beslutning = 'Permit'`
  const iVindu = `CASE WHEN tid >= ${p(1)} THEN 1 ELSE 0 END`
  const iHistorikk = `CASE WHEN tid < ${p(1)} THEN 1 ELSE 0 END`
  // antall > faktor × normalPerDag × vinduDager, normalPerDag = historikk / historikkDager.
  const k = (s.terskler.volumFaktor * vinduDagerFor(s)) / s.historikkDager
  const avslag = `beslutning = 'Deny' AND (handling LIKE 'OPPSLAG%' OR handling = 'LES') AND tid >= ${p(1)} AND tid < ${p(2)}`
  return {
    volum: {
      sql: `SELECT navident, SUM(${iVindu}) AS antall, SUM(${iHistorikk}) AS historikk FROM ${h}
        WHERE ${start} AND tid >= ${p(2)} AND tid < ${p(3)}
        GROUP BY navident
        HAVING SUM(${iVindu}) >= ${p(4)} AND SUM(${iVindu}) > CAST(${p(5)} AS DOUBLE PRECISION) * SUM(${iHistorikk})
        ORDER BY MIN(CASE WHEN tid >= ${p(1)} THEN id END) LIMIT ${p(6)}`,
      verdier: [s.fra, historikkFra(s), s.til, s.terskler.volumMinimum, k, s.grense + 1],
    },
    kollega: {
      sql: `SELECT navident, personident, tid FROM ${h}
        WHERE ${start} AND tid >= ${p(1)} AND tid < ${p(2)} AND personident IS NOT NULL
          AND (',' || regel || ',') LIKE '%,AVVIST\\_SKJERMING,%' ESCAPE '\\'
        ORDER BY id LIMIT ${p(3)}`,
      verdier: [s.fra, s.til, s.grense + 1],
    },
    avslag: {
      // The employees first (bounded), then their distinct rule codes.
      sql: `WITH a AS (
          SELECT navident, COUNT(*) AS antall, MIN(id) AS forste FROM ${h} WHERE ${avslag}
          GROUP BY navident HAVING COUNT(*) >= ${p(3)} ORDER BY MIN(id) LIMIT ${p(4)})
        SELECT a.navident, a.antall, r.regel FROM a
          LEFT JOIN (SELECT DISTINCT navident, regel FROM ${h} WHERE ${avslag} AND regel IS NOT NULL) r ON r.navident = a.navident
        ORDER BY a.forste, r.regel`,
      verdier: [s.fra, s.til, s.terskler.avslagMinimum, s.grense + 1],
    },
    utenLesing: {
      // A lookup with no read after it by the same employee, for the same person and inquiry: the
      // latest read of each (employee, person, inquiry) in the window, once, and the lookups after
      // it (finnAvvik's way). A correlated NOT EXISTS was quadratic in one employee's events.
      // COALESCE to a space (in neither a personident nor a henvendelseId) keeps the join an
      // equality both databases can hash, where IS / IS NOT DISTINCT FROM cannot be.
      sql: `WITH l AS (
          SELECT navident, COALESCE(personident, ' ') AS p, COALESCE(henvendelse_id, ' ') AS hv, MAX(tid) AS sist FROM ${h}
          WHERE handling = 'LES' AND beslutning = 'Permit' AND tid >= ${p(1)} AND tid < ${p(2)}
          GROUP BY navident, COALESCE(personident, ' '), COALESCE(henvendelse_id, ' '))
        SELECT s.navident, s.personident, s.henvendelse_id, s.tid FROM ${h} s
          LEFT JOIN l ON l.navident = s.navident AND l.p = COALESCE(s.personident, ' ') AND l.hv = COALESCE(s.henvendelse_id, ' ')
        WHERE s.${start.replaceAll(' AND ', ' AND s.')} AND s.tid >= ${p(1)} AND s.tid < ${p(2)}
          AND (l.sist IS NULL OR l.sist < s.tid)
        ORDER BY s.id LIMIT ${p(3)}`,
      verdier: [s.fra, s.til, s.grense + 1],
    },
  }
}

/** The report from the database's figures, as finnAvvik makes it from the events. */
export function settSammen(g: AvvikGrunnlag, s: AvvikSporring): { avvik: Avvik[]; avkortet: boolean } {
  const vinduDager = vinduDagerFor(s)
  const avkortet = [g.volum.length, g.kollega.length, g.utenLesing.length].some((n) => n > s.grense)
  const avvik: Avvik[] = []
  for (const v of g.volum.slice(0, s.grense)) {
    const normalPerDag = v.historikk / s.historikkDager
    // The database filtered; the same test as finnAvvik's, so rounding cannot differ at the edge.
    if (v.antall >= s.terskler.volumMinimum && v.antall > s.terskler.volumFaktor * normalPerDag * vinduDager) {
      avvik.push({
        type: 'HOYT_VOLUM',
        navident: v.navident,
        antall: v.antall,
        normalPerDag: Math.round(normalPerDag * 100) / 100,
      })
    }
  }
  for (const k of g.kollega.slice(0, s.grense)) avvik.push({ type: 'OPPSLAG_AV_KOLLEGA', ...k })
  const avslag = new Map<string, { antall: number; regler: string[] }>()
  for (const a of g.avslag) {
    const e = avslag.get(a.navident) ?? { antall: a.antall, regler: [] }
    if (a.regel !== null) e.regler.push(a.regel)
    avslag.set(a.navident, e)
  }
  let avslagAvkortet = false
  let n = 0
  for (const [navident, a] of avslag) {
    if (n++ >= s.grense) {
      avslagAvkortet = true
      break
    }
    avvik.push({ type: 'GJENTATTE_AVSLAG', navident, antall: a.antall, regler: [...a.regler].sort() })
  }
  for (const u of g.utenLesing.slice(0, s.grense)) {
    avvik.push({
      type: 'OPPSLAG_UTEN_LESING',
      navident: u.navident,
      personident: u.personident ?? '',
      henvendelseId: u.henvendelseId,
      tid: u.tid,
    })
  }
  return { avvik, avkortet: avkortet || avslagAvkortet }
}
