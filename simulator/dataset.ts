// The simulator's dataset: one JSON document with every synthetic person, municipality, Digisos case
// and employee the simulated upstreams answer from. Validated in full at load — shape by zod, then
// the cross-references — so that a broken dataset stops the simulator with a message naming the
// field, instead of surfacing later as a confusing answer. The format is documented in DATASET.md.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { GeneriskV1, SocioV1 } from '../src/sources/fagsystem/protocol.js'
import standardJson from './dataset.json' with { type: 'json' }
import { erSyntetisk, gyldigeKontrollsifre } from './syntetisk.js'

export const DATASETT_VERSJON = 1

const Personident = z.string().regex(/^\d{11}$/, 'personident må ha 11 sifre')
const Kommunenummer = z.string().regex(/^\d{4}$/, 'kommunenummer må ha 4 sifre')
const Dato = z.iso.date()
const Tidspunkt = z.iso.datetime()
const Uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'UUID med små bokstaver')
const Tag = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'tag: små bokstaver, sifre og bindestrek')

export const DIALEKTER = ['generisk.v1', 'socio.v1'] as const
export type Dialekt = (typeof DIALEKTER)[number]

/** A fault to inject; see feil.ts for what each field does. */
export const FeilSkjema = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  status: z.number().int().min(100).max(599).optional(),
  timeout: z.boolean().optional(),
  malformed: z.boolean().optional(),
  reset: z.boolean().optional(),
  /** A hostile answer: 200 with a valid JSON array of empty objects of about this many KiB. */
  storKroppKiB: z.number().int().min(1).max(65_536).optional(),
})
export type Feil = z.infer<typeof FeilSkjema>

const KommuneInfo = z.strictObject({
  kanMottaSoknader: z.boolean(),
  kanOppdatereStatus: z.boolean(),
  harMidlertidigDeaktivertMottak: z.boolean(),
  harMidlertidigDeaktivertOppdateringer: z.boolean(),
  harNksTilgang: z.boolean(),
  behandlingsansvarlig: z.string().nullable(),
})

const Kommune = z.strictObject({
  kommunenummer: Kommunenummer,
  navn: z.string().min(1),
  /** null: not configured in Fiks (KommuneInfo answers 404). */
  kommuneInfo: KommuneInfo.nullable(),
  fiksOrgId: Uuid.nullable(),
  /** null: no fagsystem connected (fiks-io answers 404). */
  fagsystem: z.strictObject({ navn: z.string().min(1), dialekt: z.enum(DIALEKTER) }).nullable(),
  feil: FeilSkjema.optional(),
})

const Gradering = z.enum(['STRENGT_FORTROLIG_UTLAND', 'STRENGT_FORTROLIG', 'FORTROLIG', 'UGRADERT'])
const Sivilstandstype = z.enum([
  'UOPPGITT',
  'UGIFT',
  'GIFT',
  'ENKE_ELLER_ENKEMANN',
  'SKILT',
  'SEPARERT',
  'REGISTRERT_PARTNER',
  'SEPARERT_PARTNER',
  'SKILT_PARTNER',
  'GJENLEVENDE_PARTNER',
])

const GeografiskTilknytning = z
  .strictObject({
    gtType: z.enum(['KOMMUNE', 'BYDEL', 'UTLAND', 'UDEFINERT']),
    gtKommune: Kommunenummer.nullable(),
    gtBydel: z
      .string()
      .regex(/^\d{6}$/, 'bydel må ha 6 sifre')
      .nullable(),
    gtLand: z
      .string()
      .regex(/^[A-Z]{3}$/, 'land som ISO 3166-1 alpha-3')
      .nullable(),
  })
  .superRefine((gt, ctx) => {
    // PDL fills exactly the field that matches gtType.
    const forventet = { KOMMUNE: 'gtKommune', BYDEL: 'gtBydel', UTLAND: null, UDEFINERT: null }[gt.gtType]
    for (const felt of ['gtKommune', 'gtBydel'] as const) {
      if (felt === forventet && gt[felt] === null)
        ctx.addIssue({ code: 'custom', path: [felt], message: `må være satt når gtType er ${gt.gtType}` })
      if (felt !== forventet && gt[felt] !== null)
        ctx.addIssue({ code: 'custom', path: [felt], message: `skal være null når gtType er ${gt.gtType}` })
    }
    if (gt.gtType !== 'UTLAND' && gt.gtLand !== null)
      ctx.addIssue({ code: 'custom', path: ['gtLand'], message: 'skal være null uten gtType UTLAND' })
  })

