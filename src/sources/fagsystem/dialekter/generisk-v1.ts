import { GeneriskV1 } from '../protocol.js'
import type { DialektAdapter } from '../port.js'

/** `generisk.v1`: our reference payload, already in the canonical terms. */
export const generiskV1: DialektAdapter = (data, personident, kommunenummer) => {
  const d = GeneriskV1.parse(data)
  if (d.personident !== personident) return null
  const opphav = { kommunenummer, system: 'FAGSYSTEM' as const }
  return {
    kontoer: d.kontonummer ? [{ kontonummer: d.kontonummer, kilde: 'FAGSYSTEM', sistBrukt: null, opphav }] : [],
    adresser: d.adresse ? [{ type: 'FAGSYSTEM', ...d.adresse, opphav }] : [],
    kvalifiseringsprogram: d.kvalifiseringsprogram.map((k) => ({ kommunenummer, ...k })),
    midlertidigBolig: d.midlertidigBolig.map((b) => ({ kommunenummer, ...b })),
  }
}
