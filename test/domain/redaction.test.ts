// The redaction step over every field of the canonical model. The fields are derived from the zod
// schemas (Stonadsopplysninger), so a field added to the model later fails here until it is
// classified; fast-check then generates the whole model with a marker in every free string and
// checks that each class is treated as DESIGN §4 says, for every grading.
import fc from 'fast-check'
import t from 'tap'
import { z } from 'zod'
import { Stonadsopplysninger } from '../../src/domain/model.js'
import { FELTKLASSER, skjermForGradering, type Feltklasse } from '../../src/domain/redaction.js'
import type { Gradering } from '../../src/domain/person.js'

// ── the schemas walked ─────────────────────────────────────────────────────────
type Def = {
  type: string
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  innerType?: z.ZodType
  options?: z.ZodType[]
  entries?: Record<string, string>
  format?: string
  checks?: { _zod: { def: { format?: string; pattern?: RegExp } } }[]
}
const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def
const klasser: Record<string, Feltklasse> = FELTKLASSER

/** nullable/optional peeled off. */
function kjerne(s: z.ZodType): z.ZodType {
  const d = def(s)
  return d.type === 'nullable' || d.type === 'optional' ? kjerne(d.innerType!) : s
}

/** Every field path of the schema: a leaf, or an object or array element classified as a whole. */
export function feltstier(s: z.ZodType, sti = '', klassifisert: Record<string, string> = klasser): string[] {
  if (sti !== '' && klassifisert[sti] !== undefined) return [sti]
  const d = def(kjerne(s))
  if (d.type === 'object') {
    return Object.entries(d.shape!).flatMap(([k, v]) => feltstier(v, sti ? `${sti}.${k}` : k, klassifisert))
  }
  if (d.type === 'array') return feltstier(d.element!, `${sti}[]`, klassifisert)
  return [sti]
}

// ── arbitrary data of the whole model ─────────────────────────────────────────
const UUIDER = ['5a0c4a56-8a49-4c51-9d4c-0a4e8c7e0b11', '0f9d2b1e-3c4d-4e5f-8a9b-1c2d3e4f5a6b']
// Identifiers from a small pool, so that links (a payout's saksreferanse = its sak's referanse)
// and repeats occur; each non-UUID one carries the marker.
const id = fc.constantFrom('§id§1', '§id§2', '§id§TRD-2024-17', ...UUIDER)
const tidspunkt = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString())

function arbitrar(s: z.ZodType, sti: string): fc.Arbitrary<unknown> {
  const d = def(s)
  switch (d.type) {
    case 'nullable':
      return fc.option(arbitrar(d.innerType!, sti), { nil: null, freq: 4 })
    case 'optional':
      return arbitrar(d.innerType!, sti)
    case 'object': {
      const felt = Object.entries(d.shape!)
      const pakrevd = felt.filter(([, v]) => def(v).type !== 'optional').map(([k]) => k)
      return fc.record(Object.fromEntries(felt.map(([k, v]) => [k, arbitrar(v, sti ? `${sti}.${k}` : k)])), {
        requiredKeys: pakrevd,
      })
    }
    case 'array':
      return fc.array(arbitrar(d.element!, `${sti}[]`), { maxLength: 3 })
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries!))
    case 'boolean':
      return fc.boolean()
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true })
    case 'union':
      return fc.oneof(...d.options!.map((o) => arbitrar(o, sti)))
    case 'string': {
      if (d.format === 'datetime') return tidspunkt
      const monster = d.checks?.find((c) => c._zod.def.format === 'regex')?._zod.def.pattern
      if (monster) return fc.stringMatching(monster)
      if (klasser[sti] === 'ID') return id
      // Free text: the marker names the field, then anything, a place name among it.
      return fc.oneof(fc.string(), fc.constantFrom('Tøyen', 'OSLO', '0557')).map((x) => `§${sti}§${x}`)
    }
    default:
      throw new Error(`${sti}: ingen generator for ${d.type}`)
  }
}

const modell = arbitrar(Stonadsopplysninger, '') as fc.Arbitrary<Stonadsopplysninger>

// ── comparing input and output field by field ─────────────────────────────────
interface Brudd {
  sti: string
  hva: string
}

/**
 * Walks input and output together and reports each field not treated as its class says, with
 * `sted`/`adresse` telling which classes are withheld. `ider` records what each identifier became.
 */