const Person = z.strictObject({
  personident: Personident,
  tags: z.array(Tag).min(1),
  beskrivelse: z.string().min(1),
  /** PDL's adressebeskyttelse list; empty = ugradert. */
  adressebeskyttelse: z.array(Gradering),
  doedsdato: Dato.nullable(),
  /** The person's parents; the parents' BARN relations are derived from these. */
  foreldre: z.array(z.strictObject({ personident: Personident, rolle: z.enum(['MOR', 'FAR', 'MEDMOR', 'MEDFAR']) })),
  sivilstand: z.array(z.strictObject({ type: Sivilstandstype, relatertVedSivilstand: Personident.nullable() })),
  geografiskTilknytning: GeografiskTilknytning,
  skjermet: z.boolean(),
  /** Earlier idents of the person (PDL's hentIdenter, historisk: true), e.g. a D-nummer before the
   *  fnr. PDL finds the person by each; `skjermet` is what the pip answers for that ident alone. */
  historiskeIdenter: z
    .array(
      z.strictObject({
        personident: Personident,
        gruppe: z.enum(['FOLKEREGISTERIDENT', 'NPID']).default('FOLKEREGISTERIDENT'),
        skjermet: z.boolean().default(false),
        /** Fiks's case list refuses this ident (400): an old D-nummer Fiks will not search by. */
        fiksAvviser: z.boolean().default(false),
      }),
    )
    .default([]),
  /** Per kommunenummer: the payload that municipality's fagsystem answers, in its dialect. */
  fagsystem: z.record(Kommunenummer, z.unknown()),
})

const UkjentPerson = z.strictObject({
  personident: Personident,
  tags: z.array(Tag).min(1),
  beskrivelse: z.string().min(1),
})

const Hendelse = z.looseObject({ type: z.string().min(1), hendelsestidspunkt: Tidspunkt })
const DigisosSak = z.strictObject({
  fiksDigisosId: Uuid,
  tags: z.array(Tag).default([]),
  beskrivelse: z.string().min(1),
  sokerFnr: Personident,
  /** Fiks also returns the case for these idents: a simulated data error (the owner is sokerFnr). */
  ogsaReturnertFor: z.array(Personident).default([]),
  kommunenummer: Kommunenummer,
  enhetsnummer: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  navEksternRefId: z.string().min(1).nullable(),
  sistEndret: Tidspunkt,
  /** Fields that replace the wire DigisosSak's own: a simulated data error Fiks could send (e.g. a
   *  sistEndret no date can hold), which the dataset's own fields are too well-formed to express. */
  paLedningen: z.record(z.string(), z.unknown()).optional(),
  soknad: z
    .strictObject({
      dokumentlagerId: Uuid,
      timestampSendt: Tidspunkt,
      dokument: z.looseObject({
        data: z.looseObject({
          personalia: z.looseObject({ personIdentifikator: z.looseObject({ verdi: z.string() }) }),
        }),
      }),
    })
    .nullable(),
  digisosSoker: z
    .strictObject({
      dokumentlagerId: Uuid,
      timestampSistOppdatert: Tidspunkt,
      dokument: z.looseObject({ hendelser: z.array(Hendelse).min(1) }),
    })
    .nullable(),
})

