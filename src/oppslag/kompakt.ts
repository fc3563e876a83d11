// What a session caches: each category validated once against the contract's schema and kept as
// its JSON text. A cached read then costs a string join instead of a validation and a
// serialization, and 10 000 live lookups hold kilobytes of text each rather than object graphs.
import { KATEGORIER, KategoriData, Kilde, Tilbakeholdt, type Kategori } from '../domain/model.js'
import { z } from 'zod'
import type { Innhentet } from './innhenting.js'

export interface Kompakt {
  /** Kept as objects too: small, and the completeness check reads them. */
  kilder: Kilde[]
  kilderJson: string
  tilbakeholdtJson: string
  kategorier: Readonly<Record<Kategori, string>>
  /** sporingsIds of the upstream calls that produced the data. */
  sporing: string[]
  /** Approximate memory held, for the cache's byte bound. */
  bytes: number
}

const KilderSkjema = z.array(Kilde)

/** Validates (unknown fields are stripped, a wrong shape throws) and serializes each part once. */
export function komprimer(i: Innhentet): Kompakt {
  const kategorier = {} as Record<Kategori, string>
  let bytes = 0
  for (const k of KATEGORIER) {
    const tekst = JSON.stringify(KategoriData[k].parse(i.data[k]))
    kategorier[k] = tekst
    bytes += tekst.length
  }
  const kilder = KilderSkjema.parse(i.data.kilder)
  const kilderJson = JSON.stringify(kilder)
  const tilbakeholdtJson = JSON.stringify(Tilbakeholdt.parse(i.tilbakeholdt))
  // Strings with characters beyond Latin-1 take two bytes each in V8: count the worst case.
  bytes = 2 * (bytes + kilderJson.length + tilbakeholdtJson.length) + 64 * i.sporing.length
  return { kilder, kilderJson, tilbakeholdtJson, kategorier, sporing: i.sporing, bytes }
}

const felles = (k: Kompakt, oppslagId: string, utloper: string) =>
  `{"oppslagId":${JSON.stringify(oppslagId)},"utloper":${JSON.stringify(utloper)},"kilder":${k.kilderJson},"tilbakeholdt":${k.tilbakeholdtJson}`

/** The body of GET /oppslag/{id}/{kategori} (schema KategoriSvar). */
export function kategoriSvar(k: Kompakt, oppslagId: string, utloper: string, kategori: Kategori): string {
  return `${felles(k, oppslagId, utloper)},"kategori":"${kategori}","data":${k.kategorier[kategori]}}`
}

/** The body of GET /oppslag/{id} (schema Oppslag). */
export function heltSvar(k: Kompakt, oppslagId: string, utloper: string): string {
  const deler = KATEGORIER.map((kat) => `"${kat}":${k.kategorier[kat]}`).join(',')
  return `${felles(k, oppslagId, utloper)},"kategorier":{${deler}}}`
}
