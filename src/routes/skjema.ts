// The HTTP contract's schemas (version 1). The OpenAPI document is generated from these.
import { z } from 'zod'
import {
  AdresseData,
  HenvendelseId,
  Kategori,
  Kilde,
  KontoData,
  KvalifiseringsprogramData,
  MidlertidigBoligData,
  OkonomiskSosialhjelpData,
  Tilbakeholdt,
} from '../domain/model.js'
import { FEILKATALOG, type Feilkode } from '../feil.js'
import { OPPSLAG_ID_MONSTER } from '../oppslag/sesjoner.js'

export const StartOppslag = z
  .strictObject({
    // Checked by the access rules (rule 4), after the rules that need no facts.
    personident: z.string().max(32).describe('11 siffer; fødselsnummer, D-nummer eller H-nummer'),
    henvendelseId: HenvendelseId.optional().describe('Henvendelsen oppslaget gjøres for (tjenstlig behov)'),
  })
  .meta({ id: 'StartOppslag' })

export const OppslagOpprettet = z
  .object({ oppslagId: z.string(), utloper: z.string().describe('Senest utløp (ISO 8601)') })
  .meta({ id: 'OppslagOpprettet' })

export const OppslagParams = z.strictObject({ oppslagId: z.string().regex(OPPSLAG_ID_MONSTER) })
export const KategoriParams = z.strictObject({ oppslagId: z.string().regex(OPPSLAG_ID_MONSTER), kategori: Kategori })

const Felles = {
  oppslagId: z.string(),
  utloper: z.string().describe('Utløper hvis oppslaget blir liggende ubrukt (ISO 8601)'),
  kilder: z
    .array(Kilde)
    .describe('Én per kommune og kilde (DIGISOS, FAGSYSTEM), med status. En kommune uten NKS-tilgang er ikke med'),
  tilbakeholdt: Tilbakeholdt,
}

export const Oppslag = z
  .object({
    ...Felles,
    kategorier: z.object({
      konto: KontoData,
      adresse: AdresseData,
      'okonomisk-sosialhjelp': OkonomiskSosialhjelpData,
      kvalifiseringsprogram: KvalifiseringsprogramData,
      'midlertidig-bolig': MidlertidigBoligData,
    }),
  })
  .meta({ id: 'Oppslag' })

export const KategoriSvar = z
  .object({
    ...Felles,
    kategori: Kategori,
    data: z.union([KontoData, AdresseData, OkonomiskSosialhjelpData, KvalifiseringsprogramData, MidlertidigBoligData]),
  })
  .meta({ id: 'KategoriSvar' })

const FEILKODER = Object.keys(FEILKATALOG) as [Feilkode, ...Feilkode[]]

export const ProblemSkjema = z
  .object({
    type: z.string().describe('urn:stonadsoppslag:problem: og koden med små bokstaver og bindestrek'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('Fast tekst per kode; aldri noe fra forespørselen'),
    code: z.enum(FEILKODER).describe('Feilkatalogens kode: det klienten handler etter'),
    callId: z.string().describe('Samme som svarets Nav-Call-Id'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details, alltid application/problem+json' })

/** The codes each of a route's problem answers can carry, for the OpenAPI document (one schema
 *  object per status, so the document can tell them apart; all validate as Problem). */
const KODER = new WeakMap<object, readonly Feilkode[]>()
export const problemkoder = (skjema: unknown): readonly Feilkode[] | undefined =>
  typeof skjema === 'object' && skjema !== null ? KODER.get(skjema) : undefined

/** The problems a route answers with of its own (those every route can give are added to the
 *  document by plugins/openapi.ts): their statuses, and in the document each code as an example. */
export function problemer(...koder: Feilkode[]): Record<number, typeof ProblemSkjema> {
  const perStatus = new Map<number, Feilkode[]>()
  for (const k of koder) perStatus.set(FEILKATALOG[k].status, [...(perStatus.get(FEILKATALOG[k].status) ?? []), k])
  return Object.fromEntries(
    [...perStatus].map(([status, k]) => {
      const skjema = ProblemSkjema.clone()
      KODER.set(skjema, k)
      return [status, skjema]
    }),
  )
}