const Ansatt = z.strictObject({
  navident: z.string().regex(/^[A-Z]\d{6}$/, 'NAVident: én bokstav og seks sifre'),
  /** null: NOM knows the NAVident but has no personident for it. */
  personident: Personident.nullable(),
  beskrivelse: z.string().min(1),
})

export const DatasettSkjema = z.strictObject({
  versjon: z.literal(DATASETT_VERSJON),
  /** The day the dataset's dates are written as of; all dates move with the clock (see forskyv). */
  referansedato: Dato,
  kommuner: z.array(Kommune),
  personer: z.array(Person),
  ukjentePersoner: z.array(UkjentPerson).default([]),
  digisosSaker: z.array(DigisosSak),
  ansatte: z.array(Ansatt),
  ukjenteNavidenter: z
    .array(z.strictObject({ navident: z.string().regex(/^[A-Z]\d{6}$/), beskrivelse: z.string() }))
    .default([]),
})

export type Datasett = z.output<typeof DatasettSkjema>
export type DatasettKommune = Datasett['kommuner'][number]
export type DatasettPerson = Datasett['personer'][number]
export type DatasettSak = Datasett['digisosSaker'][number]
export type DatasettAnsatt = Datasett['ansatte'][number]

export class DatasettFeil extends Error {
  constructor(readonly feil: string[]) {
    super(`Datasettet er ugyldig:\n${feil.map((f) => `  - ${f}`).join('\n')}`)
    this.name = 'DatasettFeil'
  }
}

function sti(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '')
}

