// A person is all their idents (DESIGN §4, issue 17 item 1), end to end over real HTTP against the
// simulator: the lookup by either ident of a person whose ident changed shows the cases filed under
// both; a person the pip knows as skjermet only by an old ident is skjermet; an employee NOM knows by
// an old ident cannot look themself up; and what it costs in upstream calls.
// Shapes: PDL's hentIdenter(ident, historikk: true) { identer { ident gruppe historisk } } (as
// navikt/populasjonstilgangskontroll's PDL client asks it), the pip's POST /skjermetBulk.
import t from 'tap'
import { personMedTag, sakMedTag, ukjentPersonMedTag } from '../../simulator/dataset.js'
import { build, GRUPPER, type Bygget } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'

async function start(b: Bygget, personident: string, token?: string) {
  return b.kall('POST', OPPSLAG, { ...(token ? { token } : {}), body: { personident, henvendelseId: 'HENV-ID' } })
}

async function soknaderFor(b: Bygget, personident: string): Promise<string[]> {
  const s = await start(b, personident)
  if (s.status !== 201) throw new Error(`start: ${s.status} ${s.tekst}`)
  const les = await b.kall('GET', `${OPPSLAG}/${s.body.oppslagId}/okonomisk-sosialhjelp`)
  if (les.status !== 200) throw new Error(`les: ${les.status} ${les.tekst}`)
  return (les.body.data.soknader as { fiksDigisosId: string }[]).map((x) => x.fiksDigisosId).sort()
}

t.test('identbytte: either ident shows the cases filed under both, each once', async (t) => {
  const b = await build(t)
  const p = personMedTag(b.sim.datasett, 'identbytte')
  const gammel = p.historiskeIdenter[0]?.personident as string
  const underGammel = sakMedTag(b.sim.datasett, 'sak-under-gammel-ident')
  const underNy = sakMedTag(b.sim.datasett, 'sak-under-ny-ident')
  // The dataset holds what the test needs: one case under each ident, one returned for both.
  t.equal(underGammel.sokerFnr, gammel)
  t.equal(underNy.sokerFnr, p.personident)
  t.same(underNy.ogsaReturnertFor, [gammel])
  const begge = [underGammel.fiksDigisosId, underNy.fiksDigisosId].sort()

  b.sim.styring.nullstillKall()
  t.same(await soknaderFor(b, p.personident), begge, 'by the current fnr')
  const kall = b.sim.styring.kall().perUpstream
  t.equal(kall['fiks-soknader'], 2, 'the case list is asked once per ident')
  t.equal(kall['fiks-dokument'], 4, 'each case fetched once: soknad.json and digisos-soker.json of two cases')

  t.same(await soknaderFor(b, gammel), begge, 'by the old D-nummer')

  // The fagsystem is asked by the current ident whichever was typed: its record is under that one.
  const vedGammel = await start(b, gammel)
  const alt = await b.kall('GET', `${OPPSLAG}/${vedGammel.body.oppslagId}`)
  t.equal(alt.status, 200)
  t.ok(
    (alt.body.kilder as { kommunenummer: string; status: string }[]).every((k) => k.status === 'OK'),
    'every source answered',
  )
  t.ok(
    (alt.body.kategorier.konto.kontoer as { kilde: string; kontonummer: string }[]).some(
      (k) => k.kilde === 'FAGSYSTEM' && k.kontonummer === '97100010910',
    ),
    'the fagsystem account, by the old ident too',
  )

  // The account and address of the case under the old ident are the person's too (personIdentifikator).
  const s = await start(b, p.personident)
  const konto = await b.kall('GET', `${OPPSLAG}/${s.body.oppslagId}/konto`)
  t.ok(
    (konto.body.data.kontoer as { opphav: { fiksDigisosId?: string } }[]).some(
      (k) => k.opphav.fiksDigisosId === underGammel.fiksDigisosId,
    ),
    'the account given in the case under the old ident is shown',
  )
})

