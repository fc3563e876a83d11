// The bundled dataset loads, covers every rule and state DESIGN §4–5 names, and a broken dataset
// is refused with a message that names the field.
import { readFileSync } from 'node:fs'
import t from 'tap'
import raa from '../../simulator/dataset.json' with { type: 'json' }
import {
  DatasettFeil,
  lastDatasett,
  personMedTag,
  sakMedTag,
  standardDatasett,
  ukjentPersonMedTag,
  type Datasett,
} from '../../simulator/dataset.js'
import {
  erSyntetisk,
  gyldigKontonummer,
  gyldigeKontrollsifre,
  nesteSyntetiskeIdent,
  syntetiskIdent,
} from '../../simulator/syntetisk.js'
import { NAA } from './fixtures/hjelp.js'

const d = standardDatasett({ naa: NAA })
const kommune = (knr: string) => d.kommuner.find((k) => k.kommunenummer === knr)!
const sakerFor = (ident: string) =>
  d.digisosSaker.filter((s) => s.sokerFnr === ident || s.ogsaReturnertFor.includes(ident))
const maneder = (iso: string) => (NAA.getTime() - Date.parse(iso)) / (30.44 * 86_400_000)

t.test('syntetisk: Tenor idents with both control digits', async (t) => {
  const ident = nesteSyntetiskeIdent('1990-03-14', 100)
  t.match(ident, /^1483\d{7}$/, 'month + 80')
  t.ok(gyldigeKontrollsifre(ident))
  t.ok(erSyntetisk(ident))
  // Some individnumre give remainder 10 for the first digit: those idents do not exist.
  const ugyldige = Array.from({ length: 200 }, (_, i) => syntetiskIdent('1990-03-14', i)).filter((x) => x === null)
  t.ok(ugyldige.length > 0, 'remainder 10 is refused')
  const feil = `${ident.slice(0, 10)}${(Number(ident[10]) + 1) % 10}`
  t.notOk(gyldigeKontrollsifre(feil))
  t.notOk(erSyntetisk('01509000000'), 'month 50 is neither real nor synthetic')
})

t.test('the bundled dataset loads and every ident is synthetic and valid', async (t) => {
  t.ok(d.personer.length >= 25)
  const alle = [
    ...d.personer.map((p) => p.personident),
    ...d.ukjentePersoner.map((p) => p.personident),
    ...d.ansatte.flatMap((a) => (a.personident ? [a.personident] : [])),
    ...d.personer.flatMap((p) => p.historiskeIdenter.map((h) => h.personident)),
  ]
  for (const i of alle) t.ok(gyldigeKontrollsifre(i) && erSyntetisk(i), `ident ${i}`)
  for (const p of d.personer) {
    const konto = (p.fagsystem['0301'] as { kontonummer?: string } | undefined)?.kontonummer
    if (konto) t.ok(gyldigKontonummer(konto), 'account numbers are mod-11 valid')
  }
})

