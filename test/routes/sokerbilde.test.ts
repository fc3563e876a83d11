// What modia shows an NKS agent about a søknad, and what it tolerates, end to end over HTTP against
// the simulator (issue 17 items 5 and 6). The documents are in NAV's digisos-soker format
// (reference/digisos-filformat, checked in test/simulator/dokumenter.test.ts); the expected
// behaviour is navikt/sosialhjelp-modia-api's (digisossak/event/*.kt) and soknad.json's mottaker
// as navikt/sosialhjelp-soknad-api writes it ("<office>, <municipality>").
import t from 'tap'
import { sakMedTag } from '../../simulator/dataset.js'
import { build, GRUPPER, type Bygget } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'
type Hendelse = Record<string, unknown> & { type: string; hendelsestidspunkt: string }

async function soknaderFor(t: Pick<typeof import('tap').default, 'equal'>, b: Bygget, tag: string) {
  const start = await b.startOppslag(tag)
  t.equal(start.status, 201)
  const svar = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}/okonomisk-sosialhjelp`)
  t.equal(svar.status, 200)
  return svar.body.data.soknader as Record<string, any>[]
}

const iso = (s: unknown) => new Date(String(s)).toISOString()

t.test('vilkår, dokumentasjonkrav, etterspurt dokumentasjon, foreløpig svar and names', async (t) => {
  const b = await build(t)
  const sak = sakMedTag(b.sim.datasett, 'sak-vilkar-og-krav')
  const hendelser = sak.digisosSoker!.dokument.hendelser as Hendelse[]
  const siste = (type: string, felt?: [string, string]) =>
    hendelser.filter((h) => h.type === type && (!felt || h[felt[0]] === felt[1])).at(-1)!
  const soknad = (await soknaderFor(t, b, 'vilkar-og-dokumentasjonkrav')).find(
    (s) => s.fiksDigisosId === sak.fiksDigisosId,
  )!
  t.ok(soknad, 'the case is shown')
  t.match(soknad, {
    kommunenummer: '0301',
    kommunenavn: 'Oslo kommune',
    navEnhet: '0315',
    navEnhetNavn: 'NAV Grünerløkka',
    papirsoknad: false,
  })
  t.same(
    soknad.vilkar,
    [
      {
        referanse: 'vilkar-1',
        saksreferanse: 'sak-1',
        tittel: 'Møte hos veileder hver 14. dag',
        status: 'RELEVANT',
        utbetalingsreferanser: ['utb-2'],
        sistEndret: iso(siste('vilkar', ['vilkarreferanse', 'vilkar-1']).hendelsestidspunkt),
      },
    ],
    'the ANNULLERT vilkår is hidden',
  )
  const krav = siste('dokumentasjonkrav')
  t.same(soknad.dokumentasjonkrav, [
    {
      referanse: 'krav-1',
      saksreferanse: 'sak-1',
      tittel: 'Kopi av strømregning',
      status: 'RELEVANT',
      frist: iso(krav.frist),
      utbetalingsreferanser: ['utb-2'],
      sistEndret: iso(krav.hendelsestidspunkt),
    },
  ])
  const etterspurt = siste('dokumentasjonEtterspurt').dokumenter as { innsendelsesfrist: string }[]
  t.same(soknad.etterspurtDokumentasjon, [
    {
      dokumenttype: 'Husleiekontrakt',
      tilleggsinformasjon: 'Gjeldende kontrakt med begge sider signert',
      innsendelsesfrist: iso(etterspurt[0]!.innsendelsesfrist),
    },
    {
      dokumenttype: 'Kontoutskrift',
      tilleggsinformasjon: null,
      innsendelsesfrist: iso(etterspurt[1]!.innsendelsesfrist),
    },
  ])
  t.equal(soknad.dokumentasjonEtterspurt, true)
  t.equal(soknad.forelopigSvar, true)
  t.equal(soknad.forelopigSvarDato, iso(siste('forelopigSvar').hendelsestidspunkt))
  t.match(soknad.utbetalinger, [
    { referanse: 'utb-1', status: 'UTBETALT' },
    { referanse: 'utb-2', status: 'PLANLAGT_UTBETALING' },
  ])
})

t.test('as tolerant as modia: a bad kontonummer, a vedtak without sak, payouts without status or dates', async (t) => {
  const b = await build(t)
  const start = await b.startOppslag('modia-toleranse')
  const alt = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`)
  t.equal(alt.status, 200)
  const oslo = (alt.body.kilder as { kommunenummer: string; status: string }[]).filter(
    (k) => k.kommunenummer === '0301',
  )
  t.ok(oslo.length > 0 && oslo.every((k) => k.status === 'OK'), 'the tolerated flaws do not degrade the municipality')
  const soknader = alt.body.kategorier['okonomisk-sosialhjelp'].soknader as Record<string, any>[]
  const toleranse = soknader.find((s) => s.fiksDigisosId === sakMedTag(b.sim.datasett, 'sak-toleranse').fiksDigisosId)!
  t.ok(toleranse, 'the case with the flaws is shown')
  t.same(
    toleranse.utbetalinger.map((u: { referanse: string }) => u.referanse),
    ['utb-kort-konto', 'utb-uten-status'],
    'the payout with neither date is not shown',
  )
  t.match(
    toleranse.utbetalinger[0],
    { belop: 3900, status: 'UTBETALT', kontonummer: null, tilAnnenMottaker: false },
    'a 10-digit kontonummer drops the number, not the payout',
  )
  t.match(toleranse.utbetalinger[1], { belop: 1200, status: 'PLANLAGT_UTBETALING' }, 'no status: planned')
  t.match(
    toleranse.saker,
    [
      { referanse: 'sak-1', vedtak: [{ utfall: 'INNVILGET' }] },
      { referanse: 'default', vedtak: [{ utfall: 'AVSLATT' }] },
    ],
    'the vedtak without saksreferanse is under the default sak',
  )
  const kontoer = alt.body.kategorier.konto.kontoer as { kontonummer: string; kilde: string }[]
  t.notOk(JSON.stringify(alt.body).includes('9710002213'), 'the bad number is shown nowhere')
  t.ok(
    kontoer.some((k) => k.kontonummer === '97100022145' && k.kilde === 'SOKNAD'),
    "the application's own account is still there",
  )

  const papir = soknader.find((s) => s.fiksDigisosId === sakMedTag(b.sim.datasett, 'sak-papirsoknad').fiksDigisosId)!
  t.match(
    papir,
    { papirsoknad: true, sendt: null, navEnhet: '0315', navEnhetNavn: null, kommunenavn: null },
    'a paper application: no nav.no application, so no names from it',
  )
})

