// The one error catalogue. Every error the service answers with is an application/problem+json
// (RFC 9457) built from an entry here; `detail` texts are fixed and never carry request data, so a
// personident cannot leak through an error. (Hand-written: the available problem-details packages
// are unmaintained or framework-agnostic wrappers around the same dozen lines.)
export const FEILKATALOG = {
  UGYLDIG_FORESPORSEL: { status: 400, title: 'Ugyldig forespørsel', detail: 'Forespørselen har feil form.' },
  UGYLDIG_JSON: { status: 400, title: 'Ugyldig JSON', detail: 'Forespørselens innhold er ikke gyldig JSON.' },
  UGYLDIG_PERSONIDENT: {
    status: 400,
    title: 'Ugyldig personident',
    detail: 'Personidenten er ikke gyldig (11 siffer med gyldige kontrollsiffer).',
  },
  UGYLDIG_OPPSLAG_ID: { status: 400, title: 'Ugyldig oppslagId', detail: 'oppslagId har feil form.' },
  UGYLDIG_HENVENDELSE_ID: {
    status: 400,
    title: 'Ugyldig henvendelseId',
    detail: 'henvendelseId ligner en personident. Bruk henvendelsens id, aldri personens.',
  },
  UGYLDIG_CALL_ID: {
    status: 400,
    title: 'Ugyldig Nav-Call-Id',
    detail: 'Nav-Call-Id ligner en personident og er byttet ut med en ny (se callId).',
  },
  UGYLDIG_TIDSROM: {
    status: 400,
    title: 'Ugyldig tidsrom',
    detail: 'Tidsrommet må ha fra før til og være høyst 31 døgn.',
  },
  UKJENT_KATEGORI: {
    status: 404,
    title: 'Ukjent kategori',
    detail:
      'Kategorien finnes ikke. Gyldige: konto, adresse, okonomisk-sosialhjelp, kvalifiseringsprogram, midlertidig-bolig.',
  },
  FOR_STOR_FORESPORSEL: { status: 413, title: 'For stor forespørsel', detail: 'Forespørselens innhold er for stort.' },
  FEIL_MEDIETYPE: { status: 415, title: 'Feil medietype', detail: 'Innholdet må være application/json.' },
  FOR_STORE_HODER: { status: 431, title: 'For store hoder', detail: 'Forespørselens hoder er for store.' },
  TIDSAVBRUDD_FORESPORSEL: { status: 408, title: 'Tidsavbrudd', detail: 'Forespørselen kom ikke fram i tide.' },
  UAUTENTISERT: { status: 401, title: 'Ikke autentisert', detail: 'Gyldig brukertoken mangler.' },
  AVVIST_MANGLER_ROLLE: {
    status: 403,
    title: 'Ingen tilgang',
    detail: 'Du mangler rollen for oppslag i sentrale stønadsopplysninger.',
  },
  AVVIST_MANGLER_HENVENDELSE: {
    status: 403,
    title: 'Ingen tilgang',
    detail: 'Oppslag krever en henvendelse (tjenstlig behov).',
  },
  AVVIST_STRENGT_FORTROLIG_ADRESSE: {
    status: 403,
    title: 'Ingen tilgang',
    detail: 'Personen har strengt fortrolig adresse.',
  },
  AVVIST_STRENGT_FORTROLIG_UTLAND: {
    status: 403,
    title: 'Ingen tilgang',
    detail: 'Personen har strengt fortrolig adresse i utlandet.',
  },
  AVVIST_FORTROLIG_ADRESSE: { status: 403, title: 'Ingen tilgang', detail: 'Personen har fortrolig adresse.' },
  AVVIST_SKJERMING: { status: 403, title: 'Ingen tilgang', detail: 'Personen er skjermet.' },
  AVVIST_HABILITET: {
    status: 403,
    title: 'Ingen tilgang',
    detail: 'Du kan ikke slå opp deg selv, din familie eller tidligere partner.',
  },
  AVVIST_IKKE_REVISOR: { status: 403, title: 'Ingen tilgang', detail: 'Kun for revisjonsgruppen.' },
  PERSON_IKKE_FUNNET: { status: 404, title: 'Person ikke funnet', detail: 'Personen finnes ikke i folkeregisteret.' },
  OPPSLAG_UTLOPT: {
    status: 404,
    title: 'Oppslaget finnes ikke',
    detail: 'Oppslaget er avsluttet, utløpt eller finnes ikke. Start et nytt oppslag.',
  },
  IKKE_FUNNET: { status: 404, title: 'Ikke funnet', detail: 'Ressursen finnes ikke.' },
  METODE_IKKE_TILLATT: {
    status: 405,
    title: 'Metoden er ikke tillatt',
    detail: 'Metoden er ikke tillatt for ressursen.',
  },
  FOR_MANGE_FORESPORSLER: {
    status: 429,
    title: 'For mange forespørsler',
    detail: 'For mange forespørsler på kort tid. Vent litt og prøv igjen.',
  },
  OVERBELASTET: { status: 503, title: 'Overbelastet', detail: 'Tjenesten er overbelastet. Prøv igjen om litt.' },
  AVSLUTTER: { status: 503, title: 'Avslutter', detail: 'Denne instansen avslutter. Prøv igjen.' },
  REGISTER_UTILGJENGELIG: {
    status: 503,
    title: 'Register utilgjengelig',
    detail: 'Et register som trengs for tilgangsbeslutningen svarer ikke. Prøv igjen.',
  },
  KOMMUNELISTE_UTILGJENGELIG: {
    status: 503,
    title: 'Kommunelisten er utilgjengelig',
    detail: 'Fiks svarer ikke, og ingen kommuneliste er hentet ennå. Prøv igjen.',
  },
  KILDER_UTILGJENGELIG: { status: 503, title: 'Kilder utilgjengelige', detail: 'Ingen kilde kunne svare. Prøv igjen.' },
  AUDIT_UTILGJENGELIG: {
    status: 503,
    title: 'Revisjonslogg utilgjengelig',
    detail: 'Tilgangen kunne ikke logges, og data gis derfor ikke ut. Prøv igjen.',
  },
  OPPSLAG_LAGER_UTILGJENGELIG: {
    status: 503,
    title: 'Oppslagslager utilgjengelig',
    detail: 'Oppslaget kunne ikke slås opp i det delte lageret. Prøv igjen.',
  },
  INTERN_FEIL: { status: 500, title: 'Intern feil', detail: 'En uventet feil oppstod.' },
} as const satisfies Record<string, { status: number; title: string; detail: string }>

export type Feilkode = keyof typeof FEILKATALOG

export class Problem extends Error {
  readonly status: number
  /** `arsak`: what caused it, for our own log (never for the client). */
  constructor(
    readonly kode: Feilkode,
    arsak?: unknown,
  ) {
    super(FEILKATALOG[kode].title, arsak === undefined ? undefined : { cause: arsak })
    this.name = 'Problem'
    this.status = FEILKATALOG[kode].status
  }
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: Feilkode
  callId: string
}

export function problemBody(kode: Feilkode, callId: string): ProblemBody {
  const { status, title, detail } = FEILKATALOG[kode]
  return {
    type: `urn:stonadsoppslag:problem:${kode.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail,
    code: kode,
    callId,
  }
}
