// What the agent is told when a source cannot be settled (review of issue 17, items 1-3 and 6), end
// to end over HTTP against the simulator: an unnumbered kilde where data may be missing from a
// municipality that cannot be named, never silence that reads as "no cases", and never the number
// of a municipality that may not have agreed to share. KS's API (ks-no/ks-no.github.io
// static/api/digisos-api-v1.json) answers KommuneInfo 404 for a municipality it does not find and
// lists every configured one at GET /nav/kommuner; only harNksTilgang gates (DESIGN §4).
import t from 'tap'
import { apneBrytere, build, type Bygget } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'
type KildeSvar = { kommunenummer: string | null; system: string; status: string; behandlingsansvarlig: string | null }
const UNUMMERERT_DIGISOS = {
  kommunenummer: null,
  system: 'DIGISOS',
  status: 'UTILGJENGELIG',
  behandlingsansvarlig: null,
}
const UNUMMERERT_FAGSYSTEM = {
  kommunenummer: null,
  system: 'FAGSYSTEM',
  status: 'UTILGJENGELIG',
  behandlingsansvarlig: null,
}
const status = (kilder: KildeSvar[]) =>
  Object.fromEntries(kilder.map((k) => [`${k.kommunenummer}/${k.system}`, k.status]))
const sak = (b: Bygget, tag: string) => b.sim.datasett.digisosSaker.find((s) => s.tags.includes(tag))!
const soknader = (svar: {
  body: { kategorier: { 'okonomisk-sosialhjelp': { soknader: { fiksDigisosId: string }[] } } }
}) => svar.body.kategorier['okonomisk-sosialhjelp'].soknader.map((s) => s.fiksDigisosId).sort()

async function start(b: Bygget, tag: string): Promise<string> {
  const s = await b.startOppslag(tag)
  if (s.status !== 201) throw new Error(`start ${tag}: ${s.status} ${s.tekst}`)
  return s.body.oppslagId as string
}
const les = (b: Bygget, oppslagId: string) => b.kall('GET', `${OPPSLAG}/${oppslagId}`)

t.test(
  'KommuneInfo 404 for a municipality the case list names: the list of every municipality settles it, else it is unnumbered and not cached',
  async (t) => {
    const b = await build(t, { miljo: { BRYTER_FEIL_PA_RAD: '2', BRYTER_APEN_MS: '60000' } })
    // A gateway's or a deploy's 404 for municipalities Fiks has configured.
    b.sim.styring.settFeil({ upstream: 'fiks-kommuneinfo' }, { status: 404 })
    b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, { status: 503 })
    const id = await start(b, 'ugradert-to-kommuner')
    b.sim.styring.nullstillKall()
    const svar = await les(b, id)
    t.equal(svar.status, 200)
    t.same(
      svar.body.kilder,
      [
        { kommunenummer: '0301', system: 'DIGISOS', status: 'UTILGJENGELIG', behandlingsansvarlig: null },
        { kommunenummer: '0301', system: 'FAGSYSTEM', status: 'UTILGJENGELIG', behandlingsansvarlig: null },
        UNUMMERERT_DIGISOS,
        UNUMMERERT_FAGSYSTEM,
      ],
      'the home municipality named, the two only the case list names (Bergen, Trondheim) not, and once',
    )
    t.notMatch(svar.tekst, /4601|5001/, 'neither municipality is disclosed')
    t.same(soknader(svar), [], 'nothing is fetched from a municipality whose NKS access is unknown')
    t.equal(b.sim.styring.kall().perUpstream['fiks-dokument'], undefined)
    t.equal(b.sim.styring.kall().perUpstream['fiks-io'], undefined)

    // Not cached: the next read asks again, and the list, back now, settles it.
    b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, null)
    b.sim.styring.nullstillKall()
    const igjen = await les(b, id)
    t.ok(
      (b.sim.styring.kall().perUpstream['fiks-kommuneinfo'] ?? 0) >= 3,
      'KommuneInfo asked again: neither it nor the answer was cached',
    )
    t.same(
      status(igjen.body.kilder),
      {
        '0301/DIGISOS': 'OK',
        '0301/FAGSYSTEM': 'OK',
        '4601/DIGISOS': 'OK',
        '4601/FAGSYSTEM': 'OK',
      },
      'Oslo and Bergen are configured with NKS access: shown; Trondheim has none: no trace',
    )
    t.same(
      soknader(igjen),
      [sak(b, 'sak-oslo-innvilget').fiksDigisosId, sak(b, 'sak-bergen-under-behandling').fiksDigisosId].sort(),
    )
    t.notMatch(igjen.tekst, sak(b, 'sak-trondheim-uten-nks-tilgang').fiksDigisosId)
    t.equal(await apneBrytere(b, 'kommune'), 0, "the 404s never counted against a municipality's Fiks breaker")
  },
)

