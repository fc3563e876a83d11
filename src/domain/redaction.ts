// Field-level protection in one place (DESIGN §4): for any person whose grading is not UGRADERT,
// every address is withheld, whoever asks — the `adresse` category and every address-like field in
// the other categories. Applied before the data is cached, so a graded address never rests in
// memory either. The result says *that* something was withheld, never what.
import type { Gradering } from '../sources/ports.js'
import type { Stonadsopplysninger, Tilbakeholdt } from './model.js'

function adresserTilbakeholdes(gradering: Gradering): boolean {
  // Fail closed: anything but an explicit UGRADERT withholds.
  return gradering !== 'UGRADERT'
}

export function skjermAdresser(
  data: Stonadsopplysninger,
  gradering: Gradering,
): { data: Stonadsopplysninger; tilbakeholdt: Tilbakeholdt } {
  if (!adresserTilbakeholdes(gradering)) return { data, tilbakeholdt: { adresser: false } }
  return {
    data: {
      ...data,
      adresse: { adresser: [] },
      'midlertidig-bolig': {
        opphold: data['midlertidig-bolig'].opphold.map((o) => ({ ...o, adresse: null })),
      },
    },
    tilbakeholdt: { adresser: true },
  }
}
