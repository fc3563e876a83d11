// Account and address facts from a Digisos application (soknad.json, schema in
// reference/digisos-filformat/json/soknad/) and from folded payouts. Pure; no I/O.
//
// Parsing is lenient and per part: a broken address does not cost the person the account number,
// and a document that is not a soknad.json at all gives nothing. Nothing here throws on input.
import { z } from 'zod'
import { liste } from './liste.js'
import { somUtc } from './tidspunkt.js'
import type { Adresse, Konto, Opphav, Utbetaling } from './model.js'

// `utdatert` means the fact is no longer relevant and, per the format, may not be shown.
const Kilde = z.enum(['bruker', 'system', 'utdatert'])
const Tekst = z.string().optional()

const Kontonummer = z.object({
  kilde: Kilde,
  harIkkeKonto: z.boolean().optional(),
  verdi: z.string().optional(),
})

const Gateadresse = z.object({
  type: z.literal('gateadresse'),
  kilde: Kilde,
  landkode: Tekst,
  adresselinjer: liste(z.string(), 20).optional(),
  gatenavn: Tekst,
  husnummer: Tekst,
  husbokstav: Tekst,
  bolignummer: Tekst,
  postnummer: Tekst,
  poststed: Tekst,
})
const Matrikkeladresse = z.object({
  type: z.literal('matrikkeladresse'),
  kilde: Kilde,
  kommunenummer: Tekst,
  gaardsnummer: Tekst,
  bruksnummer: Tekst,
  festenummer: Tekst,
  seksjonsnummer: Tekst,
  undernummer: Tekst,
})
const Postboks = z.object({
  type: z.literal('postboks'),
  kilde: Kilde,
  postboks: Tekst,
  postnummer: Tekst,
  poststed: Tekst,
})
const Ustrukturert = z.object({
  type: z.literal('ustrukturert'),
  kilde: Kilde,
  adresse: liste(z.string(), 20).optional(),
})
const SoknadAdresse = z.discriminatedUnion('type', [Gateadresse, Matrikkeladresse, Postboks, Ustrukturert])
type SoknadAdresse = z.infer<typeof SoknadAdresse>

// Only the envelope is required here; each part is parsed on its own below.
const SoknadPersonalia = z.object({
  innsendingstidspunkt: z.unknown().optional(),
  data: z.object({
    personalia: z.object({
      personIdentifikator: z.unknown().optional(),
      kontonummer: z.unknown().optional(),
      folkeregistrertAdresse: z.unknown().optional(),
      oppholdsadresse: z.unknown().optional(),
      postadresse: z.unknown().optional(),
    }),
  }),
})

const ADRESSEFELT = [
  ['folkeregistrertAdresse', 'FOLKEREGISTRERT'],
  ['oppholdsadresse', 'OPPHOLD'],
  ['postadresse', 'POST'],
] as const

type Personalia = z.infer<typeof SoknadPersonalia>

function personalia(soknadJson: unknown): Personalia | null {
  const r = SoknadPersonalia.safeParse(soknadJson)
  return r.success ? r.data : null
}

const PersonIdentifikator = z.object({ verdi: z.string() })

/** One ident or all of the person's (a person is all their idents, DESIGN §4). */
type Identer = string | readonly string[]

function gjelder(p: Personalia | null, personidenter: Identer): p is Personalia {
  const id = PersonIdentifikator.safeParse(p?.data.personalia.personIdentifikator)
  if (!id.success || !/^\d{11}$/.test(id.data.verdi)) return false
  return typeof personidenter === 'string' ? id.data.verdi === personidenter : personidenter.includes(id.data.verdi)
}

/** Whether soknad.json names this person. Its account and addresses are used only then: a
 *  document that names someone else, or no one, is never attributed to the person. */
export function soknadGjelder(soknadJson: unknown, personident: Identer): boolean {
  return gjelder(personalia(soknadJson), personident)
}

/** The account and addresses of a soknad.json that names this person (parsed once); nothing
 *  from one that names someone else or no one. */
export function fraSoknad(
  soknadJson: unknown,
  personident: Identer,
  opphav: Opphav,
  sendt?: string | null,
): { kontoer: Konto[]; adresser: Adresse[] } {
  const p = personalia(soknadJson)
  if (!gjelder(p, personident)) return { kontoer: [], adresser: [] }
  return { kontoer: kontoer(p, opphav, sendt), adresser: adresser(p, opphav) }
}

/**
 * The account number the person gave in the application (kilde SOKNAD). `sendt` is the time
 * the application was sent (the folded Soknad's `sendt`); without it the document's own
 * innsendingstidspunkt is used.
 */
export function kontoerFraSoknad(soknadJson: unknown, opphav: Opphav, sendt?: string | null): Konto[] {
  const p = personalia(soknadJson)
  return p ? kontoer(p, opphav, sendt) : []
}

/** Folkeregistrert, opphold and post addresses as given in the application. */
export function adresserFraSoknad(soknadJson: unknown, opphav: Opphav): Adresse[] {
  const p = personalia(soknadJson)
  return p ? adresser(p, opphav) : []
}