t.test(
  'the case list down and the home municipality without NKS access: an unnumbered kilde, never an empty answer, not cached',
  async (t) => {
    const b = await build(t)
    // uten-saker lives in Trondheim, which has not switched NKS access on.
    b.sim.styring.settFeil({ upstream: 'fiks-soknader' }, { status: 500 })
    const id = await start(b, 'uten-saker')
    const svar = await les(b, id)
    t.equal(svar.status, 200)
    t.same(svar.body.kilder, [UNUMMERERT_DIGISOS], 'the agent must not read "no cases" into it')
    b.sim.styring.fjernAlleFeil()
    b.sim.styring.nullstillKall()
    const igjen = await les(b, id)
    t.equal(b.sim.styring.kall().perUpstream['fiks-soknader'], 1, 'not cached: the case list is asked again')
    t.same(igjen.body.kilder, [], 'the case list answers: the person has no case, and Trondheim leaves no trace')
  },
)

t.test(
  "KommuneInfo failing and Fiks's list down: the last good list, up to a day old, drops a municipality without NKS access; with none it is unnumbered",
  async (t) => {
    // The caches off: every lookup asks KommuneInfo, and every list held is past its TTL.
    const b = await build(t, { miljo: { KOMMUNEINFO_CACHE_S: '0', KOMMUNELISTE_CACHE_S: '0' } })
    b.sim.styring.settFeil({ kommunenummer: '5001' }, { status: 500 })
    b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, { status: 503 })
    const uten = await les(b, await start(b, 'ugradert-to-kommuner'))
    t.same(
      uten.body.kilder.filter((k: KildeSvar) => k.kommunenummer === null),
      [UNUMMERERT_DIGISOS, UNUMMERERT_FAGSYSTEM],
      'no list has ever been had: Trondheim is unknown, so unnumbered',
    )
    t.notMatch(uten.tekst, /5001/)

    // A list is had once (GET /api/v1/kommuner), then Fiks's list goes down again.
    b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, null)
    t.equal((await b.kall('GET', '/api/v1/kommuner')).status, 200)
    b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, { status: 503 })
    b.sim.styring.nullstillKall()
    const med = await les(b, await start(b, 'ugradert-to-kommuner'))
    t.ok(
      (b.sim.styring.kall().perUpstream['fiks-kommuner'] ?? 0) >= 1,
      'Fiks was asked for a fresh list first (its attempts retried)',
    )
    t.same(
      status(med.body.kilder),
      {
        '0301/DIGISOS': 'OK',
        '0301/FAGSYSTEM': 'OK',
        '4601/DIGISOS': 'OK',
        '4601/FAGSYSTEM': 'OK',
      },
      'the stale list says Trondheim has no NKS access: dropped, no trace',
    )
    t.notMatch(med.tekst, /5001/)
  },
)

t.test(
  'KommuneInfo failing and only a stale list saying the municipality has NKS access: not confirmed, so unnumbered',
  async (t) => {
    const b = await build(t, { miljo: { KOMMUNEINFO_CACHE_S: '0', KOMMUNELISTE_CACHE_S: '0' } })
    t.equal((await b.kall('GET', '/api/v1/kommuner')).status, 200)
    b.sim.styring.settFeil({ kommunenummer: '4601' }, { status: 500 })
    b.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, { status: 503 })
    const svar = await les(b, await start(b, 'ugradert-to-kommuner'))
    t.same(
      svar.body.kilder,
      [
        { kommunenummer: '0301', system: 'DIGISOS', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
        { kommunenummer: '0301', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
        UNUMMERERT_DIGISOS,
        UNUMMERERT_FAGSYSTEM,
      ],
      'Bergen may have switched NKS access off since: it is neither asked nor named',
    )
    t.notMatch(svar.tekst, /4601/)
  },
)

t.test(
  "an ident Fiks refuses (400): skipped, the other idents' cases shown, Digisos marked not complete, the breaker untouched",
  async (t) => {
    const b = await build(t, { miljo: { BRYTER_FEIL_PA_RAD: '2', BRYTER_APEN_MS: '60000' } })
    const under = sak(b, 'sak-under-fnr-med-avvist-dnummer')
    for (let i = 0; i < 3; i++) {
      b.sim.styring.nullstillKall()
      const svar = await les(b, await start(b, 'dnummer-avvist-av-fiks'))
      t.equal(svar.status, 200)
      t.equal(b.sim.styring.kall().perUpstream['fiks-soknader'], 2, 'one case-list call per ident, in parallel')
      t.same(soknader(svar), [under.fiksDigisosId], `lookup ${i + 1}: the case under the fnr is shown`)
      t.same(
        svar.body.kilder,
        [
          { kommunenummer: '0301', system: 'DIGISOS', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
          { kommunenummer: '0301', system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig: 'Oslo kommune' },
          UNUMMERERT_DIGISOS,
        ],
        "the refused ident's cases may be anywhere: Digisos not complete",
      )
    }
    t.equal(await apneBrytere(b, 'fiks'), 0, "three refusals: Fiks's breaker stays closed")

    // The contrast: a case list that fails with a 5xx leaves the list unknown.
    b.sim.styring.settFeil({ upstream: 'fiks-soknader' }, { status: 500 })
    const nede = await les(b, await start(b, 'dnummer-avvist-av-fiks'))
    t.same(status(nede.body.kilder), {
      '0301/DIGISOS': 'UTILGJENGELIG',
      '0301/FAGSYSTEM': 'OK',
      'null/DIGISOS': 'UTILGJENGELIG',
    })
    t.same(soknader(nede), [])
  },
)