t.test("a case under an ident that is not the person's is still left out", async (t) => {
  const b = await build(t)
  // sak-med-annen-soker: Fiks returns another person's case for this person (a data error).
  const soknader = await soknaderFor(b, b.ident('sak-med-annen-soker'))
  const fremmed = b.sim.datasett.digisosSaker.filter((x) => x.ogsaReturnertFor.includes(b.ident('sak-med-annen-soker')))
  t.ok(fremmed.length > 0, 'the dataset has a foreign case for this person')
  for (const f of fremmed) t.notOk(soknader.includes(f.fiksDigisosId), 'the foreign case is not shown')
})

t.test('skjerming on every ident: the pip knows the person only by the old ident', async (t) => {
  const b = await build(t)
  const p = personMedTag(b.sim.datasett, 'skjermet-gammel-ident')
  t.equal(p.skjermet, false, 'the current ident alone is not skjermet')
  t.equal(p.historiskeIdenter[0]?.skjermet, true)
  b.sim.styring.nullstillKall()
  const svar = await start(b, p.personident)
  t.equal(svar.status, 403)
  t.equal(svar.body.code, 'AVVIST_SKJERMING')
  t.equal(
    b.sim.styring.kall().perUpstream.skjerming,
    2,
    'the typed ident beside PDL, then the other idents in one bulk call',
  )
  t.match((await b.hendelser()).at(-1), {
    handling: 'OPPSLAG_START',
    beslutning: 'Deny',
    regel: 'AVVIST_SKJERMING',
    personident: p.personident,
  })
  // By the old ident itself: one call is enough.
  b.sim.styring.nullstillKall()
  t.equal(
    (await start(b, p.historiskeIdenter[0]?.personident as string)).body.code,
    'AVVIST_SKJERMING',
    'by the old ident',
  )
  t.equal(b.sim.styring.kall().perUpstream.skjerming, 1, 'skjermet by the typed ident: no second call')
  // The egne-ansatte group lifts it, as for any skjermet person.
  const loftet = await start(b, p.personident, await b.token('Z990009', [GRUPPER.nks, GRUPPER.egneAnsatte]))
  t.equal(loftet.status, 201)
})

t.test('habilitet on every ident: NOM knows the employee by an old ident', async (t) => {
  const b = await build(t)
  const p = personMedTag(b.sim.datasett, 'ansatt-gammel-ident')
  const ansatt = b.sim.datasett.ansatte.find((a) => a.navident === 'Z990004')
  t.equal(ansatt?.personident, p.historiskeIdenter[0]?.personident, 'NOM has the old ident')
  const alle = Object.values(GRUPPER)
  for (const ident of [p.personident, p.historiskeIdenter[0]?.personident as string]) {
    const svar = await start(b, ident, await b.token('Z990004', alle))
    t.equal(svar.status, 403, ident === p.personident ? 'by the current ident' : 'by the old ident')
    t.equal(svar.body.code, 'AVVIST_HABILITET')
    t.match((await b.hendelser()).at(-1), { beslutning: 'Deny', regel: 'AVVIST_HABILITET', navident: 'Z990004' })
  }
  // Anyone else may look the person up.
  t.equal((await start(b, p.personident)).status, 201)
})

