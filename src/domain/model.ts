// The canonical model of sentrale stønadsopplysninger: what every source is folded into and
// what the HTTP contract returns. Zod schemas are the single source; the OpenAPI document and
// the TypeScript types are derived from them.
import { z } from 'zod'
import { validerPersonident } from './personident.js'

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
/** How a personident shows in a text. SKREVET: written as one, whatever the control digits say (a
 *  mistyped ident is still someone's): a run of 11 or 12 digits, or 11 digits in groups joined by
 *  separators of up to three characters (148390-10150, 14.83.90-10150, 148390 - 101 50). INNI: a
 *  longer run of digits with a valid personident among its 11-digit windows (an ident with digits
 *  stuck on). Longer runs without one are not idents: NAV's own call ids carry a 13-digit epoch
 *  millisecond (CallId_<ms>_<random>). Groups of another total are not one: a date and a sequence
 *  number (2024-03-14.123456) is a common call id. A UUID is INNI only if its last group holds a
 *  valid ident. */
export function personidentITekst(tekst: string): 'SKREVET' | 'INNI' | null {
  // A UUID's only run that can hold 11 digits is its last group (one in 280 is all digits).
  if (UUID.test(tekst)) return harGyldigVindu(tekst.slice(-12).replace(/\D/g, '')) ? 'INNI' : null
  let inni = false
  for (const run of tekst.matchAll(/\d+/g)) {
    const n = run[0].length
    if (n === 11 || n === 12) return 'SKREVET'
    if (n > 12 && !inni) inni = harGyldigVindu(run[0])
  }
  for (const gruppe of tekst.matchAll(/\d+(?:[^0-9A-Za-z]{1,3}\d+)*/g)) {
    if (gruppe[0].replace(/\D/g, '').length === 11) return 'SKREVET'
  }
  // However far apart, and whatever stands between them: 11 or 12 digits in all that hold a valid
  // ident (148390----10150, 148390X10150). The control digits decide here, since scattered digits
  // are not written as one ident by mistake.
  const sifre = tekst.replace(/\D/g, '')
  if ((sifre.length === 11 || sifre.length === 12) && harGyldigVindu(sifre)) return 'SKREVET'
  return inni ? 'INNI' : null
}

function harGyldigVindu(sifre: string): boolean {
  for (let i = 0; i + 11 <= sifre.length; i++) if (validerPersonident(sifre.slice(i, i + 11)).gyldig) return true
  return false
}

export function lignerPersonident(tekst: string): boolean {
  return personidentITekst(tekst) !== null
}
/** A UUID is how callers make call ids; one in 300 has 12 digits before its first letter. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** The henvendelse a lookup is made for (tjenstlig behov): a token that is safe in logs, and never
 *  a personident (it would put that person in this lookup's audit trail). */
export const HenvendelseId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9._:-]*$/)
  .refine((s) => !lignerPersonident(s), 'ligner en personident')
/** A NAV employee's ident: one letter and six digits. */
export const Navident = z.string().regex(/^[A-Z]\d{6}$/)
const Dato = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('ISO date, yyyy-mm-dd')
/** A time with seconds and a zone (Z or an offset): one no reader has to guess at, and no room for
 *  free text in a field shown even when everything that places a person is withheld. */
export const Tidspunkt = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp')
/** null where the person's place is withheld (STRENGT_FORTROLIG, STRENGT_FORTROLIG_UTLAND). */
const Sted = Kommunenummer.nullable().describe('kommunenummer; null when withheld (strengt fortrolig)')

/** OK; MIDLERTIDIG_DEAKTIVERT: shown, but the municipality has paused Digisos (KS's
 *  harMidlertidigDeaktivert* flags), so it may be stale; UTILGJENGELIG: the source could not answer
 *  in full (what it did answer is shown). A municipality without NKS access is never a kilde. */
export const KildeStatus = z.enum(['OK', 'MIDLERTIDIG_DEAKTIVERT', 'UTILGJENGELIG'])
export type KildeStatus = z.infer<typeof KildeStatus>
/** The two sources of one municipality: Fiks Digisos and the municipality's fagsystem. */
export const KildeSystem = z.enum(['DIGISOS', 'FAGSYSTEM'])
export type KildeSystem = z.infer<typeof KildeSystem>
export const Kilde = z.object({
  kommunenummer: Sted.describe(
    'kommunenummer; null when withheld (strengt fortrolig), or for data that may be missing from a municipality that cannot be named ' +
      '(the case list unknown or not complete, or NKS access unsettled: status UTILGJENGELIG)',
  ),
  system: KildeSystem,
  status: KildeStatus,
  behandlingsansvarlig: z
    .string()
    .nullable()
    .describe(
      'KS KommuneInfo: the host municipality in a cooperation; null when none, unknown or withheld (strengt fortrolig)',
    ),
})
export type Kilde = z.infer<typeof Kilde>

/** Where a fact came from: a Digisos case or the municipality's fagsystem. */
export const Opphav = z.object({
  kommunenummer: Sted,
  system: KildeSystem,
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
  kontonummer: z
    .string()
    .regex(/^\d{11}$/)
    .nullable(),
})
/** Free text the municipality wrote: null when withheld (strengt fortrolig), as it may name a place. */
const Fritekst = (hva: string, eksempel: string) =>
  z
    .string()
    .nullable()
    .describe(`${hva}; null when unknown or withheld (strengt fortrolig)`)
    .meta({ example: eksempel })
const Saksreferanse = z
  .string()
  .nullable()
  .describe('the sak (saker[].referanse) it belongs to; null when not stated')
  .meta({ example: 'sak-1' })
const Referanser = z
  .array(z.string())
  .describe('the payouts (utbetalinger[].referanse) it applies to, among those shown')
  .meta({ example: ['utb-2024-03'] })