function sjekk(
  s: z.ZodType,
  sti: string,
  inn: unknown,
  ut: unknown,
  sted: boolean,
  adresse: boolean,
  ider: Map<string, string>,
  brudd: Brudd[],
): void {
  const klasse = klasser[sti]
  if (klasse === 'ADRESSE') {
    if (adresse ? ut !== null : JSON.stringify(ut) !== JSON.stringify(inn))
      brudd.push({ sti, hva: 'address not as the rule says' })
    return
  }
  const d = def(s)
  if (d.type === 'nullable' || d.type === 'optional') {
    if (inn === null || inn === undefined) {
      if (ut !== inn && !(klasse === 'STED' && ut === null))
        brudd.push({ sti, hva: 'an absent value became something' })
      return
    }
    return sjekk(d.innerType!, sti, inn, ut, sted, adresse, ider, brudd)
  }
  if (d.type === 'object') {
    if (typeof ut !== 'object' || ut === null || Array.isArray(ut))
      return void brudd.push({ sti, hva: 'object missing' })
    const i = inn as Record<string, unknown>
    const u = ut as Record<string, unknown>
    for (const k of Object.keys(u))
      if (!(k in d.shape!)) brudd.push({ sti: `${sti}.${k}`, hva: 'a field not in the model' })
    for (const [k, v] of Object.entries(d.shape!))
      sjekk(v, sti ? `${sti}.${k}` : k, i[k], u[k], sted, adresse, ider, brudd)
    return
  }
  if (d.type === 'array') {
    const i = inn as unknown[]
    const u = ut as unknown[]
    if (klasser[`${sti}[]`] === 'ADRESSE') {
      if (adresse ? u.length !== 0 : JSON.stringify(u) !== JSON.stringify(i))
        brudd.push({ sti, hva: 'addresses not as the rule says' })
      return
    }
    if (!Array.isArray(u) || u.length !== i.length) return void brudd.push({ sti, hva: 'items added or lost' })
    i.forEach((x, n) => sjekk(d.element!, `${sti}[]`, x, u[n], sted, adresse, ider, brudd))
    return
  }
  // A leaf.
  if (klasse === undefined) return void brudd.push({ sti, hva: 'not classified' })
  if (klasse === 'SAK' || !sted) {
    if (ut !== inn) brudd.push({ sti, hva: `changed: ${JSON.stringify(inn)} → ${JSON.stringify(ut)}` })
  } else if (klasse === 'STED') {
    if (ut !== null) brudd.push({ sti, hva: 'place not withheld' })
  } else if (klasse === 'ID') {
    const fra = inn as string
    const til = ut as string
    if (UUIDER.includes(fra) ? til !== fra : !/^ref-\d+$/.test(til))
      brudd.push({ sti, hva: `identifier ${fra} → ${til}` })
    const tidligere = ider.get(fra)
    if (tidligere !== undefined && tidligere !== til) brudd.push({ sti, hva: 'one identifier, two stand-ins' })
    ider.set(fra, til)
  }
}

/** What kilder must become when the place is withheld, written out here independently of the
 *  code: one per system the person has data from, OK only if every municipality's was OK (a
 *  status per municipality, MIDLERTIDIG_DEAKTIVERT above all, says which municipality it is). */
const perSystem = (kilder: Stonadsopplysninger['kilder']): Stonadsopplysninger['kilder'] =>
  (['DIGISOS', 'FAGSYSTEM'] as const)
    .map((system) => kilder.filter((k) => k.system === system))
    .filter((ks) => ks.length > 0)
    .map((ks) => ({
      kommunenummer: null,
      system: ks[0]!.system,
      status: ks.every((k) => k.status === 'OK') ? 'OK' : 'UTILGJENGELIG',
      behandlingsansvarlig: null,
    }))

