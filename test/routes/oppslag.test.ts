// End to end over real HTTP on loopback: the service against the simulator, one dataset case each.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuditStore } from '../../src/audit/port.js'
import { build, GRUPPER, type Bygget } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'

async function lesAlt(b: Bygget, tag: string, token?: string) {
  const start = await b.startOppslag(tag, token ? { token } : {})
  if (start.status !== 201) throw new Error(`start ${tag}: ${start.status} ${start.tekst}`)
  const alt = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`, token ? { token } : {})
  return { oppslagId: start.body.oppslagId as string, alt }
}
/** `kommunenummer/system` → status: one kilde per municipality and source (DESIGN §3). */
const status = (kilder: { kommunenummer: string | null; system: string; status: string }[]) =>
  Object.fromEntries(kilder.map((k) => [`${k.kommunenummer}/${k.system}`, k.status]))
/** Both sources of a municipality with one status. */
const begge = (kommunenummer: string, s: string) => ({
  [`${kommunenummer}/DIGISOS`]: s,
  [`${kommunenummer}/FAGSYSTEM`]: s,
})

t.test('dataset cases, one lookup each', async (t) => {
  const b = await build(t)

  t.test('ungraded person with cases in two municipalities, one without NKS access', async (t) => {
    b.sim.styring.nullstillKall()
    const { oppslagId, alt } = await lesAlt(b, 'ugradert-to-kommuner')
    t.equal(alt.status, 200)
    t.same(status(alt.body.kilder), { ...begge('0301', 'OK'), ...begge('4601', 'OK') })
    // Trondheim has not switched NKS access on: no kilde, no case, nothing that names it (KS's harNksTilgang; DESIGN §4).
    const trondheim = b.sim.datasett.digisosSaker.find((s) => s.tags.includes('sak-trondheim-uten-nks-tilgang'))!
    t.notMatch(alt.tekst, /"5001"/, 'the municipality without NKS access leaves no trace')
    t.notMatch(alt.tekst, trondheim.fiksDigisosId)
    const soknader = alt.body.kategorier['okonomisk-sosialhjelp'].soknader
    t.same(soknader.map((s: { kommunenummer: string }) => s.kommunenummer).sort(), ['0301', '4601'])
    t.ok(soknader.every((s: { saker: unknown[] }) => Array.isArray(s.saker)))
    t.ok(alt.body.kategorier.konto.kontoer.some((k: { kontonummer: string }) => k.kontonummer === '97100010007'))
    t.ok(alt.body.kategorier.adresse.adresser.length > 0, 'address shown for an ungraded person')
    t.equal(alt.body.tilbakeholdt.adresser, false)
    t.equal(alt.headers['content-type'], 'application/json; charset=utf-8')

    const kall = b.sim.styring.kall()
    t.notOk(kall.perKommune['5001']?.['fiks-dokument'], 'nothing fetched from a municipality without NKS access')
    t.notOk(kall.perKommune['5001']?.['fiks-io'], 'its fagsystem is not asked either')
    t.ok(kall.sporingsIder.length > 0)

    const hendelser = (await b.hendelser()).filter((h) => h.handling === 'LES' && h.kilde === 'upstream')
    const siste = hendelser.slice(-5)
    t.same(siste.map((h) => h.kategori).sort(), [
      'adresse',
      'konto',
      'kvalifiseringsprogram',
      'midlertidig-bolig',
      'okonomisk-sosialhjelp',
    ])
    const auditert = new Set(siste.flatMap((h) => h.sporingsIder))
    t.ok(
      siste.every((h) => h.sporingsIder.length > 0),
      'each upstream read names its sporingsIds',
    )
    t.ok(
      kall.sporingsIder.every((s) => auditert.has(s)),
      'every sporingsId Fiks saw is in the audit',
    )

    // A second read comes from the session cache: no upstream call, audited as cache.
    b.sim.styring.nullstillKall()
    const igjen = await b.kall('GET', `${OPPSLAG}/${oppslagId}/konto`)
    t.equal(igjen.status, 200)
    t.same(igjen.body.data, alt.body.kategorier.konto)
    t.same(b.sim.styring.kall().perUpstream, {}, 'no upstream call for a cached read')
    const sist = (await b.hendelser()).at(-1)
    t.match(sist, { handling: 'LES', kategori: 'konto', kilde: 'cache', beslutning: 'Permit' })
  })

  t.test('municipality not configured in Fiks (no trace), and one temporarily deactivated (shown)', async (t) => {
    const a = await lesAlt(b, 'sak-i-ukonfigurert-kommune')
    t.same(status(a.alt.body.kilder), begge('0301', 'OK'), 'Stavanger, not configured in Fiks, is not in kilder')
    t.notMatch(a.alt.tekst, /"1103"/)
    const d = await lesAlt(b, 'sak-i-midlertidig-deaktivert-kommune')
    // KS: harMidlertidigDeaktivertOppdateringer pauses the citizen-facing flow; the data is shown, may be stale.
    t.equal(status(d.alt.body.kilder)['3301/DIGISOS'], 'MIDLERTIDIG_DEAKTIVERT')
    t.equal(
      status(d.alt.body.kilder)['3301/FAGSYSTEM'],
      'OK',
      'the pause is a Fiks Digisos setting: the fagsystem is not paused',
    )
    t.ok(
      d.alt.body.kategorier['okonomisk-sosialhjelp'].soknader.some(
        (s: { kommunenummer: string }) => s.kommunenummer === '3301',
      ),
      "Drammen's søknad is shown",
    )
    t.ok(
      d.alt.body.kategorier.adresse.adresser.some(
        (a: { opphav: { kommunenummer: string; system: string } }) =>
          a.opphav.kommunenummer === '3301' && a.opphav.system === 'FAGSYSTEM',
      ),
      "and Drammen's fagsystem data",
    )
  })

  t.test('person with no cases', async (t) => {
    const { alt } = await lesAlt(b, 'uten-saker')
    t.equal(alt.status, 200)
    t.same(alt.body.kategorier['okonomisk-sosialhjelp'].soknader, [])
    // The person lives in Trondheim, which has not switched NKS access on: no kilde at all.
    t.same(alt.body.kilder, [])
  })

  t.test('KVP with kvalifiseringsstønad from a generisk.v1 fagsystem', async (t) => {
    const { alt } = await lesAlt(b, 'kvp-generisk')
    const programmer = alt.body.kategorier.kvalifiseringsprogram.programmer
    t.ok(programmer.length > 0)
    t.ok(
      programmer.some((p: { stonad: { utbetalinger: unknown[] } | null }) => (p.stonad?.utbetalinger.length ?? 0) > 0),
    )
  })

  t.test('midlertidig bolig from a socio.v1 fagsystem; other measures are not shown', async (t) => {
    const { alt } = await lesAlt(b, 'midlertidig-bolig-socio')
    const opphold = alt.body.kategorier['midlertidig-bolig'].opphold
    t.ok(opphold.length > 0)
    t.ok(
      opphold.every((o: { adresse: unknown }) => o.adresse !== null),
      'ungraded: the housing address is shown',
    )
    const tekst = JSON.stringify(alt.body)
    const person = b.sim.datasett.personer.find((p) => p.tags.includes('midlertidig-bolig-socio'))
    const socio = Object.values(person?.fagsystem ?? {}).find((f) => 'botilbud' in (f as object)) as
      | { botilbud: { kategori: string }[]; tiltak: { type: string }[] }
      | undefined
    for (const b of socio?.botilbud ?? []) {
      if (!/midlertidig/i.test(b.kategori)) t.notMatch(tekst, b.kategori, `${b.kategori} is not shown`)
    }
    for (const tiltak of socio?.tiltak ?? []) {
      if (tiltak.type !== 'KVP') t.notMatch(tekst, tiltak.type, `${tiltak.type} is not shown`)
    }
  })

  t.test("a payout to another recipient: no account number, and not the person's account", async (t) => {
    const { alt } = await lesAlt(b, 'utbetaling-annen-mottaker')
    const utbetalinger = alt.body.kategorier['okonomisk-sosialhjelp'].soknader.flatMap(
      (s: { utbetalinger: unknown[] }) => s.utbetalinger,
    )
    const annen = utbetalinger.filter((u: { tilAnnenMottaker: boolean }) => u.tilAnnenMottaker)
    t.ok(annen.length > 0)
    t.ok(annen.every((u: { kontonummer: string | null }) => u.kontonummer === null))
    const sak = b.sim.datasett.digisosSaker.find((s) => s.tags.includes('sak-med-annen-mottaker'))
    const annenKonto =
      JSON.stringify(sak?.digisosSoker).match(/"annenMottaker":\s*true[^}]*"kontonummer":\s*"(\d{11})"/)?.[1] ??
      JSON.stringify(sak?.digisosSoker).match(/"kontonummer":\s*"(\d{11})"[^}]*"annenMottaker":\s*true/)?.[1]
    t.ok(annenKonto, "the dataset has the other recipient's account")
    t.notMatch(JSON.stringify(alt.body), annenKonto as string, 'that account appears nowhere in the answer')
  })

  t.test("a case with someone else's sokerFnr, one older than 15 months, a FEILREGISTRERT sak", async (t) => {
    const feil = b.sim.datasett.digisosSaker.find((s) => s.tags.includes('sak-feil-soker'))
    const a = await lesAlt(b, 'sak-med-annen-soker')
    t.notMatch(JSON.stringify(a.alt.body), feil?.fiksDigisosId as string, "the other person's case is dropped")
    t.ok(a.alt.body.kategorier['okonomisk-sosialhjelp'].soknader.length > 0, 'own case shown')

    const gammel = b.sim.datasett.digisosSaker.find((s) => s.tags.includes('sak-gammel-20-maneder'))
    const g = await lesAlt(b, 'gammel-sak')
    const ider = g.alt.body.kategorier['okonomisk-sosialhjelp'].soknader.map(
      (s: { fiksDigisosId: string }) => s.fiksDigisosId,
    )
    t.notOk(ider.includes(gammel?.fiksDigisosId), 'the 20-month-old case is left out')
    t.equal(ider.length, 1, 'the recent case is shown')

    const f = await lesAlt(b, 'feilregistrert-sak')
    const saker = f.alt.body.kategorier['okonomisk-sosialhjelp'].soknader.flatMap(
      (s: { saker: { status: string }[] }) => s.saker,
    )
    t.ok(saker.length > 0)
    t.notMatch(JSON.stringify(f.alt.body), 'FEILREGISTRERT')
  })

  t.test('an unknown event type is skipped, not fatal', async (t) => {
    const { alt } = await lesAlt(b, 'ukjent-hendelsestype')
    t.equal(alt.status, 200)
    t.equal(alt.body.kategorier['okonomisk-sosialhjelp'].soknader.length, 1)
  })

  t.test('a municipality whose systems fail is UTILGJENGELIG; the others are shown', async (t) => {
    const { alt } = await lesAlt(b, 'sak-i-utilgjengelig-kommune')
    t.same(status(alt.body.kilder), { ...begge('0301', 'OK'), ...begge('1508', 'UTILGJENGELIG') })
    t.equal(alt.body.kategorier['okonomisk-sosialhjelp'].soknader.length, 1)
  })

  t.test('a municipality without fagsystem is still OK from Digisos', async (t) => {
    const { alt } = await lesAlt(b, 'sak-i-kommune-uten-fagsystem')
    t.same(status(alt.body.kilder), begge('1806', 'OK'))
  })

  t.test('a person unknown to PDL is 404 PERSON_IKKE_FUNNET', async (t) => {
    const svar = await b.kall('POST', OPPSLAG, {
      body: { personident: b.sim.datasett.ukjentePersoner[0]?.personident, henvendelseId: 'H-1' },
    })
    t.equal(svar.status, 404)
    t.equal(svar.body.code, 'PERSON_IKKE_FUNNET')
  })

  t.test('graded persons: denied without the group; with it, every address is withheld', async (t) => {
    const saker: [string, string, string][] = [
      ['kode6', 'AVVIST_STRENGT_FORTROLIG_ADRESSE', GRUPPER.strengtFortrolig],
      ['kode6-utland', 'AVVIST_STRENGT_FORTROLIG_UTLAND', GRUPPER.strengtFortrolig],
      ['kode7-midlertidig-bolig', 'AVVIST_FORTROLIG_ADRESSE', GRUPPER.fortrolig],
    ]
    for (const [tag, kode, gruppe] of saker) {
      const avvist = await b.startOppslag(tag)
      t.equal(avvist.status, 403, tag)
      t.equal(avvist.body.code, kode)
      t.notMatch(avvist.tekst, b.ident(tag), 'the denial does not repeat the personident')
      const token = await b.token('Z990009', [GRUPPER.nks, gruppe])
      const { alt } = await lesAlt(b, tag, token)
      t.equal(alt.status, 200)
      t.same(alt.body.kategorier.adresse.adresser, [])
      t.equal(alt.body.tilbakeholdt.adresser, true)
      t.ok(alt.body.kategorier['midlertidig-bolig'].opphold.every((o: { adresse: unknown }) => o.adresse === null))
    }
  })

  t.test('skjermet person: denied unless egne ansatte', async (t) => {
    const avvist = await b.startOppslag('skjermet')
    t.equal(avvist.body.code, 'AVVIST_SKJERMING')
    const ok = await b.startOppslag('skjermet', { token: await b.token('Z990009', [GRUPPER.nks, GRUPPER.egneAnsatte]) })
    t.equal(ok.status, 201)
  })

  t.test('habilitet: the employee, their parent, child, sibling, partners and co-parent', async (t) => {
    const alle = Object.values(GRUPPER)
    const token = await b.token('Z990001', alle)
    for (const tag of [
      'ansatt',
      'ansatt-forelder',
      'ansatt-barn',
      'ansatt-sosken',
      'ansatt-ektefelle',
      'ansatt-tidligere-ektefelle',
      'ansatt-medforelder',
    ]) {
      const svar = await b.startOppslag(tag, { token })
      t.equal(svar.status, 403, tag)
      t.equal(svar.body.code, 'AVVIST_HABILITET', tag)
    }
    const annen = await b.startOppslag('ansatt-forelder', { token: await b.token('Z990099', [GRUPPER.nks]) })
    t.equal(annen.status, 201, 'another employee (unknown to NOM) may look the parent up')
  })
})

t.test('session: bound to its employee, ended by DELETE, expired by idle time and by maximum life', async (t) => {
  let na = Date.now()
  const b = await build(t, { na: () => na, miljo: { OPPSLAG_IDLE_TTL_S: '60', OPPSLAG_MAX_TTL_S: '120' } })
  const start = await b.startOppslag('uten-saker')
  t.equal(start.status, 201)
  t.match(start.body.oppslagId, /^[A-Za-z0-9_-]{43}$/)
  t.equal(Date.parse(start.body.utloper) - na, 120_000, 'utloper is the maximum life')
  const id = start.body.oppslagId as string

  const annen = await b.token('Z990099', [GRUPPER.nks])
  const fremmed = await b.kall('GET', `${OPPSLAG}/${id}`, { token: annen })
  t.equal(fremmed.status, 404, "another employee's oppslagId is 404, never 403")
  t.equal((await b.kall('DELETE', `${OPPSLAG}/${id}`, { token: annen })).status, 404)

  t.equal((await b.kall('GET', `${OPPSLAG}/${id}/konto`)).status, 200)
  na += 50_000
  t.equal((await b.kall('GET', `${OPPSLAG}/${id}/konto`)).status, 200, 'a read keeps it alive')
  na += 50_000
  t.equal((await b.kall('GET', `${OPPSLAG}/${id}/adresse`)).status, 200)
  na += 25_000
  const gammel = await b.kall('GET', `${OPPSLAG}/${id}/konto`)
  t.equal(gammel.status, 404, 'maximum life reached despite activity')
  t.equal(gammel.body.code, 'OPPSLAG_UTLOPT')

  const ny = (await b.startOppslag('uten-saker')).body.oppslagId as string
  na += 61_000
  t.equal((await b.kall('GET', `${OPPSLAG}/${ny}`)).body.code, 'OPPSLAG_UTLOPT', 'idle time reached')

  const slett = (await b.startOppslag('uten-saker')).body.oppslagId as string
  await b.kall('GET', `${OPPSLAG}/${slett}`)
  const del = await b.kall('DELETE', `${OPPSLAG}/${slett}`)
  t.equal(del.status, 204)
  t.equal(del.tekst, '')
  const etter = await b.kall('GET', `${OPPSLAG}/${slett}/konto`)
  t.equal(etter.status, 404)
  t.equal(etter.body.code, 'OPPSLAG_UTLOPT')
  t.equal((await b.kall('DELETE', `${OPPSLAG}/${slett}`)).status, 404)
  // The end, then the two attempts after it (each on record as a Deny: the id is gone).
  t.match(
    (await b.hendelser()).slice(-3),
    [
      { handling: 'AVSLUTT', beslutning: 'Permit' },
      { handling: 'LES', beslutning: 'Deny', regel: 'OPPSLAG_UTLOPT' },
      { handling: 'AVSLUTT', beslutning: 'Deny', regel: 'OPPSLAG_UTLOPT' },
    ],
    'the end is audited',
  )
})

t.test('faults injected at run time mark only that municipality UTILGJENGELIG', async (t) => {
  // Every fault kind in a row would open the municipality's breaker (tested in drift.test.ts);
  // here each kind must reach the adapter.
  const b = await build(t, { miljo: { UPSTREAM_TIDSAVBRUDD_MS: '400', BRYTER_FEIL_PA_RAD: '100' } })
  for (const feil of [{ status: 500 }, { malformed: true }, { timeout: true }, { reset: true }, { latencyMs: 1000 }]) {
    b.sim.styring.settFeil({ kommunenummer: '4601' }, feil)
    const { alt } = await lesAlt(b, 'ugradert-to-kommuner')
    t.equal(alt.status, 200, JSON.stringify(feil))
    t.same(status(alt.body.kilder), { ...begge('0301', 'OK'), ...begge('4601', 'UTILGJENGELIG') }, JSON.stringify(feil))
    t.ok(alt.body.kategorier['okonomisk-sosialhjelp'].soknader.length >= 1, 'Oslo is still shown')
    t.notMatch(alt.tekst, /stack|Error/, 'nothing of the fault leaks')
  }
  b.sim.styring.settFeil({ kommunenummer: '4601' }, null)

  // Not cached while incomplete: the next read asks again and gets the whole picture.
  b.sim.styring.settFeil({ kommunenummer: '4601' }, { status: 503 })
  const start = await b.startOppslag('ugradert-to-kommuner')
  const forste = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`)
  t.same(status(forste.body.kilder), { ...begge('0301', 'OK'), ...begge('4601', 'UTILGJENGELIG') })
  b.sim.styring.settFeil({ kommunenummer: '4601' }, null)
  const andre = await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}`)
  t.same(status(andre.body.kilder), { ...begge('0301', 'OK'), ...begge('4601', 'OK') })

  // The cross-municipality case list failing: no municipality's Digisos can be answered for (an
  // unnumbered kilde says cases may be anywhere); the person's own municipality's fagsystem still can.
  b.sim.styring.settFeil({ upstream: 'fiks-soknader' }, { status: 500 })
  const ingen = await lesAlt(b, 'ugradert-to-kommuner')
  t.same(status(ingen.alt.body.kilder), {
    '0301/DIGISOS': 'UTILGJENGELIG',
    '0301/FAGSYSTEM': 'OK',
    'null/DIGISOS': 'UTILGJENGELIG',
  })
  t.same(ingen.alt.body.kategorier['okonomisk-sosialhjelp'].soknader, [])
  t.ok(
    ingen.alt.body.kategorier.konto.kontoer.some(
      (k: { opphav: { system: string } }) => k.opphav.system === 'FAGSYSTEM',
    ),
    "Oslo's fagsystem data is shown",
  )
  b.sim.styring.fjernAlleFeil()
})

t.test(
  'a municipality answering more than it legitimately can: that municipality UTILGJENGELIG, never a 500',
  async (t) => {
    const b = await build(t)
    // 3 MiB of `[{},{},…]` for every document and fagsystem call of Bergen: over each one's bound.
    b.sim.styring.settFeil({ kommunenummer: '4601' }, { storKroppKiB: 3 * 1024 })
    const { alt } = await lesAlt(b, 'ugradert-to-kommuner')
    t.equal(alt.status, 200)
    t.same(status(alt.body.kilder), { ...begge('0301', 'OK'), ...begge('4601', 'UTILGJENGELIG') })
    t.ok(alt.body.kategorier['okonomisk-sosialhjelp'].soknader.length >= 1, 'Oslo is still shown')
    b.sim.styring.fjernAlleFeil()
    // A KommuneInfo of 64 KiB (its bound is 16 KiB), on a service that has none cached yet, and
    // Fiks's list of every municipality (the gate in its place) failing too.
    const ny = await build(t)
    ny.sim.styring.settFeil({ upstream: 'fiks-kommuneinfo' }, { storKroppKiB: 64 })
    ny.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, { status: 503 })
    const { alt: info } = await lesAlt(ny, 'ugradert-to-kommuner')
    t.equal(info.status, 200)
    t.same(
      status(info.body.kilder),
      { ...begge('0301', 'UTILGJENGELIG'), ...begge('null', 'UTILGJENGELIG') },
      'no municipality confirmed, none shown; those only the case list names are not named',
    )
    t.notMatch(info.tekst, /4601|5001/)
    t.same(info.body.kategorier['okonomisk-sosialhjelp'].soknader, [])
    // The list answering: it gates in KommuneInfo's place (KS's KommuneInfo either way).
    ny.sim.styring.settFeil({ upstream: 'fiks-kommuner' }, null)
    const { alt: liste } = await lesAlt(ny, 'ugradert-to-kommuner')
    t.same(
      status(liste.body.kilder),
      { ...begge('0301', 'OK'), ...begge('4601', 'OK') },
      'Trondheim, without NKS access per the list, leaves no trace',
    )
    t.equal(liste.body.kategorier['okonomisk-sosialhjelp'].soknader.length, 2)
  },
)

t.test('a register that cannot answer: 503, no lookup, never a permit', async (t) => {
  const b = await build(t, { miljo: { UPSTREAM_TIDSAVBRUDD_MS: '400' } })
  // Texas first: its tokens are cached after the first success, so it only matters when cold.
  for (const upstream of ['texas', 'pdl', 'skjerming', 'nom'] as const) {
    for (const feil of [{ status: 500 }, { malformed: true }, { timeout: true }]) {
      b.sim.styring.settFeil({ upstream }, feil)
      const svar = await b.startOppslag('uten-saker')
      t.equal(svar.status, 503, `${upstream} ${JSON.stringify(feil)}`)
      t.equal(svar.body.code, 'REGISTER_UTILGJENGELIG')
      t.notOk(svar.body.oppslagId)
      b.sim.styring.fjernAlleFeil()
      if (upstream === 'texas') break
    }
  }
  const h = (await b.hendelser()).at(-1)
  t.match(h, { handling: 'OPPSLAG_START', beslutning: 'Deny', regel: 'REGISTER_UTILGJENGELIG' })
})

t.test('the audit store failing: 503 and no data', async (t) => {
  let virker = true
  const { SqliteAuditStore } = await import('../../src/audit/sqlite.js')
  const { AuditFeil } = await import('../../src/audit/port.js')
  // Its own directory: build(t) lays out t.testdir() anew, which would remove a file made there.
  const ekte = new SqliteAuditStore(`${mkdtempSync(join(tmpdir(), 'audit-feil-'))}/audit.db`)
  // The real store, with its commits failing while `virker` is false.
  const audit: AuditStore = {
    skriv: (h) => (virker ? ekte.skriv(h) : Promise.reject(new AuditFeil('nede'))),
    klar: async () => virker && (await ekte.klar()),
    sok: (f) => ekte.sok(f),
    kjede: (etter, grense) => ekte.kjede(etter, grense),
    sjekkpunkt: () => ekte.sjekkpunkt(),
    slettFor: (tid, rader) => ekte.slettFor(tid, rader),
    hode: () => ekte.hode(),
    avvik: (s) => ekte.avvik(s),
    lukk: () => ekte.lukk(),
  }
  const b = await build(t, { audit })
  const start = await b.startOppslag('ugradert-to-kommuner')
  t.equal(start.status, 201, start.tekst)
  virker = false
  for (const sti of [`${OPPSLAG}/${start.body.oppslagId}`, `${OPPSLAG}/${start.body.oppslagId}/konto`]) {
    const svar = await b.kall('GET', sti)
    t.equal(svar.status, 503)
    t.equal(svar.body.code, 'AUDIT_UTILGJENGELIG')
    t.notMatch(svar.tekst, /kontoer|soknader/, 'no data')
  }
  const ny = await b.startOppslag('uten-saker')
  t.equal(ny.status, 503, 'no new lookup without its audit event')
  t.notOk(ny.body.oppslagId)
  t.equal((await b.kall('GET', '/health/ready', { token: null })).status, 503, 'not ready')
  virker = true
  t.equal((await b.kall('GET', `${OPPSLAG}/${start.body.oppslagId}/konto`)).status, 200, 'recovers')
  t.equal((await b.kall('GET', '/health/ready', { token: null })).status, 200)
})