t.test('the dataset covers every case the service must handle', async (t) => {
  const p1 = personMedTag(d, 'ugradert-to-kommuner')
  t.same(p1.adressebeskyttelse, [])
  const nks = new Set(
    sakerFor(p1.personident)
      .filter((s) => kommune(s.kommunenummer).kommuneInfo?.harNksTilgang)
      .map((s) => s.kommunenummer),
  )
  t.ok(nks.size >= 2, 'cases in two municipalities with harNksTilgang')

  const utenNks = personMedTag(d, 'sak-i-kommune-uten-nks-tilgang')
  t.ok(sakerFor(utenNks.personident).some((s) => kommune(s.kommunenummer).kommuneInfo?.harNksTilgang === false))

  const ukonf = personMedTag(d, 'sak-i-ukonfigurert-kommune')
  t.ok(sakerFor(ukonf.personident).some((s) => kommune(s.kommunenummer).kommuneInfo === null))

  const deakt = personMedTag(d, 'sak-i-midlertidig-deaktivert-kommune')
  t.ok(
    sakerFor(deakt.personident).some((s) => {
      const info = kommune(s.kommunenummer).kommuneInfo
      return info?.harMidlertidigDeaktivertOppdateringer || info?.harMidlertidigDeaktivertMottak
    }),
  )

  const k6 = personMedTag(d, 'kode6')
  t.same(k6.adressebeskyttelse, ['STRENGT_FORTROLIG'])
  const k6sak = sakerFor(k6.personident)[0]!
  t.ok(
    (k6sak.soknad?.dokument.data.personalia as Record<string, unknown> | undefined)?.['folkeregistrertAdresse'],
    'an address in the application',
  )

  t.same(personMedTag(d, 'kode6-utland').adressebeskyttelse, ['STRENGT_FORTROLIG_UTLAND'])
  t.ok(sakerFor(personMedTag(d, 'kode6-utland').personident).length > 0)

  const k7 = personMedTag(d, 'kode7-midlertidig-bolig')
  t.same(k7.adressebeskyttelse, ['FORTROLIG'])
  const k7bolig = (k7.fagsystem['0301'] as { midlertidigBolig: { adresse: unknown }[] }).midlertidigBolig
  t.ok(k7bolig[0]?.adresse, 'a midlertidig-bolig address in the fagsystem')

  // Kode 6 with something to withhold everywhere: two municipalities, NAV offices, KVP and a stay.
  const k6saker = sakerFor(k6.personident)
  t.ok(new Set(k6saker.map((s) => s.kommunenummer)).size >= 2, 'kode 6: cases in two municipalities')
  t.ok(
    k6saker.every((s) => s.enhetsnummer !== null),
    'kode 6: a NAV office on each case',
  )
  const k6fag = k6.fagsystem['0301'] as { kvalifiseringsprogram: unknown[]; midlertidigBolig: { botype: string }[] }
  t.ok(k6fag.kvalifiseringsprogram.length > 0 && k6fag.midlertidigBolig.length > 0, 'kode 6: KVP and midlertidig bolig')

  // Old items inside recent data, from both sources (SAK_MAKS_ALDER_MANEDER).
  const gamle = personMedTag(d, 'gamle-elementer')
  const gammelUtbetaling = sakMedTag(d, 'sak-med-gammel-utbetaling')
  t.ok(maneder(gammelUtbetaling.sistEndret) < 15, 'a recent case')
  t.ok(
    gammelUtbetaling.digisosSoker!.dokument.hendelser.some(
      (h) => h.type === 'utbetaling' && maneder(h.hendelsestidspunkt) > 18,
    ),
    'with a payout older than 15 months',
  )
  const gamleFag = gamle.fagsystem['0301'] as {
    kvalifiseringsprogram: { sistEndret: string }[]
    midlertidigBolig: { sistEndret: string }[]
  }
  t.ok(
    gamleFag.kvalifiseringsprogram.some((k) => maneder(k.sistEndret) > 15) &&
      gamleFag.midlertidigBolig.some((b) => maneder(b.sistEndret) > 15),
  )

  // A case malformed on the wire beside readable ones.
  t.ok(sakMedTag(d, 'sak-ugyldig-sistendret').paLedningen, 'a case with wire fields of its own')
  t.equal(sakerFor(personMedTag(d, 'ugyldig-sak').personident).length, 3)

  t.equal(personMedTag(d, 'skjermet').skjermet, true)

  // The employee and the relatives the habilitet rule must catch.
  const ansatt = d.ansatte.find((a) => a.navident === 'Z990001')!
  const meg = personMedTag(d, 'ansatt')
  t.equal(ansatt.personident, meg.personident)
  const forelder = personMedTag(d, 'ansatt-forelder')
  t.ok(
    meg.foreldre.some((f) => f.personident === forelder.personident),
    'parent',
  )
  t.ok(
    personMedTag(d, 'ansatt-barn').foreldre.some((f) => f.personident === meg.personident),
    'child',
  )
  const sosken = personMedTag(d, 'ansatt-sosken')
  t.ok(
    sosken.foreldre.some((f) => meg.foreldre.some((g) => g.personident === f.personident)),
    'sibling shares a parent',
  )
  const gift = personMedTag(d, 'ansatt-ektefelle')
  t.equal(meg.sivilstand.at(-1)?.type, 'GIFT')
  t.equal(meg.sivilstand.at(-1)?.relatertVedSivilstand, gift.personident, 'current partner')
  const skilt = personMedTag(d, 'ansatt-tidligere-ektefelle')
  t.ok(
    meg.sivilstand.some((s) => s.type === 'SKILT' && s.relatertVedSivilstand === skilt.personident),
    'former partner',
  )
  const medforelder = personMedTag(d, 'ansatt-medforelder')
  const fellesBarn = personMedTag(d, 'ansatt-felles-barn-med-medforelder')
  t.same(
    new Set(fellesBarn.foreldre.map((f) => f.personident)),
    new Set([meg.personident, medforelder.personident]),
    'co-parent',
  )
  t.notOk(
    meg.sivilstand.some((s) => s.relatertVedSivilstand === medforelder.personident),
    'never married',
  )
  t.notOk(
    d.ansatte.some((a) => a.navident === 'Z990099'),
    'a NAVident without NOM entry',
  )
  t.ok(d.ukjenteNavidenter.some((a) => a.navident === 'Z990099'))

  t.equal(sakerFor(personMedTag(d, 'uten-saker').personident).length, 0)
  t.same(personMedTag(d, 'uten-saker').fagsystem, {})

  const kvp = personMedTag(d, 'kvp-generisk')
  t.equal(kommune('0301').fagsystem?.dialekt, 'generisk.v1')
  const program = (kvp.fagsystem['0301'] as { kvalifiseringsprogram: { stonad: { utbetalinger: unknown[] } | null }[] })
    .kvalifiseringsprogram
  t.ok(
    program.some((p) => (p.stonad?.utbetalinger.length ?? 0) > 0),
    'kvalifiseringsstønad payouts',
  )

  const mb = personMedTag(d, 'midlertidig-bolig-socio')
  t.equal(kommune('4601').fagsystem?.dialekt, 'socio.v1')
  const socio = mb.fagsystem['4601'] as { tiltak: { type: string }[]; botilbud: { kategori: string }[] }
  t.ok(socio.botilbud.some((b) => b.kategori === 'MIDLERTIDIG_BOLIG'))
  t.ok(
    socio.botilbud.some((b) => b.kategori !== 'MIDLERTIDIG_BOLIG'),
    'a botilbud that must not be shown',
  )
  t.ok(
    socio.tiltak.some((x) => x.type !== 'KVP'),
    'a tiltak that must not be shown',
  )

  const am = sakMedTag(d, 'sak-med-annen-mottaker')
  const utbetalinger = am.digisosSoker!.dokument.hendelser.filter((h) => h.type === 'utbetaling') as {
    annenMottaker?: boolean
    kontonummer?: string
  }[]
  const egen = utbetalinger.find((u) => !u.annenMottaker)!
  const annen = utbetalinger.find((u) => u.annenMottaker)!
  t.ok(annen.kontonummer && annen.kontonummer !== egen.kontonummer, "another recipient's account")

  const feilSoker = sakMedTag(d, 'sak-feil-soker')
  const sp = personMedTag(d, 'sak-med-annen-soker')
  t.not(feilSoker.sokerFnr, sp.personident)
  t.ok(sakerFor(sp.personident).includes(feilSoker), 'Fiks returns it for the wrong person')

  t.ok(maneder(sakMedTag(d, 'sak-gammel-20-maneder').sistEndret) > 18, 'a case not changed for more than 15 months')
  t.ok(maneder(sakMedTag(d, 'sak-oslo-innvilget').sistEndret) < 15)

  const fr = sakMedTag(d, 'sak-med-feilregistrert').digisosSoker!.dokument.hendelser
  t.ok(fr.some((h) => h.type === 'saksStatus' && h['status'] === 'FEILREGISTRERT'))
  t.ok(fr.some((h) => h.type === 'utbetaling' && h['status'] === 'ANNULLERT'))

  t.ok(sakMedTag(d, 'sak-ukjent-hendelse').digisosSoker!.dokument.hendelser.some((h) => h.type === 'nyHendelsestype'))

  const ukjent = ukjentPersonMedTag(d, 'ukjent-i-pdl')
  t.ok(gyldigeKontrollsifre(ukjent))
  t.notOk(d.personer.some((p) => p.personident === ukjent))

  t.ok(kommune('1508').feil?.status, 'a municipality with a dataset fault')
  t.equal(kommune('1806').fagsystem, null, 'a municipality without fagsystem')

  // Each KommuneInfo flag KS documents has a municipality, with a person who has a case there.
  const info = (k: (typeof d.kommuner)[number]) => k.kommuneInfo
  const medSak = (k: (typeof d.kommuner)[number]) => d.digisosSaker.some((s) => s.kommunenummer === k.kommunenummer)
  const flagg: [string, (k: (typeof d.kommuner)[number]) => boolean][] = [
    ['not configured in Fiks', (k) => info(k) === null],
    ['no NKS access', (k) => info(k)?.harNksTilgang === false],
    [
      'harMidlertidigDeaktivertMottak',
      (k) => info(k)?.harNksTilgang === true && info(k)?.harMidlertidigDeaktivertMottak === true,
    ],
    [
      'harMidlertidigDeaktivertOppdateringer',
      (k) => info(k)?.harNksTilgang === true && info(k)?.harMidlertidigDeaktivertOppdateringer === true,
    ],
    ['kanOppdatereStatus false', (k) => info(k)?.harNksTilgang === true && info(k)?.kanOppdatereStatus === false],
    [
      'a behandlingsansvarlig other than itself',
      (k) => (info(k)?.behandlingsansvarlig ?? k.navn).startsWith(k.navn) === false,
    ],
  ]
  for (const [hva, har] of flagg)
    t.ok(
      d.kommuner.some((k) => har(k) && medSak(k)),
      `${hva}, with a case there`,
    )
  t.ok(sakMedTag(d, 'sak-vennesla-uten-status').digisosSoker, 'Fiks holds an event log the service must not fetch')
})

