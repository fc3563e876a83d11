// Times as NAV's and the municipalities' systems write them into Digisos documents. The format
// (reference/digisos-filformat/json/types/tidspunkt.json) says UTC with milliseconds; the senders
// have also written other fractions, no seconds, an offset, and (soknad.json's innsendingstidspunkt)
// no offset at all. Pure; nothing here throws on input.
import { z } from 'zod'

/** An ISO 8601 time with an offset; the seconds, the fraction's length and the offset's colon
 *  tolerated. Anything Date.parse would have to guess at (no offset: local to whom?) is refused. */
export const TidspunktMedOffset = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/)
  .refine((s) => Number.isFinite(Date.parse(s)))

const LOKAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/

const oslo = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** The wall-clock time in Oslo at `ms`, read as if it were UTC. */
function osloVeggur(ms: number): number {
  const d: Record<string, number> = {}
  for (const p of oslo.formatToParts(ms)) if (p.type !== 'literal') d[p.type] = Number(p.value)
  const del = (navn: string) => d[navn] ?? Number.NaN
  return (
    Date.UTC(del('year'), del('month') - 1, del('day'), del('hour'), del('minute'), del('second')) +
    (((ms % 1000) + 1000) % 1000)
  )
}

/** A time with no offset read as Norwegian local time: soknad-api wrote innsendingstidspunkt from a
 *  LocalDateTime on servers in Europe/Oslo. null for a day or hour that does not exist there. */
function fraOsloTid(tekst: string): number | null {
  const m = LOKAL.exec(tekst)
  if (!m) return null
  const [ar, mnd, dag, time, min, sek] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000)
  const veggur = Date.UTC(ar, mnd - 1, dag, time, min, sek, ms)
  // Date.UTC rolls 30 February over into March: such a day is not a time.
  const d = new Date(veggur)
  if (
    d.getUTCFullYear() !== ar ||
    d.getUTCMonth() !== mnd - 1 ||
    d.getUTCDate() !== dag ||
    d.getUTCHours() !== time ||
    d.getUTCMinutes() !== min ||
    d.getUTCSeconds() !== sek
  )
    return null
  // A guess from the offset at that wall time, corrected once: Oslo's offset changes by an hour.
  let utc = veggur - (osloVeggur(veggur) - veggur)
  utc = veggur - (osloVeggur(utc) - utc)
  // Only a wall time Oslo actually shows (not 30 February, not the hour skipped in spring).
  return Number.isFinite(utc) && osloVeggur(utc) === veggur ? utc : null
}

/** A time from a Digisos document as one UTC instant in the model's form, or null. With an offset
 *  it is kept to; without one, `utenOffset: 'oslo'` reads it as Norwegian local time. */
export function somUtc(verdi: unknown, valg: { utenOffset?: 'oslo' } = {}): string | null {
  if (typeof verdi !== 'string') return null
  const medOffset = TidspunktMedOffset.safeParse(verdi)
  const ms = medOffset.success ? Date.parse(medOffset.data) : valg.utenOffset === 'oslo' ? fraOsloTid(verdi) : null
  return ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString()
}