t.test('audit: the typed and the current ident; innsyn by either finds every access', async (t) => {
  const b = await build(t)
  const p = personMedTag(b.sim.datasett, 'identbytte')
  const gammel = p.historiskeIdenter[0]?.personident as string
  const vedGammel = await start(b, gammel)
  t.equal(vedGammel.status, 201)
  t.match((await b.hendelser()).at(-1), {
    handling: 'OPPSLAG_START',
    beslutning: 'Permit',
    personident: gammel,
    gjeldendeIdent: p.personident,
  })
  await b.kall('GET', `${OPPSLAG}/${vedGammel.body.oppslagId}/konto`)
  t.match((await b.hendelser()).at(-1), {
    handling: 'LES',
    kategori: 'konto',
    personident: gammel,
    gjeldendeIdent: p.personident,
  })
  t.equal((await start(b, p.personident)).status, 201)
  t.match((await b.hendelser()).at(-1), {
    handling: 'OPPSLAG_START',
    personident: p.personident,
    gjeldendeIdent: p.personident,
  })
  // Someone else's lookup must not show up in this person's report.
  t.equal((await b.startOppslag('uten-saker')).status, 201)

  const revisor = await b.token('Z990050', [GRUPPER.revisjon])
  for (const ident of [gammel, p.personident]) {
    const svar = await b.kall('POST', '/api/v1/audit/innsyn', { token: revisor, body: { personident: ident } })
    t.equal(svar.status, 200)
    // The report's own AUDIT_INNSYN events are about the person too; the employees' accesses here:
    const tilganger = (svar.body.tilganger as { handling: string; kategori: string | null }[])
      .filter((a) => !a.handling.startsWith('AUDIT_'))
      .map((a) => `${a.handling}:${a.kategori ?? ''}`)
    t.same(
      tilganger,
      ['OPPSLAG_START:', 'LES:konto', 'OPPSLAG_START:'],
      `innsyn by ${ident === gammel ? 'the old' : 'the current'} ident: both lookups and the read`,
    )
    t.match((await b.hendelser()).at(-1), {
      handling: 'AUDIT_INNSYN',
      personident: ident,
      gjeldendeIdent: p.personident,
    })
  }
  // sok by the current ident finds the events typed by the old one, and says which was typed.
  const sok = await b.kall('POST', '/api/v1/audit/sok', { token: revisor, body: { personident: p.personident } })
  t.ok(
    sok.body.hendelser.some(
      (h: { personident: string; gjeldendeIdent: string }) =>
        h.personident === gammel && h.gjeldendeIdent === p.personident,
    ),
  )

  // PDL down: no report (it could miss accesses), and the attempt is on record.
  b.sim.styring.settFeil({ upstream: 'pdl' }, { status: 500 })
  const nede = await b.kall('POST', '/api/v1/audit/innsyn', { token: revisor, body: { personident: gammel } })
  t.equal(nede.status, 503)
  t.match((await b.hendelser()).at(-1), {
    handling: 'AUDIT_INNSYN',
    beslutning: 'Deny',
    regel: 'REGISTER_UTILGJENGELIG',
    personident: gammel,
  })
  b.sim.styring.fjernAlleFeil()
  // A person PDL does not know is searched by the ident given.
  const ukjentIdent = ukjentPersonMedTag(b.sim.datasett, 'ukjent-i-pdl')
  t.equal((await start(b, ukjentIdent)).body.code, 'PERSON_IKKE_FUNNET')
  const ukjent = await b.kall('POST', '/api/v1/audit/innsyn', { token: revisor, body: { personident: ukjentIdent } })
  t.equal(ukjent.status, 200)
  t.same(
    ukjent.body.tilganger.map((a: { handling: string; beslutning: string }) => `${a.handling}:${a.beslutning}`),
    ['OPPSLAG_START:Deny'],
    "the denied lookup of the unknown ident (the report's own record holds its count, so it is committed after the query: the next report shows it)",
  )
  const igjen = await b.kall('POST', '/api/v1/audit/innsyn', { token: revisor, body: { personident: ukjentIdent } })
  t.same(
    igjen.body.tilganger.map((a: { handling: string; beslutning: string }) => `${a.handling}:${a.beslutning}`),
    ['OPPSLAG_START:Deny', 'AUDIT_INNSYN:Permit'],
    'and the next report shows the first',
  )
})

t.test('cost: a person with one ident costs no more upstream calls than before', async (t) => {
  const b = await build(t)
  b.sim.styring.nullstillKall()
  // Z990001: an employee NOM and PDL know, so both sides' idents are resolved.
  t.equal((await start(b, b.ident('uten-saker'), await b.token('Z990001'))).status, 201)
  const kall = b.sim.styring.kall().perUpstream
  // As before the change: PDL once for the person (idents in the same query) and once for the
  // employee, the pip once, NOM once.
  t.equal(kall.pdl, 2, 'pdl')
  t.equal(kall.skjerming, 1, 'skjerming')
  t.equal(kall.nom, 1, 'nom')
})
