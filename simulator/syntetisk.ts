// Synthetic personidents in the Tenor style (month + 80), so that no simulated person can be a real
// one. Kept here rather than in src/domain: the simulator must stand on its own.

const VEKTER_K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const
const VEKTER_K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const

function kontrollsiffer(sifre: readonly number[], vekter: readonly number[]): number | null {
  const sum = vekter.reduce((acc, v, i) => acc + v * (sifre[i] ?? 0), 0)
  const rest = 11 - (sum % 11)
  if (rest === 11) return 0
  // Remainder 10 has no digit: that individnummer cannot be used.
  if (rest === 10) return null
  return rest
}

/** Both mod-11 control digits are right. Says nothing about the date part. */
export function gyldigeKontrollsifre(ident: string): boolean {
  if (!/^\d{11}$/.test(ident)) return false
  const sifre = [...ident].map(Number)
  const k1 = kontrollsiffer(sifre.slice(0, 9), VEKTER_K1)
  if (k1 === null || k1 !== sifre[9]) return false
  const k2 = kontrollsiffer(sifre.slice(0, 10), VEKTER_K2)
  return k2 !== null && k2 === sifre[10]
}

/**
 * A Tenor-style synthetic ident: the month is written + 80 (81–92); a synthetic D-number also has
 * the day + 40. Real fødselsnumre never have a month above 12, so this cannot hit a real person.
 */
export function erSyntetisk(ident: string): boolean {
  if (!/^\d{11}$/.test(ident)) return false
  const dag = Number(ident.slice(0, 2))
  const maned = Number(ident.slice(2, 4))
  const dagOk = (dag >= 1 && dag <= 31) || (dag >= 41 && dag <= 71)
  return dagOk && maned >= 81 && maned <= 92
}

/** A valid synthetic personident, or null when this individnummer gives remainder 10. */
export function syntetiskIdent(fodselsdato: string, individnummer: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(fodselsdato)
  if (!m || individnummer < 0 || individnummer > 999) throw new Error('ugyldig fødselsdato eller individnummer')
  const [, ar, maned, dag] = m as unknown as [string, string, string, string]
  const ni = `${dag}${String(Number(maned) + 80)}${ar.slice(2)}${String(individnummer).padStart(3, '0')}`
  const sifre = [...ni].map(Number)
  const k1 = kontrollsiffer(sifre, VEKTER_K1)
  if (k1 === null) return null
  const k2 = kontrollsiffer([...sifre, k1], VEKTER_K2)
  if (k2 === null) return null
  return `${ni}${k1}${k2}`
}

/** The first valid synthetic ident at or after `fraIndividnummer`. */
export function nesteSyntetiskeIdent(fodselsdato: string, fraIndividnummer: number): string {
  for (let i = fraIndividnummer; i <= 999; i++) {
    const ident = syntetiskIdent(fodselsdato, i)
    if (ident !== null) return ident
  }
  throw new Error('fant ingen gyldig individnummer')
}

/** Norwegian account number check (mod 11 over the first ten digits). */
export function gyldigKontonummer(konto: string): boolean {
  if (!/^\d{11}$/.test(konto)) return false
  const k = kontrollsiffer([...konto.slice(0, 10)].map(Number), VEKTER_K2)
  return k !== null && k === Number(konto[10])
}

/** A mod-11-valid account number from a ten-digit stem, or null when the stem has no control digit. */
export function kontonummer(stamme: string): string | null {
  if (!/^\d{10}$/.test(stamme)) throw new Error('stammen må ha ti sifre')
  const k = kontrollsiffer([...stamme].map(Number), VEKTER_K2)
  return k === null ? null : `${stamme}${k}`
}