t.test('dates move with the clock', async (t) => {
  const ref = lastDatasett(raa, { forskyv: false })
  t.equal(ref.referansedato, '2026-06-01')
  const pa = lastDatasett(raa, { naa: new Date('2026-06-01T23:00:00Z') })
  t.equal(pa.digisosSaker[0]!.sistEndret, ref.digisosSaker[0]!.sistEndret, 'no move on the reference date')
  const senere = lastDatasett(raa, { naa: new Date('2026-09-09T08:00:00Z') })
  t.equal(senere.referansedato, '2026-09-09')
  const dager =
    (Date.parse(senere.digisosSaker[0]!.sistEndret) - Date.parse(ref.digisosSaker[0]!.sistEndret)) / 86_400_000
  t.equal(dager, 100)
  const kvp = (p: Datasett) =>
    (personMedTag(p, 'kvp-generisk').fagsystem['0301'] as { kvalifiseringsprogram: { fom: string }[] })
      .kvalifiseringsprogram[0]!.fom
  t.equal((Date.parse(kvp(senere)) - Date.parse(kvp(ref))) / 86_400_000, 100, 'dates inside fagsystem data too')
  t.equal(senere.personer[0]!.personident, ref.personer[0]!.personident, 'idents are not dates')
})

function odelagt(endre: (d: Record<string, any>) => void): string {
  const kopi = structuredClone(raa) as Record<string, any>
  endre(kopi)
  try {
    lastDatasett(kopi)
  } catch (e) {
    if (e instanceof DatasettFeil) return e.message
    throw e
  }
  return '(ingen feil)'
}

