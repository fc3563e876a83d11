// Lenient zod schemas for the events of digisos-soker.json (NAV's Digisos file format, schema in
// reference/digisos-filformat/json/digisos/soker/). Only the fields the fold uses are checked;
// everything else (files, vedlegg, mottaker, …) is ignored so that a sender adding or botching a
// field we never show does not cost the person their case. Every optional field is nullish: the
// format's Java classes serialize an unset field as an explicit null, and NAV's own readers
// (modia's and innsyn-api's Kotlin models) take every such field as nullable.
import { z } from 'zod'
import { liste } from '../liste.js'
import { TidspunktMedOffset } from '../tidspunkt.js'

// Timestamps as the format defines them, with the fraction and an offset tolerated (../tidspunkt.ts).
const Tidspunkt = TidspunktMedOffset
const Dato = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

/** The part every event shares. An event without it cannot be placed in time. */
export const HendelseFelles = z.object({
  type: z.string(),
  hendelsestidspunkt: Tidspunkt,
})

export const SoknadsStatusHendelse = z.object({
  type: z.literal('soknadsStatus'),
  status: z.enum(['MOTTATT', 'UNDER_BEHANDLING', 'FERDIGBEHANDLET', 'BEHANDLES_IKKE']),
})

export const TildeltNavKontorHendelse = z.object({
  type: z.literal('tildeltNavKontor'),
  navKontor: z.string().regex(/^\d{4}$/),
})

export const SaksStatusHendelse = z.object({
  type: z.literal('saksStatus'),
  referanse: z.string().min(1),
  tittel: z.string().nullish(),
  status: z.enum(['UNDER_BEHANDLING', 'IKKE_INNSYN', 'BEHANDLES_IKKE', 'FEILREGISTRERT']).nullish(),
})

export const VedtakFattetHendelse = z.object({
  type: z.literal('vedtakFattet'),
  // Required by the schema, yet modia files a vedtak without one under a default sak: so do we.
  saksreferanse: z.string().nullish(),
  utfall: z.enum(['INNVILGET', 'DELVIS_INNVILGET', 'AVSLATT', 'AVVIST']).nullish(),
})

export const UtbetalingHendelse = z.object({
  type: z.literal('utbetaling'),
  utbetalingsreferanse: z.string().min(1),
  saksreferanse: z.string().nullish(),
  status: z.enum(['PLANLAGT_UTBETALING', 'UTBETALT', 'STOPPET', 'ANNULLERT']).nullish(),
  belop: z.number().nullish(),
  beskrivelse: z.string().nullish(),
  forfallsdato: Dato.nullish(),
  utbetalingsdato: Dato.nullish(),
  fom: Dato.nullish(),
  tom: Dato.nullish(),
  annenMottaker: z.boolean().nullish(),
  // Checked where it is shown: a bad account number costs the number, never the payout (modia).
  kontonummer: z.unknown().nullish(),
})

export const DokumentasjonEtterspurtHendelse = z.object({
  type: z.literal('dokumentasjonEtterspurt'),
  // An empty list is how the municipality says nothing is requested any more. Each document is
  // judged on its own (EtterspurtDokument): one botched item does not hide the others.
  dokumenter: z.array(z.unknown()),
})

/** One requested document (dokumentasjonEtterspurt.json: dokumenttype and innsendelsesfrist
 *  required); without a readable type it says nothing and is skipped. */
export const EtterspurtDokument = z.object({
  dokumenttype: z.string().min(1),
  tilleggsinformasjon: z.string().nullish(),
  innsendelsesfrist: Tidspunkt.nullish(),
})

export const ForelopigSvarHendelse = z.object({ type: z.literal('forelopigSvar') })

/** vilkar.json: only the reference is required; OPPFYLT/IKKE_OPPFYLT are deprecated but still sent. */
export const VilkarHendelse = z.object({
  type: z.literal('vilkar'),
  vilkarreferanse: z.string().min(1),
  saksreferanse: z.string().nullish(),
  utbetalingsreferanse: liste(z.string(), 1000).nullish(),
  tittel: z.string().nullish(),
  beskrivelse: z.string().nullish(),
  status: z.enum(['RELEVANT', 'ANNULLERT', 'OPPFYLT', 'IKKE_OPPFYLT']).nullish(),
})

/** dokumentasjonkrav.json: only the reference is required. */
export const DokumentasjonkravHendelse = z.object({
  type: z.literal('dokumentasjonkrav'),
  dokumentasjonkravreferanse: z.string().min(1),
  saksreferanse: z.string().nullish(),
  utbetalingsreferanse: liste(z.string(), 1000).nullish(),
  tittel: z.string().nullish(),
  frist: Tidspunkt.nullish(),
  status: z.enum(['RELEVANT', 'LEVERT_TIDLIGERE', 'ANNULLERT', 'OPPFYLT', 'IKKE_OPPFYLT']).nullish(),
})

/** Known events that carry nothing we show (NAV-loven § 16 limits what may be disclosed). */
const IKKE_VIST = ['rammevedtak'] as const

export const Hendelse = z.discriminatedUnion('type', [
  SoknadsStatusHendelse,
  TildeltNavKontorHendelse,
  SaksStatusHendelse,
  VedtakFattetHendelse,
  UtbetalingHendelse,
  DokumentasjonEtterspurtHendelse,
  ForelopigSvarHendelse,
  VilkarHendelse,
  DokumentasjonkravHendelse,
  z.object({ type: z.enum(IKKE_VIST) }),
])
export type Hendelse = z.infer<typeof Hendelse>

/** Every type the union knows, derived from it so that a new event schema cannot be forgotten here. */
export const KJENTE_TYPER: ReadonlySet<string> = new Set(
  Hendelse.options.flatMap((o) => {
    const type = o.shape.type
    return 'options' in type ? [...type.options] : [...type.values]
  }),
)

/** The document itself: only `hendelser` matters, and each event is judged on its own. */
export const DigisosSokerDokument = z.object({ hendelser: z.array(z.unknown()) })