function kontroller(inn: Stonadsopplysninger, gradering: Gradering, sted: boolean, adresse: boolean): Brudd[] {
  const forventetInn = sted ? { ...inn, kilder: perSystem(inn.kilder) } : inn
  const { data: ut, tilbakeholdt } = skjermForGradering(structuredClone(inn), gradering)
  const brudd: Brudd[] = []
  const ider = new Map<string, string>()
  sjekk(Stonadsopplysninger, '', forventetInn, ut, sted, adresse, ider, brudd)
  if (new Set(ider.values()).size !== ider.size) brudd.push({ sti: '(ider)', hva: 'two identifiers, one stand-in' })
  if (tilbakeholdt.sted !== sted || tilbakeholdt.adresser !== adresse)
    brudd.push({ sti: 'tilbakeholdt', hva: JSON.stringify(tilbakeholdt) })
  const gyldig = Stonadsopplysninger.safeParse(ut)
  if (!gyldig.success) brudd.push({ sti: '(skjema)', hva: `the output breaks the model: ${gyldig.error.message}` })
  if (sted) {
    // Independent of the walk: no withheld marker, and no municipality number, anywhere in the text.
    const tekst = JSON.stringify(ut)
    for (const m of tekst.matchAll(/§([^§]*)§/g)) {
      const felt = m[1] === 'id' ? 'ID' : klasser[m[1] as string]
      if (felt !== 'SAK') brudd.push({ sti: m[1] as string, hva: 'a withheld value in the text' })
    }
    const kommuner = [
      ...inn.kilder.map((k) => k.kommunenummer),
      ...inn.konto.kontoer.map((k) => k.opphav.kommunenummer),
      ...inn['okonomisk-sosialhjelp'].soknader.map((s) => s.kommunenummer),
      ...inn.kvalifiseringsprogram.programmer.map((p) => p.kommunenummer),
      ...inn['midlertidig-bolig'].opphold.map((o) => o.kommunenummer),
    ]
    for (const k of kommuner)
      if (k !== null && tekst.includes(`"${k}"`)) brudd.push({ sti: '(tekst)', hva: `kommunenummer ${k}` })
  }
  return brudd
}

// ── the tests ──────────────────────────────────────────────────────────────────
t.test('every field of the model is classified, and nothing classified is gone from it', async (t) => {
  const felt = feltstier(Stonadsopplysninger)
  t.ok(felt.length > 40, `${felt.length} fields`)
  t.same(
    felt.filter((f) => klasser[f] === undefined),
    [],
    'each field is a case fact, place-bearing, an address or an identifier',
  )
  t.same(
    Object.keys(klasser).filter((k) => !felt.includes(k)),
    [],
    'no class for a field the model no longer has',
  )
})

t.test('the check fails closed: a field added to the model and not classified is caught', async (t) => {
  const { Soknad, OkonomiskSosialhjelpData, KategoriData, Kilde } = await import('../../src/domain/model.js')
  const medNytt = z.object({
    kilder: z.array(Kilde),
    ...KategoriData,
    'okonomisk-sosialhjelp': OkonomiskSosialhjelpData.extend({
      soknader: z.array(Soknad.extend({ kontorNavn: z.string() })),
    }),
  })
  t.same(
    feltstier(medNytt).filter((f) => klasser[f] === undefined),
    ['okonomisk-sosialhjelp.soknader[].kontorNavn'],
  )
  const inn = fc
    .sample(arbitrar(medNytt, ''), { numRuns: 40, seed: 7 })
    .find((x) => (x as Stonadsopplysninger)['okonomisk-sosialhjelp'].soknader.length > 0) as Stonadsopplysninger
  const brudd: Brudd[] = []
  const { data: ut } = skjermForGradering(structuredClone(inn), 'STRENGT_FORTROLIG')
  sjekk(medNytt, '', { ...inn, kilder: perSystem(inn.kilder) }, ut, true, true, new Map(), brudd)
  t.ok(
    brudd.some((b) => b.sti === 'okonomisk-sosialhjelp.soknader[].kontorNavn'),
    'and the walk reports it',
    { brudd },
  )
})

t.test('strengt fortrolig (and any grading not known): nothing that places the person survives', async (t) => {
  const gradering = fc.oneof(
    fc.constantFrom<Gradering>('STRENGT_FORTROLIG', 'STRENGT_FORTROLIG_UTLAND'),
    // Fail closed: a grading this code does not know is treated as the strictest.
    fc.string().filter((g) => g !== 'UGRADERT' && g !== 'FORTROLIG') as fc.Arbitrary<Gradering>,
  )
  fc.assert(
    fc.property(modell, gradering, (inn, g) => {
      if (!Stonadsopplysninger.safeParse(inn).success) throw new Error('the generator made data the model refuses')
      const brudd = kontroller(inn, g, true, true)
      if (brudd.length > 0) throw new Error(JSON.stringify(brudd.slice(0, 5)))
    }),
    { numRuns: 300, seed: 20260601 },
  )
  t.pass('300 runs')
})

