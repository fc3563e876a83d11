// Our FIKS request/response protocol to the municipalities' fagsystemer, version 1.
//
// Modelled on Fiks IO: a typed message (`meldingType`) with an id is addressed to a municipality
// (`mottaker.kommunenummer`); the reply names the message it answers (`svarPaMelding`) and the
// dialect its payload is written in. The envelope is ours and fixed per version; the payload
// belongs to the fagsystem vendor, one adapter per dialect (see ./dialekter). Adding a vendor is
// adding a dialect and its adapter, nothing else.
//
// Transport: `POST {FIKS_IO_URL}/fiks-io/v1/meldinger` with the request as JSON body; the reply is
// the response body (synchronous exchange, so a lookup can be answered while the caller waits).
import { z } from 'zod'
import { liste } from '../../domain/liste.js'

export const PROTOKOLL_VERSJON = 1
export const MELDING_FORESPORSEL = 'no.nav.stonadsoppslag.hent-stonadsopplysninger.v1'
export const MELDING_SVAR = 'no.nav.stonadsoppslag.hent-stonadsopplysninger.svar.v1'
export const MELDING_FEIL = 'no.nav.stonadsoppslag.feil.v1'
export const FIKS_IO_STI = '/fiks-io/v1/meldinger'

export const Foresporsel = z.strictObject({
  versjon: z.literal(PROTOKOLL_VERSJON),
  meldingType: z.literal(MELDING_FORESPORSEL),
  meldingId: z.uuid(),
  sporingsId: z.uuid(),
  mottaker: z.strictObject({ kommunenummer: z.string().regex(/^\d{4}$/) }),
  /** The reply is useless after this; the fagsystem may stop working on it. */
  ttlSekunder: z.number().int().positive(),
  data: z.strictObject({ personident: z.string().regex(/^\d{11}$/) }),
})
export type Foresporsel = z.infer<typeof Foresporsel>

export const Svar = z.object({
  versjon: z.literal(PROTOKOLL_VERSJON),
  meldingType: z.literal(MELDING_SVAR),
  meldingId: z.string(),
  svarPaMelding: z.string(),
  avsender: z.object({
    kommunenummer: z.string().regex(/^\d{4}$/),
    fagsystem: z.string(),
    /** Names the payload's dialect, e.g. `generisk.v1` or `socio.v1`. */
    dialekt: z.string(),
  }),
  /** Dialect-specific; parsed by that dialect's adapter. */
  data: z.unknown(),
})
export type Svar = z.infer<typeof Svar>

export const Feilsvar = z.object({
  versjon: z.literal(PROTOKOLL_VERSJON),
  meldingType: z.literal(MELDING_FEIL),
  meldingId: z.string(),
  svarPaMelding: z.string(),
  /** PERSON_UKJENT: the fagsystem has no client with this personident (not an error for us). */
  kode: z.enum(['PERSON_UKJENT', 'UGYLDIG_FORESPORSEL', 'INTERN_FEIL']),
  melding: z.string().optional(),
})
export type Feilsvar = z.infer<typeof Feilsvar>

// ── dialect `generisk.v1`: our own reference payload ────────────────────────
// Written out here rather than derived from src/domain/model.ts on purpose: a published protocol
// version is frozen, while the internal model may change.
const Dato = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
// Far above what one person's fagsystem record holds (15 months of data): a longer list is a
// fault, refused before it costs anything (see domain/liste.ts).
const MAKS_ELEMENTER = 500
const MAKS_UTBETALINGER = 1000
const MAKS_LINJER = 20
const GeneriskAdresse = z.object({
  adresselinjer: liste(z.string(), MAKS_LINJER),
  postnummer: z.string().nullable(),
  poststed: z.string().nullable(),
})
export const GeneriskV1 = z.object({
  personident: z.string(),
  kontonummer: z
    .string()
    .regex(/^\d{11}$/)
    .nullable(),
  adresse: GeneriskAdresse.nullable(),
  kvalifiseringsprogram: liste(
    z.object({
      status: z.enum(['SOKT', 'INNVILGET', 'AVSLATT', 'AKTIV', 'AVSLUTTET', 'AVBRUTT']),
      vedtaksdato: Dato.nullable(),
      fom: Dato.nullable(),
      tom: Dato.nullable(),
      stonad: z
        .object({
          belopPerManed: z.number().nullable(),
          utbetalinger: liste(
            z.object({ dato: Dato, belop: z.number(), status: z.enum(['PLANLAGT_UTBETALING', 'UTBETALT', 'STOPPET']) }),
            MAKS_UTBETALINGER,
          ),
        })
        .nullable(),
      sistEndret: z.string(),
    }),
    MAKS_ELEMENTER,
  ),
  midlertidigBolig: liste(
    z.object({
      botype: z.string(),
      status: z.enum(['SOKT', 'INNVILGET', 'AVSLATT', 'AKTIV', 'AVSLUTTET']),
      vedtaksdato: Dato.nullable(),
      fom: Dato.nullable(),
      tom: Dato.nullable(),
      adresse: GeneriskAdresse.nullable(),
      sistEndret: z.string(),
    }),
    MAKS_ELEMENTER,
  ),
})
export type GeneriskV1 = z.infer<typeof GeneriskV1>

// ── dialect `socio.v1`: a vendor's own terms and codes ───────────────────────
// Status codes: AKT aktiv, AVS avsluttet, AVB avbrutt, INN innvilget, AVSL avslått, SOKT søkt.
// Payout status: U utbetalt, P planlagt, S stoppet.
const SocioAdresse = z.object({ gate: z.string(), postnr: z.string().nullable(), poststed: z.string().nullable() })
export const SocioV1 = z.object({
  klient: z.object({
    fnr: z.string(),
    kontonr: z.string().nullable(),
    bostedsadresse: SocioAdresse.nullable(),
  }),
  tiltak: liste(
    z.object({
      type: z.string(),
      statuskode: z.enum(['SOKT', 'INN', 'AVSL', 'AKT', 'AVS', 'AVB']),
      vedtakDato: Dato.nullable(),
      periodeFra: Dato.nullable(),
      periodeTil: Dato.nullable(),
      ytelse: z
        .object({
          manedsbelop: z.number().nullable(),
          utbetalinger: liste(
            z.object({ dato: Dato, belop: z.number(), status: z.enum(['U', 'P', 'S']) }),
            MAKS_UTBETALINGER,
          ),
        })
        .nullable(),
      endret: z.string(),
    }),
    MAKS_ELEMENTER,
  ),
  botilbud: liste(
    z.object({
      kategori: z.string(),
      statuskode: z.enum(['SOKT', 'INN', 'AVSL', 'AKT', 'AVS']),
      vedtakDato: Dato.nullable(),
      fra: Dato.nullable(),
      til: Dato.nullable(),
      adresse: SocioAdresse.nullable(),
      endret: z.string(),
    }),
    MAKS_ELEMENTER,
  ),
})
export type SocioV1 = z.infer<typeof SocioV1>