function kryssjekk(d: Datasett): string[] {
  const feil: string[] = []
  const kjente = new Set(d.personer.flatMap((p) => [p.personident, ...p.historiskeIdenter.map((h) => h.personident)]))
  const kommuner = new Map(d.kommuner.map((k) => [k.kommunenummer, k]))

  const ident = (verdi: string, felt: string, maFinnes: boolean) => {
    if (!gyldigeKontrollsifre(verdi)) feil.push(`${felt}: personidenten har feil kontrollsifre`)
    else if (!erSyntetisk(verdi)) feil.push(`${felt}: personidenten er ikke syntetisk (måned + 80)`)
    if (maFinnes && !kjente.has(verdi)) feil.push(`${felt}: peker på en person som ikke finnes i personer`)
  }
  const unike = (verdier: { verdi: string; felt: string }[], hva: string) => {
    const sett = new Map<string, string>()
    for (const { verdi, felt } of verdier) {
      const forste = sett.get(verdi)
      if (forste !== undefined) feil.push(`${felt}: ${hva} er allerede brukt i ${forste}`)
      else sett.set(verdi, felt)
    }
  }

  unike(
    d.kommuner.map((k, i) => ({ verdi: k.kommunenummer, felt: `kommuner[${i}].kommunenummer` })),
    'kommunenummer',
  )
  unike(
    [
      ...[...d.personer, ...d.ukjentePersoner].map((p, i) => ({
        verdi: p.personident,
        felt:
          i < d.personer.length
            ? `personer[${i}].personident`
            : `ukjentePersoner[${i - d.personer.length}].personident`,
      })),
      ...d.personer.flatMap((p, i) =>
        p.historiskeIdenter.map((h, j) => ({
          verdi: h.personident,
          felt: `personer[${i}].historiskeIdenter[${j}].personident`,
        })),
      ),
    ],
    'personidenten',
  )
  unike(
    [
      ...d.personer.flatMap((p, i) => p.tags.map((t, j) => ({ verdi: t, felt: `personer[${i}].tags[${j}]` }))),
      ...d.ukjentePersoner.flatMap((p, i) =>
        p.tags.map((t, j) => ({ verdi: t, felt: `ukjentePersoner[${i}].tags[${j}]` })),
      ),
      ...d.digisosSaker.flatMap((s, i) => s.tags.map((t, j) => ({ verdi: t, felt: `digisosSaker[${i}].tags[${j}]` }))),
    ],
    'taggen',
  )
  unike(
    d.digisosSaker.map((s, i) => ({ verdi: s.fiksDigisosId, felt: `digisosSaker[${i}].fiksDigisosId` })),
    'fiksDigisosId',
  )
  unike(
    d.digisosSaker.flatMap((s, i) => [
      ...(s.soknad ? [{ verdi: s.soknad.dokumentlagerId, felt: `digisosSaker[${i}].soknad.dokumentlagerId` }] : []),
      ...(s.digisosSoker
        ? [{ verdi: s.digisosSoker.dokumentlagerId, felt: `digisosSaker[${i}].digisosSoker.dokumentlagerId` }]
        : []),
    ]),
    'dokumentlagerId',
  )
  unike(
    [...d.ansatte, ...d.ukjenteNavidenter].map((a, i) => ({
      verdi: a.navident,
      felt: i < d.ansatte.length ? `ansatte[${i}].navident` : `ukjenteNavidenter[${i - d.ansatte.length}].navident`,
    })),
    'NAVidenten',
  )

  d.personer.forEach((p, i) => {
    const f = `personer[${i}]`
    ident(p.personident, `${f}.personident`, false)
    p.historiskeIdenter.forEach((h, j) => {
      ident(h.personident, `${f}.historiskeIdenter[${j}].personident`, false)
    })
    p.foreldre.forEach((r, j) => {
      ident(r.personident, `${f}.foreldre[${j}].personident`, true)
      if (r.personident === p.personident)
        feil.push(`${f}.foreldre[${j}].personident: en person kan ikke være sin egen forelder`)
    })
    p.sivilstand.forEach((s, j) => {
      if (s.relatertVedSivilstand !== null)
        ident(s.relatertVedSivilstand, `${f}.sivilstand[${j}].relatertVedSivilstand`, true)
    })
    for (const [knr, data] of Object.entries(p.fagsystem)) {
      const kommune = kommuner.get(knr)
      const felt = `${f}.fagsystem.${knr}`
      if (!kommune) {
        feil.push(`${felt}: kommunen finnes ikke i kommuner`)
        continue
      }
      if (!kommune.fagsystem) {
        feil.push(`${felt}: kommunen har ikke noe fagsystem`)
        continue
      }
      const skjema = kommune.fagsystem.dialekt === 'generisk.v1' ? GeneriskV1 : SocioV1
      const tolket = skjema.safeParse(data)
      if (!tolket.success) {
        for (const issue of tolket.error.issues)
          feil.push(`${felt}.${sti(issue.path)}: ${issue.message} (${kommune.fagsystem.dialekt})`)
        continue
      }
      const gjelder = 'personident' in tolket.data ? tolket.data.personident : tolket.data.klient.fnr
      if (gjelder !== p.personident) feil.push(`${felt}: fagsystemdataene gjelder en annen person`)
    }
  })
  d.ukjentePersoner.forEach((p, i) => {
    ident(p.personident, `ukjentePersoner[${i}].personident`, false)
  })
  d.digisosSaker.forEach((s, i) => {
    const f = `digisosSaker[${i}]`
    ident(s.sokerFnr, `${f}.sokerFnr`, true)
    s.ogsaReturnertFor.forEach((r, j) => {
      ident(r, `${f}.ogsaReturnertFor[${j}]`, true)
    })
    if (!kommuner.has(s.kommunenummer)) feil.push(`${f}.kommunenummer: kommunen finnes ikke i kommuner`)
    if (s.soknad && s.soknad.dokument.data.personalia.personIdentifikator.verdi !== s.sokerFnr) {
      feil.push(`${f}.soknad.dokument.data.personalia.personIdentifikator.verdi: skal være sokerFnr`)
    }
  })
  d.ansatte.forEach((a, i) => {
    if (a.personident !== null) ident(a.personident, `ansatte[${i}].personident`, true)
  })
  return feil
}

