// The HTTP contract's schemas (version 1). The OpenAPI document is generated from these.
import { z } from 'zod'
import {
  AdresseData, HenvendelseId, Kategori, Kilde, KontoData, KvalifiseringsprogramData, MidlertidigBoligData,
  OkonomiskSosialhjelpData, Tilbakeholdt,
} from '../domain/model.js'
import { OPPSLAG_ID_MONSTER } from '../oppslag/sesjoner.js'

export const StartOppslag = z
  .strictObject({
    // Checked by the access rules (rule 4), after the rules that need no facts.
    personident: z.string().max(32).describe('11 siffer; fødselsnummer, D-nummer eller H-nummer'),
    henvendelseId: HenvendelseId
      .optional()
      .describe('Henvendelsen oppslaget gjøres for (tjenstlig behov)'),
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
  kilder: z.array(Kilde).describe('Én per kommune og kilde (DIGISOS, FAGSYSTEM), med status. En kommune uten NKS-tilgang er ikke med'),
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

export const ProblemSkjema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    callId: z.string(),
  })
  .meta({ id: 'Problem' })

export const problemer = (...statuser: number[]) =>
  Object.fromEntries(statuser.map((s) => [s, ProblemSkjema])) as Record<number, typeof ProblemSkjema>
