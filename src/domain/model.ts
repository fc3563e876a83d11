// The canonical model of sentrale stønadsopplysninger: what every source is folded into and
// what the HTTP contract returns. Zod schemas are the single source; the OpenAPI document and
// the TypeScript types are derived from them.
import { z } from 'zod'

export const KATEGORIER = [
  'konto',
  'adresse',
  'okonomisk-sosialhjelp',
  'kvalifiseringsprogram',
  'midlertidig-bolig',
] as const
export const Kategori = z.enum(KATEGORIER)
export type Kategori = z.infer<typeof Kategori>

export const Kommunenummer = z.string().regex(/^\d{4}$/)
/** The henvendelse a lookup is made for (tjenstlig behov): a token that is safe in logs. */
export const HenvendelseId = z.string().max(64).regex(/^[A-Za-z0-9._:-]*$/)
/** A NAV employee's ident: one letter and six digits. */
export const Navident = z.string().regex(/^[A-Z]\d{6}$/)
const Dato = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('ISO date, yyyy-mm-dd')
const Tidspunkt = z.string().describe('ISO 8601 timestamp')

export const KildeStatus = z.enum(['OK', 'IKKE_AKTIVERT', 'MIDLERTIDIG_DEAKTIVERT', 'UTILGJENGELIG'])
export type KildeStatus = z.infer<typeof KildeStatus>
export const Kilde = z.object({
  kommunenummer: Kommunenummer,
  status: KildeStatus,
})
export type Kilde = z.infer<typeof Kilde>

/** Where a fact came from: a Digisos case or the municipality's fagsystem. */
export const Opphav = z.object({
  kommunenummer: Kommunenummer,
  system: z.enum(['DIGISOS', 'FAGSYSTEM']),
  fiksDigisosId: z.string().optional(),
})
export type Opphav = z.infer<typeof Opphav>

// ── konto ────────────────────────────────────────────────────────────────────
export const Konto = z.object({
  kontonummer: z.string().regex(/^\d{11}$/),
  /** SOKNAD: given by the person in an application; UTBETALING: a payout to the person went there. */
  kilde: z.enum(['SOKNAD', 'UTBETALING', 'FAGSYSTEM']),
  sistBrukt: Dato.or(Tidspunkt).nullable(),
  opphav: Opphav,
})
export type Konto = z.infer<typeof Konto>
export const KontoData = z.object({ kontoer: z.array(Konto) })

// ── adresse ──────────────────────────────────────────────────────────────────
export const Adresse = z.object({
  type: z.enum(['FOLKEREGISTRERT', 'OPPHOLD', 'POST', 'FAGSYSTEM']),
  adresselinjer: z.array(z.string()),
  postnummer: z.string().nullable(),
  poststed: z.string().nullable(),
  opphav: Opphav,
})
export type Adresse = z.infer<typeof Adresse>
export const AdresseData = z.object({ adresser: z.array(Adresse) })

// ── økonomisk sosialhjelp ───────────────────────────────────────────────────
export const SoknadsStatus = z.enum(['SENDT', 'MOTTATT', 'UNDER_BEHANDLING', 'FERDIGBEHANDLET', 'BEHANDLES_IKKE'])
export const SaksStatus = z.enum(['UNDER_BEHANDLING', 'IKKE_INNSYN', 'BEHANDLES_IKKE'])
export const Utfall = z.enum(['INNVILGET', 'DELVIS_INNVILGET', 'AVSLATT', 'AVVIST'])
export const UtbetalingStatus = z.enum(['PLANLAGT_UTBETALING', 'UTBETALT', 'STOPPET'])