t.test('a broken dataset fails with a message naming the field', async (t) => {
  t.match(
    odelagt((d) => {
      const p = d['personer'][0]
      p.personident = `${p.personident.slice(0, 10)}${(Number(p.personident[10]) + 1) % 10}`
    }),
    /personer\[0\]\.personident: personidenten har feil kontrollsifre/,
  )
  t.match(
    odelagt((d) => {
      d['personer'][2].personident = '01509012345'
    }),
    /personer\[2\]\.personident/,
  )
  t.match(
    odelagt((d) => {
      const barn = d['personer'].findIndex((p: any) => p.tags.includes('ansatt-barn'))
      d['personer'][barn].foreldre[0].personident = nesteSyntetiskeIdent('1960-01-01', 500)
    }),
    /personer\[\d+\]\.foreldre\[0\]\.personident: peker på en person som ikke finnes/,
  )
  t.match(
    odelagt((d) => {
      d['digisosSaker'][3].kommunenummer = '9999'
    }),
    /digisosSaker\[3\]\.kommunenummer: kommunen finnes ikke/,
  )
  t.match(
    odelagt((d) => {
      d['kommuner'][0].kommuneInfo.harNksTilgang = 'ja'
    }),
    /kommuner\[0\]\.kommuneInfo\.harNksTilgang/,
  )
  t.match(
    odelagt((d) => {
      const kvp = d['personer'].find((p: any) => p.tags.includes('kvp-generisk'))
      kvp.fagsystem['0301'].kvalifiseringsprogram[0].status = 'KANSKJE'
    }),
    /personer\[\d+\]\.fagsystem\.0301\.kvalifiseringsprogram\[0\]\.status: .*\(generisk\.v1\)/,
  )
  t.match(
    odelagt((d) => {
      d['personer'][1].tags = ['ugradert-to-kommuner']
    }),
    /personer\[1\]\.tags\[0\]: taggen er allerede brukt i personer\[0\]\.tags\[0\]/,
  )
  t.match(
    odelagt((d) => {
      d['personer'][0].geografiskTilknytning = { gtType: 'KOMMUNE', gtKommune: null, gtBydel: null, gtLand: null }
    }),
    /personer\[0\]\.geografiskTilknytning\.gtKommune: må være satt/,
  )
  t.match(
    odelagt((d) => {
      d['digisosSaker'][0].sistEndret = 'i forrige uke'
    }),
    /digisosSaker\[0\]\.sistEndret/,
  )
  // Historical idents: synthetic, valid and unique across every ident in the file.
  t.match(
    odelagt((d) => {
      const p = d['personer'].find((x: any) => x.tags.includes('identbytte'))
      p.historiskeIdenter[0].personident = d['personer'][0].personident
    }),
    /personer\[\d+\]\.historiskeIdenter\[0\]\.personident: personidenten er allerede brukt i personer\[0\]\.personident/,
  )
  t.match(
    odelagt((d) => {
      const p = d['personer'].find((x: any) => x.tags.includes('identbytte'))
      p.historiskeIdenter[0].personident = '01509012345'
    }),
    /personer\[\d+\]\.historiskeIdenter\[0\]\.personident/,
  )
  t.match(
    odelagt((d) => {
      const p = d['personer'].find((x: any) => x.tags.includes('identbytte'))
      p.historiskeIdenter = []
    }),
    /digisosSaker\[\d+\]\.sokerFnr: peker på en person som ikke finnes/,
    'a case under an old ident needs the ident in historiskeIdenter',
  )
  t.match(
    odelagt((d) => void (d['versjon'] = 2)),
    /versjon/,
  )
  t.throws(() => lastDatasett('ikke et datasett'), DatasettFeil)
})