// ── dates that do not age ────────────────────────────────────────────────────
const DATO = /^\d{4}-\d{2}-\d{2}$/
const TIDSPUNKT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const DOGN_MS = 86_400_000

function flytt(verdi: unknown, dager: number): unknown {
  if (typeof verdi === 'string') {
    if (DATO.test(verdi)) return new Date(Date.parse(`${verdi}T00:00:00Z`) + dager * DOGN_MS).toISOString().slice(0, 10)
    if (TIDSPUNKT.test(verdi)) return new Date(Date.parse(verdi) + dager * DOGN_MS).toISOString()
    return verdi
  }
  if (Array.isArray(verdi)) return verdi.map((v) => flytt(v, dager))
  if (verdi !== null && typeof verdi === 'object') {
    return Object.fromEntries(Object.entries(verdi).map(([k, v]) => [k, flytt(v, dager)]))
  }
  return verdi
}

export interface LastValg {
  /** "Today" for moving the dates; default the clock. */
  naa?: Date
  /** Move every date by (today − referansedato) in whole days. Default true. */
  forskyv?: boolean
}

/**
 * Validates a dataset and resolves its dates. Every string in it that is exactly an ISO date
 * (yyyy-mm-dd) or an ISO UTC timestamp is moved forward by the whole days between `referansedato`
 * and today, so "changed 20 months ago" stays 20 months ago however old the file is.
 * Throws DatasettFeil listing every problem found.
 */
export function lastDatasett(json: unknown, valg: LastValg = {}): Datasett {
  const tolket = DatasettSkjema.safeParse(json)
  if (!tolket.success) {
    throw new DatasettFeil(tolket.error.issues.map((i) => `${sti(i.path) || '(roten)'}: ${i.message}`))
  }
  const feil = kryssjekk(tolket.data)
  if (feil.length > 0) throw new DatasettFeil(feil)
  if (valg.forskyv === false) return tolket.data
  const naa = valg.naa ?? new Date()
  const idag = Date.UTC(naa.getUTCFullYear(), naa.getUTCMonth(), naa.getUTCDate())
  const dager = Math.round((idag - Date.parse(`${tolket.data.referansedato}T00:00:00Z`)) / DOGN_MS)
  const flyttet = flytt(tolket.data, dager) as Datasett
  return { ...flyttet, referansedato: new Date(idag).toISOString().slice(0, 10) }
}

/** The bundled dataset (simulator/dataset.json); imported, so a build carries it along. */
export function standardDatasett(valg: LastValg = {}): Datasett {
  return lastDatasett(standardJson, valg)
}

/** A dataset from a JSON file (SIMULATOR_DATASET). */
export function lastDatasettFil(fil: string | URL, valg: LastValg = {}): Datasett {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(fil, 'utf8'))
  } catch (e) {
    throw new DatasettFeil([`kunne ikke lese ${String(fil)}: ${(e as Error).message}`])
  }
  return lastDatasett(json, valg)
}

// ── look-ups for tests ───────────────────────────────────────────────────────
/** The person carrying `tag`; throws when there is none (a test asking for it is wrong). */
export function personMedTag(d: Datasett, tag: string): DatasettPerson {
  const p = d.personer.find((x) => x.tags.includes(tag))
  if (!p) throw new Error(`ingen person i datasettet har taggen ${tag}`)
  return p
}

/** A valid synthetic ident that PDL does not know, by tag. */
export function ukjentPersonMedTag(d: Datasett, tag: string): string {
  const p = d.ukjentePersoner.find((x) => x.tags.includes(tag))
  if (!p) throw new Error(`ingen ukjent person i datasettet har taggen ${tag}`)
  return p.personident
}

export function sakMedTag(d: Datasett, tag: string): DatasettSak {
  const s = d.digisosSaker.find((x) => x.tags.includes(tag))
  if (!s) throw new Error(`ingen sak i datasettet har taggen ${tag}`)
  return s
}