export const Vedtak = z.object({ utfall: Utfall.nullable(), dato: Tidspunkt })
export const Sak = z.object({
  referanse: z.string(),
  tittel: z.string().nullable(),
  status: SaksStatus.nullable(),
  vedtak: z.array(Vedtak),
})
export const Utbetaling = z.object({
  referanse: z.string(),
  saksreferanse: z.string().nullable(),
  belop: z.number().nullable(),
  beskrivelse: z.string().nullable(),
  status: UtbetalingStatus.nullable(),
  forfallsdato: Dato.nullable(),
  utbetalingsdato: Dato.nullable(),
  fom: Dato.nullable(),
  tom: Dato.nullable(),
  /** True when the money went to someone else; then no account number is shown here. */
  tilAnnenMottaker: z.boolean(),
  kontonummer: z.string().nullable(),
})
export const Soknad = z.object({
  fiksDigisosId: z.string(),
  kommunenummer: Kommunenummer,
  navEnhet: z.string().nullable(),
  sendt: Tidspunkt.nullable(),
  status: SoknadsStatus,
  sistEndret: Tidspunkt,
  saker: z.array(Sak),
  utbetalinger: z.array(Utbetaling),
  dokumentasjonEtterspurt: z.boolean(),
  forelopigSvar: z.boolean(),
})
export type Soknad = z.infer<typeof Soknad>
export type Sak = z.infer<typeof Sak>
export type Utbetaling = z.infer<typeof Utbetaling>
export const OkonomiskSosialhjelpData = z.object({ soknader: z.array(Soknad) })

// ── kvalifiseringsprogram ────────────────────────────────────────────────────
export const Kvalifiseringsprogram = z.object({
  kommunenummer: Kommunenummer,
  status: z.enum(['SOKT', 'INNVILGET', 'AVSLATT', 'AKTIV', 'AVSLUTTET', 'AVBRUTT']),
  vedtaksdato: Dato.nullable(),
  fom: Dato.nullable(),
  tom: Dato.nullable(),
  stonad: z
    .object({
      belopPerManed: z.number().nullable(),
      utbetalinger: z.array(
        z.object({
          dato: Dato,
          belop: z.number(),
          status: z.enum(['PLANLAGT_UTBETALING', 'UTBETALT', 'STOPPET']),
        }),
      ),
    })
    .nullable(),
  sistEndret: Tidspunkt,
})
export type Kvalifiseringsprogram = z.infer<typeof Kvalifiseringsprogram>
export const KvalifiseringsprogramData = z.object({ programmer: z.array(Kvalifiseringsprogram) })

// ── midlertidig bolig ────────────────────────────────────────────────────────
export const MidlertidigBolig = z.object({
  kommunenummer: Kommunenummer,
  botype: z.string(),
  status: z.enum(['SOKT', 'INNVILGET', 'AVSLATT', 'AKTIV', 'AVSLUTTET']),
  vedtaksdato: Dato.nullable(),
  fom: Dato.nullable(),
  tom: Dato.nullable(),
  /** null when withheld (graded person) or unknown. */
  adresse: z
    .object({
      adresselinjer: z.array(z.string()),
      postnummer: z.string().nullable(),
      poststed: z.string().nullable(),
    })
    .nullable(),
  sistEndret: Tidspunkt,
})
export type MidlertidigBolig = z.infer<typeof MidlertidigBolig>
export const MidlertidigBoligData = z.object({ opphold: z.array(MidlertidigBolig) })

export const KategoriData = {
  konto: KontoData,
  adresse: AdresseData,
  'okonomisk-sosialhjelp': OkonomiskSosialhjelpData,
  kvalifiseringsprogram: KvalifiseringsprogramData,
  'midlertidig-bolig': MidlertidigBoligData,
} as const

/** Everything fetched for one person in one lookup, before cutting per category. */
export interface Stonadsopplysninger {
  kilder: Kilde[]
  konto: z.infer<typeof KontoData>
  adresse: z.infer<typeof AdresseData>
  'okonomisk-sosialhjelp': z.infer<typeof OkonomiskSosialhjelpData>
  kvalifiseringsprogram: z.infer<typeof KvalifiseringsprogramData>
  'midlertidig-bolig': z.infer<typeof MidlertidigBoligData>
}

/** Says that something was left out, never what it was. */
export const Tilbakeholdt = z.object({
  adresser: z.boolean().describe('address data exist or may exist but are withheld for this person'),
})
export type Tilbakeholdt = z.infer<typeof Tilbakeholdt>