t.test('DATASET.md lists every person with the right ident', async (t) => {
  const dok = readFileSync(new URL('../../simulator/DATASET.md', import.meta.url), 'utf8')
  const rader = dok.split('\n').filter((l) => l.startsWith('| `'))
  for (const p of [...d.personer, ...d.ukjentePersoner]) {
    const rad = rader.find((r) => r.includes(`\`${p.tags[0]}\``) && r.includes(`\`${p.personident}\``))
    t.ok(rad, `${p.tags[0]} → ${p.personident} is documented`)
  }
  for (const a of d.ansatte) t.ok(dok.includes(`| \`${a.navident}\` |`), `${a.navident} is documented`)
})

t.test('DATASET.md lists every case, with its owner and municipality', async (t) => {
  const dok = readFileSync(new URL('../../simulator/DATASET.md', import.meta.url), 'utf8')
  const rader = dok.split('\n').filter((l) => l.startsWith('| `'))
  const eier = new Map(
    d.personer.flatMap((p) =>
      [p.personident, ...p.historiskeIdenter.map((h) => h.personident)].map((i) => [i, p.tags[0]] as const),
    ),
  )
  for (const s of d.digisosSaker) {
    const rad = rader.find((r) => r.startsWith(`| \`${s.fiksDigisosId}\` |`))
    t.ok(
      rad?.includes(`\`${eier.get(s.sokerFnr)}`) && rad.includes(`| ${s.kommunenummer} `),
      `${s.fiksDigisosId} is documented`,
    )
  }
})
