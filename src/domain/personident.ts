// Personident: fødselsnummer, D-nummer, H-nummer and the synthetic test idents (Tenor: month
// +80; NAV/Dolly: month +40). Pure; no I/O.
// A named import, not the default: the package is CommonJS with `__esModule` set, so the default
// export is the whole module under Node's ESM loader but undefined under esbuild/tsx interop.
import { idnr } from '@navikt/fnrvalidator'
import { z } from 'zod'

export type PersonidentType = 'FNR' | 'DNR' | 'HNR'

export type PersonidentValidering =
  | { gyldig: true; type: PersonidentType; syntetisk: boolean }
  | { gyldig: false; arsak: string }

// NAV's own validator already covers what we need: 11 digits, both control digits, the D (+40
// day), H (+40 month) and Tenor (+80 month) offsets and a real calendar date. We only map its
// result onto our terms. Two consequences worth knowing:
// - It also accepts the control-digit rule Skatteetaten introduces in 2032 (k1 computed with a
//   remainder of 0–3, so up to four k1 values are valid; k2 stays unique). We keep that, so the
//   service does not reject real idents issued from 2032. Any single mistyped digit is still
//   caught: k2 weighs all ten preceding digits with non-zero weights modulo the prime 11.
// - It cannot tell an H-nummer from a NAV-synthetic (Dolly) ident: both are month +40. Those are
//   reported as HNR and not synthetic, so a real person's ident is never taken for a test one.
const TYPER: Record<string, { type: PersonidentType; syntetisk: boolean }> = {
  fnr: { type: 'FNR', syntetisk: false },
  dnr: { type: 'DNR', syntetisk: false },
  hnr: { type: 'HNR', syntetisk: false },
  tnr: { type: 'FNR', syntetisk: true },
  // Day +40 together with month +40 is never issued to real people: it only occurs in NAV's
  // synthetic D-numbers.
  'dnr-and-hnr': { type: 'DNR', syntetisk: true },
  'dnr-and-tnr': { type: 'DNR', syntetisk: true },
}

const ARSAKER: Record<string, string> = {
  'fnr, dnr or hnr must consist of 11 digits': 'må bestå av nøyaktig 11 siffer',
  "checksums don't match": 'kontrollsifrene stemmer ikke',
  'invalid date': 'ugyldig fødselsdato',
}

export function validerPersonident(s: string): PersonidentValidering {
  // Checked here too, not only in the library: its type detection reads digits before it
  // checks the length, and non-strings must never reach it.
  if (typeof s !== 'string' || !/^\d{11}$/.test(s)) {
    return { gyldig: false, arsak: 'må bestå av nøyaktig 11 siffer' }
  }
  const resultat = idnr(s)
  if (resultat.status === 'invalid') {
    return { gyldig: false, arsak: resultat.reasons.map((r) => ARSAKER[r] ?? r).join(', ') }
  }
  const type = TYPER[resultat.type]
  if (!type) return { gyldig: false, arsak: 'ukjent identtype' }
  return { gyldig: true, ...type }
}

/** A personident string. The error message never repeats the value: it is personal data. */
export const Personident = z
  .string({ error: 'Personident må være en tekststreng' })
  .refine((s) => validerPersonident(s).gyldig, { error: 'Ugyldig personident' })
export type Personident = z.infer<typeof Personident>

// ── synthetic idents for tests and the simulator ─────────────────────────────

const VEKTER_K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const
const VEKTER_K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const

/** The classic mod-11 control digit; null when the remainder gives 10 (no valid digit). */
function kontrollsiffer(siffer: readonly number[], vekter: readonly number[]): number | null {
  const sum = vekter.reduce((acc, v, i) => acc + v * (siffer[i] ?? 0), 0)
  const k = (11 - (sum % 11)) % 11
  return k === 10 ? null : k
}

// Which individnummer ranges belong to which birth years (Skatteetaten's classic allocation), so
// a generated ident looks like one that could have been issued.
function individnummerPasserAret(individnummer: number, ar: number): boolean {
  if (ar >= 1854 && ar <= 1899) return individnummer >= 500 && individnummer <= 749
  if (ar >= 1900 && ar <= 1999) {
    return individnummer <= 499 || (ar >= 1940 && individnummer >= 900)
  }
  if (ar >= 2000 && ar <= 2039) return individnummer >= 500
  return false
}

/**
 * A Tenor-style synthetic fødselsnummer (month +80) for the given birth date. Throws RangeError
 * when the date is not real, the individnummer does not fit the birth year, or the individnummer
 * gives no valid control digit for that date (then try another individnummer).
 */
export function lagSyntetiskPersonident(
  fodselsdato: Date | { y: number; m: number; d: number },
  individnummer: number,
): string {
  const { y, m, d } =
    fodselsdato instanceof Date
      ? { y: fodselsdato.getUTCFullYear(), m: fodselsdato.getUTCMonth() + 1, d: fodselsdato.getUTCDate() }
      : fodselsdato
  const dato = new Date(Date.UTC(y, m - 1, d))
  if (
    !Number.isInteger(y) ||
    !Number.isInteger(m) ||
    !Number.isInteger(d) ||
    dato.getUTCFullYear() !== y ||
    dato.getUTCMonth() !== m - 1 ||
    dato.getUTCDate() !== d
  ) {
    throw new RangeError('fødselsdatoen er ikke en gyldig dato')
  }
  if (!Number.isInteger(individnummer) || individnummer < 0 || individnummer > 999) {
    throw new RangeError('individnummeret må være et heltall 0–999')
  }
  if (!individnummerPasserAret(individnummer, y)) {
    throw new RangeError('individnummeret passer ikke med fødselsåret')
  }
  const to = (n: number) => String(n).padStart(2, '0')
  const grunnlag = `${to(d)}${to(m + 80)}${to(y % 100)}${String(individnummer).padStart(3, '0')}`
  const siffer = [...grunnlag].map(Number)
  const k1 = kontrollsiffer(siffer, VEKTER_K1)
  if (k1 === null) throw new RangeError('individnummeret gir ikke gyldig kontrollsiffer for denne datoen')
  const k2 = kontrollsiffer([...siffer, k1], VEKTER_K2)
  if (k2 === null) throw new RangeError('individnummeret gir ikke gyldig kontrollsiffer for denne datoen')
  return `${grunnlag}${k1}${k2}`
}