t.test('kode 6: the case facts of vilkår, krav and requests are shown, their text and the names are not', async (t) => {
  const b = await build(t)
  const token = await b.token('Z990009', [GRUPPER.nks, GRUPPER.strengtFortrolig])
  const start = await b.startOppslag('kode6', { token })
  const svar = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}/okonomisk-sosialhjelp`, { token })
  t.equal(svar.status, 200)
  const bergen = (svar.body.data.soknader as Record<string, any>[]).find((s) => s.vilkar.length > 0)!
  t.ok(bergen, 'the case with vilkår is shown')
  t.match(bergen, { kommunenummer: null, kommunenavn: null, navEnhet: null, navEnhetNavn: null })
  t.match(bergen.vilkar, [{ tittel: null, status: 'RELEVANT', sistEndret: String }])
  t.equal(
    bergen.vilkar[0].utbetalingsreferanser[0],
    bergen.utbetalinger[0].referanse,
    'the vilkår still points at its payout',
  )
  t.match(bergen.dokumentasjonkrav, [{ tittel: null, status: 'RELEVANT', frist: String }])
  t.match(bergen.etterspurtDokumentasjon, [
    { dokumenttype: null, tilleggsinformasjon: null, innsendelsesfrist: String },
  ])
  t.notMatch(svar.tekst, /Sandviken|Bergenhus|Grünerløkka|Oslo kommune|Bergen kommune/)
})

t.test('vilkår older than the age limit are left out, each by its own latest date', async (t) => {
  const b = await build(t)
  const start = await b.startOppslag('gamle-elementer')
  const svar = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}/okonomisk-sosialhjelp`)
  const [soknad] = svar.body.data.soknader
  t.same(
    soknad.vilkar.map((v: { referanse: string }) => v.referanse),
    ['vilkar-ny'],
    'the ~20-month-old vilkår is gone',
  )
  t.same(soknad.vilkar[0].utbetalingsreferanser, ['utb-ny'])
})