/** A condition for the payouts (vilkar.json). ANNULLERT ones are not shown; OPPFYLT and IKKE_OPPFYLT
 *  are deprecated in the format but still sent, so they are shown as sent. */
export const Vilkar = z
  .object({
    referanse: z.string().describe("the sender's reference").meta({ example: 'vilkar-1' }),
    saksreferanse: Saksreferanse,
    tittel: Fritekst('what the condition is', 'Møte hos veileder hver 14. dag'),
    status: z.enum(['RELEVANT', 'OPPFYLT', 'IKKE_OPPFYLT']).nullable().meta({ example: 'RELEVANT' }),
    utbetalingsreferanser: Referanser,
    sistEndret: Tidspunkt.describe('the latest event about this condition').meta({
      example: '2024-03-12T11:01:00.000Z',
    }),
  })
  .describe('vilkår, as modia shows them')
/** Documentation the decision requires (dokumentasjonkrav.json). ANNULLERT ones are not shown. */
export const Dokumentasjonkrav = z
  .object({
    referanse: z.string().describe("the sender's reference").meta({ example: 'krav-1' }),
    saksreferanse: Saksreferanse,
    tittel: Fritekst('what is to be documented', 'Kopi av husleiekontrakt'),
    status: z
      .enum(['RELEVANT', 'LEVERT_TIDLIGERE', 'OPPFYLT', 'IKKE_OPPFYLT'])
      .nullable()
      .meta({ example: 'RELEVANT' }),
    frist: Tidspunkt.nullable().describe('deadline').meta({ example: '2024-04-01T00:00:00.000Z' }),
    utbetalingsreferanser: Referanser,
    sistEndret: Tidspunkt.describe('the latest event about this requirement').meta({
      example: '2024-03-12T11:02:00.000Z',
    }),
  })
  .describe('dokumentasjonkrav, as modia shows them')
/** A document the NAV office has asked the person for (dokumentasjonEtterspurt.json), as of the
 *  latest request. */
export const EtterspurtDokument = z.object({
  dokumenttype: Fritekst('the kind of document asked for', 'Strømfaktura'),
  tilleggsinformasjon: Fritekst('what the office added', 'For januar og februar'),
  innsendelsesfrist: Tidspunkt.nullable().describe('deadline').meta({ example: '2024-03-25T00:00:00.000Z' }),
})

export const Soknad = z.object({
  fiksDigisosId: z.string(),
  kommunenummer: Sted,
  kommunenavn: z
    .string()
    .nullable()
    .describe("the municipality's name as the application names it; null when unknown or withheld (strengt fortrolig)")
    .meta({ example: 'Oslo kommune' }),
  navEnhet: z.string().nullable().describe('NAV office; null when unknown or withheld (strengt fortrolig)'),
  navEnhetNavn: z
    .string()
    .nullable()
    .describe(
      "the NAV office's name, when the application names the office now handling it; null when unknown or withheld (strengt fortrolig)",
    )
    .meta({ example: 'NAV Grünerløkka' }),
  sendt: Tidspunkt.nullable(),
  papirsoknad: z
    .boolean()
    .describe('true when the municipality registered a paper application (Fiks has no application sent from nav.no)')
    .meta({ example: false }),
  status: SoknadsStatus,
  sistEndret: Tidspunkt,
  saker: z.array(Sak),
  utbetalinger: z.array(Utbetaling),
  vilkar: z.array(Vilkar).describe('vilkår not annulled, each changed within the age limit'),
  dokumentasjonkrav: z
    .array(Dokumentasjonkrav)
    .describe('dokumentasjonkrav not annulled, each changed or due within the age limit'),
  dokumentasjonEtterspurt: z.boolean().describe('true while documents are asked for').meta({ example: true }),
  etterspurtDokumentasjon: z
    .array(EtterspurtDokument)
    .describe('the documents asked for in the latest request; empty when none'),
  forelopigSvar: z.boolean().describe('true when a foreløpig svar has been sent').meta({ example: true }),
  forelopigSvarDato: Tidspunkt.nullable()
    .describe('when the latest foreløpig svar (notice of a longer processing time) was sent; null when none')
    .meta({ example: '2024-03-05T08:00:00.000Z' }),
})
export type Soknad = z.infer<typeof Soknad>
export type Sak = z.infer<typeof Sak>
export type Utbetaling = z.infer<typeof Utbetaling>
export type Vilkar = z.infer<typeof Vilkar>
export type Dokumentasjonkrav = z.infer<typeof Dokumentasjonkrav>
export type EtterspurtDokument = z.infer<typeof EtterspurtDokument>
export const OkonomiskSosialhjelpData = z.object({ soknader: z.array(Soknad) })

// ── kvalifiseringsprogram ────────────────────────────────────────────────────
export const Kvalifiseringsprogram = z.object({
  kommunenummer: Sted,
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
  kommunenummer: Sted,
  /** Free text from the fagsystem, which may name the place (e.g. a named hostel). */
  botype: z.string().nullable().describe('null when withheld (strengt fortrolig)'),
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

/** Everything fetched for one person in one lookup, before cutting per category: the whole
 *  canonical model (the redaction's property test walks this schema, every field of it). */
export const Stonadsopplysninger = z.object({ kilder: z.array(Kilde), ...KategoriData })
export type Stonadsopplysninger = z.infer<typeof Stonadsopplysninger>

/** Says that something was left out, never what it was. */
export const Tilbakeholdt = z.object({
  adresser: z.boolean().describe('address data exist or may exist but are withheld for this person'),
  sted: z
    .boolean()
    .describe(
      'everything that places the person below the country (municipality, NAV office, postal place, free text) is withheld',
    ),
})
export type Tilbakeholdt = z.infer<typeof Tilbakeholdt>
