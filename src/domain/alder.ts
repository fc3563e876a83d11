// What is too old to show (DESIGN §4): data not changed for SAK_MAKS_ALDER_MANEDER calendar months
// is left out, from every source alike. A case by its own last change, and inside a case each item
// (a payout, a KVP programme or stay, a kvalifiseringsstønad payout) by its own latest date: a
// phone call needs the recent picture, and data minimisation asks for no more. Pure; no I/O.
import type { Kvalifiseringsprogram, MidlertidigBolig } from './model.js'

const DOGN_MS = 86_400_000
const DATO = /^\d{4}-\d{2}-\d{2}$/

/** The oldest time still shown: `maneder` calendar months before `naMs`. */
export function aldersgrense(naMs: number, maneder: number): number {
  if (!Number.isInteger(maneder) || maneder < 0) throw new RangeError('maneder må være et heltall ≥ 0')
  return trekkFraManeder(naMs, maneder)
}

// Calendar months, clamped to the month's last day: 31 May minus 3 months is 28/29 February,
// not 3 March.
function trekkFraManeder(ms: number, maneder: number): number {
  const d = new Date(ms)
  const ar = d.getUTCFullYear()
  const maned = d.getUTCMonth() - maneder
  const sisteDag = new Date(Date.UTC(ar, maned + 1, 0)).getUTCDate()
  return Date.UTC(
    ar,
    maned,
    Math.min(d.getUTCDate(), sisteDag),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  )
}

/**
 * The latest of some dates and times, in ms; null when none is readable. A date (yyyy-mm-dd)
 * counts to the end of its day, so an item dated on the limit's day is still shown.
 */
export function sisteTid(...verdier: (string | number | null | undefined)[]): number | null {
  let siste: number | null = null
  for (const v of verdier) {
    let ms: number
    if (typeof v === 'number') ms = v
    else if (typeof v === 'string') ms = DATO.test(v) ? Date.parse(`${v}T00:00:00Z`) + DOGN_MS - 1 : Date.parse(v)
    else continue
    if (Number.isFinite(ms) && (siste === null || ms > siste)) siste = ms
  }
  return siste
}

/** True when the latest of an item's dates is before the limit; an item with no readable date
 *  cannot be shown to be recent, so it counts as too old. */
export function erEldreEnn(grenseMs: number, ...datoer: (string | number | null | undefined)[]): boolean {
  const siste = sisteTid(...datoer)
  return siste === null || siste < grenseMs
}

/** KVP programmes changed since the limit, each with only its payouts since the limit. A programme
 *  counts by its latest date (sistEndret, vedtak, period, payouts): one running into the future is
 *  recent whatever its sistEndret says. */
export function nyeProgrammer(programmer: readonly Kvalifiseringsprogram[], grenseMs: number): Kvalifiseringsprogram[] {
  return programmer
    .filter(
      (p) =>
        !erEldreEnn(
          grenseMs,
          p.sistEndret,
          p.vedtaksdato,
          p.fom,
          p.tom,
          ...(p.stonad?.utbetalinger.map((u) => u.dato) ?? []),
        ),
    )
    .map((p) =>
      p.stonad === null
        ? p
        : {
            ...p,
            stonad: { ...p.stonad, utbetalinger: p.stonad.utbetalinger.filter((u) => !erEldreEnn(grenseMs, u.dato)) },
          },
    )
}

/** Stays in midlertidig bolig whose latest date (sistEndret, vedtak, period) is since the limit. */
export function nyeOpphold(opphold: readonly MidlertidigBolig[], grenseMs: number): MidlertidigBolig[] {
  return opphold.filter((o) => !erEldreEnn(grenseMs, o.sistEndret, o.vedtaksdato, o.fom, o.tom))
}