t.test('FORTROLIG: only addresses are withheld; UGRADERT: nothing changes', async (t) => {
  fc.assert(
    fc.property(modell, (inn) => {
      const fortrolig = kontroller(inn, 'FORTROLIG', false, true)
      const ugradert = kontroller(inn, 'UGRADERT', false, false)
      if (fortrolig.length + ugradert.length > 0)
        throw new Error(JSON.stringify([...fortrolig, ...ugradert].slice(0, 5)))
    }),
    { numRuns: 300, seed: 20260602 },
  )
  t.pass('300 runs')
  const inn = fc.sample(modell, { numRuns: 1, seed: 3 })[0]!
  t.equal(skjermForGradering(inn, 'UGRADERT').data, inn, 'ungraded data are passed on as they are')
})

t.test('identifiers: UUIDs kept, others replaced consistently, so links between items hold', async (t) => {
  const soknad = (fiksDigisosId: string) => ({
    fiksDigisosId,
    kommunenummer: '5001',
    navEnhet: '5701',
    sendt: null,
    status: 'UNDER_BEHANDLING' as const,
    sistEndret: '2026-05-01T10:00:00.000Z',
    saker: [{ referanse: 'TRD-2024-17', tittel: 'Husleie Lademoen', status: null, vedtak: [] }],
    utbetalinger: [
      {
        referanse: 'utb-1',
        saksreferanse: 'TRD-2024-17',
        belop: 900,
        beskrivelse: 'Husleie Lademoen',
        status: null,
        forfallsdato: null,
        utbetalingsdato: null,
        fom: null,
        tom: null,
        tilAnnenMottaker: false,
        kontonummer: null,
      },
    ],
    kommunenavn: 'Trondheim kommune',
    navEnhetNavn: 'NAV Lerkendal',
    papirsoknad: false,
    vilkar: [
      {
        referanse: 'vilkar-TRD-1',
        saksreferanse: 'TRD-2024-17',
        tittel: 'Møte på Lademoen',
        status: 'RELEVANT' as const,
        utbetalingsreferanser: ['utb-1'],
        sistEndret: '2026-05-01T10:00:00.000Z',
      },
    ],
    dokumentasjonkrav: [],
    dokumentasjonEtterspurt: false,
    etterspurtDokumentasjon: [],
    forelopigSvar: false,
    forelopigSvarDato: null,
  })
  const inn: Stonadsopplysninger = {
    kilder: [
      { kommunenummer: '5001', system: 'DIGISOS', status: 'OK', behandlingsansvarlig: 'Trondheim kommune' },
      { kommunenummer: '5001', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Trondheim kommune' },
    ],
    konto: {
      kontoer: [
        {
          kontonummer: '97100011119',
          kilde: 'SOKNAD',
          sistBrukt: null,
          opphav: { kommunenummer: '5001', system: 'DIGISOS', fiksDigisosId: 'soknad-trd' },
        },
      ],
    },
    adresse: { adresser: [] },
    'okonomisk-sosialhjelp': { soknader: [soknad('soknad-trd'), soknad(UUIDER[0]!)] },
    kvalifiseringsprogram: { programmer: [] },
    'midlertidig-bolig': { opphold: [] },
  }
  const ut = skjermForGradering(inn, 'STRENGT_FORTROLIG').data
  const [a, b] = ut['okonomisk-sosialhjelp'].soknader
  t.equal(b?.fiksDigisosId, UUIDER[0], 'a UUID is kept')
  t.match(a?.fiksDigisosId, /^ref-\d+$/)
  t.equal(ut.konto.kontoer[0]?.opphav.fiksDigisosId, a?.fiksDigisosId, 'the account still points at its søknad')
  t.equal(a?.utbetalinger[0]?.saksreferanse, a?.saker[0]?.referanse, 'the payout still points at its sak')
  t.equal(a?.vilkar[0]?.saksreferanse, a?.saker[0]?.referanse, 'the vilkår still points at its sak')
  t.same(a?.vilkar[0]?.utbetalingsreferanser, [a?.utbetalinger[0]?.referanse], '… and at its payout')
  t.notMatch(JSON.stringify(ut), /TRD|Lademoen|Lerkendal|Trondheim|5001|5701/)
  t.same(
    ut.kilder,
    [
      { kommunenummer: null, system: 'DIGISOS', status: 'OK', behandlingsansvarlig: null },
      { kommunenummer: null, system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: null },
    ],
    'kilder keep their source and status; behandlingsansvarlig (KS KommuneInfo) names a municipality and is withheld',
  )
  t.equal(ut.konto.kontoer[0]?.kontonummer, '97100011119', 'the account number is a case fact')
})