function kontoer(p: Personalia, opphav: Opphav, sendt?: string | null): Konto[] {
  const konto = Kontonummer.safeParse(p.data.personalia.kontonummer)
  if (!konto.success || konto.data.kilde === 'utdatert' || konto.data.harIkkeKonto === true) return []
  // Tolerate the spacing people write account numbers with; anything else is not shown.
  const kontonummer = konto.data.verdi?.replace(/[\s.]/g, '')
  if (kontonummer === undefined || !/^\d{11}$/.test(kontonummer)) return []
  return [
    {
      kontonummer,
      kilde: 'SOKNAD',
      // soknad-api has written it without an offset (Oslo time) as well as in the format's UTC.
      sistBrukt: sendt ?? somUtc(p.innsendingstidspunkt, { utenOffset: 'oslo' }),
      opphav,
    },
  ]
}

function adresser(p: Personalia, opphav: Opphav): Adresse[] {
  const funnet: Adresse[] = []
  for (const [felt, type] of ADRESSEFELT) {
    const a = SoknadAdresse.safeParse(p.data.personalia[felt])
    if (!a.success || a.data.kilde === 'utdatert') continue
    const formatert = formaterAdresse(a.data)
    if (formatert.adresselinjer.length === 0 && formatert.postnummer === null) continue
    funnet.push({ type, ...formatert, opphav })
  }
  return funnet
}

function rens(s: string | undefined): string | null {
  const t = s?.trim().replace(/\s+/g, ' ')
  return t ? t : null
}

function linjer(...deler: (string | null | undefined)[]): string[] {
  return deler.map((d) => rens(d ?? undefined)).filter((d): d is string => d !== null)
}

/** An address as lines plus postnummer and poststed, the way a letter would carry it. */
function formaterAdresse(a: SoknadAdresse): Pick<Adresse, 'adresselinjer' | 'postnummer' | 'poststed'> {
  switch (a.type) {
    case 'gateadresse': {
      const husnummer = [rens(a.husnummer), rens(a.husbokstav)].filter(Boolean).join('')
      const gate = [rens(a.gatenavn), husnummer].filter(Boolean).join(' ')
      const bolig = rens(a.bolignummer)
      const land = rens(a.landkode)
      return {
        // adresselinjer are c/o-style lines that go before the street (per the format).
        adresselinjer: linjer(
          ...(a.adresselinjer ?? []),
          gate && bolig ? `${gate}, ${bolig}` : gate || bolig,
          land && land.toUpperCase() !== 'NOR' ? land : null,
        ),
        postnummer: rens(a.postnummer),
        poststed: rens(a.poststed),
      }
    }
    case 'matrikkeladresse': {
      const deler = [
        ['Gnr.', a.gaardsnummer],
        ['bnr.', a.bruksnummer],
        ['fnr.', a.festenummer],
        ['snr.', a.seksjonsnummer],
        ['unr.', a.undernummer],
      ] as const
      const matrikkel = deler
        .map(([etikett, verdi]) => (rens(verdi) ? `${etikett} ${rens(verdi)}` : null))
        .filter(Boolean)
        .join(', ')
      const kommune = rens(a.kommunenummer)
      return {
        adresselinjer: linjer(matrikkel, kommune ? `Kommunenr. ${kommune}` : null),
        postnummer: null,
        poststed: null,
      }
    }
    case 'postboks': {
      const boks = rens(a.postboks)
      return {
        adresselinjer: linjer(boks && /^\d/.test(boks) ? `Postboks ${boks}` : boks),
        postnummer: rens(a.postnummer),
        poststed: rens(a.poststed),
      }
    }
    case 'ustrukturert':
      return { adresselinjer: linjer(...(a.adresse ?? [])), postnummer: null, poststed: null }
  }
}

/**
 * Accounts the municipality paid the person's own money into (kilde UTBETALING): payouts to
 * someone else never count, and each account appears once with the latest date it was used.
 * Newest first.
 */
export function kontoerFraUtbetalinger(utbetalinger: readonly Utbetaling[], opphav: Opphav): Konto[] {
  const perKonto = new Map<string, string | null>()
  for (const u of utbetalinger) {
    if (u.tilAnnenMottaker || u.kontonummer === null || !/^\d{11}$/.test(u.kontonummer)) continue
    const dato = u.utbetalingsdato ?? u.forfallsdato
    const forrige = perKonto.get(u.kontonummer)
    // yyyy-mm-dd strings order as dates; a known date beats none.
    if (forrige === undefined || (dato !== null && (forrige === null || dato > forrige))) {
      perKonto.set(u.kontonummer, dato)
    }
  }
  return [...perKonto.entries()]
    .sort(([, a], [, b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? 1 : -1))
    .map(([kontonummer, sistBrukt]) => ({ kontonummer, kilde: 'UTBETALING' as const, sistBrukt, opphav }))
}
