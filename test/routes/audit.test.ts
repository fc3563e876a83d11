// The audit readers' endpoints over real HTTP: only for the audit group, each use audited, and
// what they report: search with cursor paging, the citizen's access report, chain verification
// and suspicious patterns.
import { DatabaseSync } from 'node:sqlite'
import t from 'tap'
import { build, GRUPPER } from '../helper.js'

t.test('audit endpoints', async (t) => {
  const b = await build(t, {
    miljo: { AVVIK_VOLUM_MINIMUM: '3', AVVIK_AVSLAG_MINIMUM: '2', AUDIT_CEF: 'av' },
  })
  const revisor = await b.token('Z990050', [GRUPPER.revisjon])
  const person = b.ident('ugradert-to-kommuner')
  const start = Date.now()

  // Activity to report on: Z990009 looks up the person and reads, then four more lookups without
  // reading; Z990008 is denied twice; Z990007 looks up a skjermet colleague with egne ansatte.
  const les = await b.startOppslag('ugradert-to-kommuner')
  await b.kall('GET', `/api/v1/oppslag/${les.body.oppslagId}/konto`)
  await b.kall('GET', `/api/v1/oppslag/${les.body.oppslagId}/konto`)
  for (const tag of ['uten-saker', 'kvp-generisk', 'gammel-sak', 'doed']) await b.startOppslag(tag)
  const nektet = await b.token('Z990008', [GRUPPER.nks])
  await b.startOppslag('kode6', { token: nektet })
  await b.startOppslag('kode7-midlertidig-bolig', { token: nektet })
  await b.startOppslag('skjermet', { token: await b.token('Z990007', [GRUPPER.nks, GRUPPER.egneAnsatte]) })

  t.test('only the audit-reader group; a refusal is itself audited', async (t) => {
    for (const [method, sti, body] of [
      ['POST', '/api/v1/audit/sok', { personident: person }],
      ['POST', '/api/v1/audit/innsyn', { personident: person }],
      ['GET', '/api/v1/audit/verifiser', undefined],
      [
        'GET',
        `/api/v1/audit/avvik?fra=${new Date(start - 1000).toISOString()}&til=${new Date().toISOString()}`,
        undefined,
      ],
    ] as const) {
      const svar = await b.kall(method, sti, body ? { body } : {})
      t.equal(svar.status, 403, sti)
      t.equal(svar.body.code, 'AVVIST_IKKE_REVISOR')
      t.notMatch(svar.tekst, person)
      t.match((await b.hendelser()).at(-1), { navident: 'Z990009', beslutning: 'Deny', regel: 'AVVIST_IKKE_REVISOR' })
    }
    t.equal((await b.kall('POST', '/api/v1/audit/sok', { token: null, body: {} })).status, 401)
  })

  t.test('sok: by personident and by NAVident, cursor paging gives every event once', async (t) => {
    const alle = await b.kall('POST', '/api/v1/audit/sok', {
      token: revisor,
      body: { personident: person, grense: 500 },
    })
    t.equal(alle.status, 200, alle.tekst)
    // The lookup and its two reads. The search's own record is committed once its answer is known
    // (it holds how many persons the answer named), before the answer leaves: the next search has it.
    t.same(
      alle.body.hendelser.map((h: { handling: string }) => h.handling),
      ['OPPSLAG_START', 'LES', 'LES'],
    )
    t.ok(alle.body.hendelser.every((h: { personident: string }) => h.personident === person))
    t.equal(alle.body.nesteCursor, null)
    t.notOk('hash' in alle.body.hendelser[0], 'chain internals are not part of the answer')
    t.match(
      (await b.hendelser()).at(-1),
      { handling: 'AUDIT_SOK', navident: 'Z990050', personident: person, beslutning: 'Permit' },
      'the search is audited',
    )
    const igjen = await b.kall('POST', '/api/v1/audit/sok', {
      token: revisor,
      body: { personident: person, grense: 500 },
    })
    t.match(
      igjen.body.hendelser.at(-1),
      { handling: 'AUDIT_SOK', navident: 'Z990050', personident: person },
      'found by the next search',
    )

    const sett: number[] = []
    let cursor: string | null = null
    do {
      const side: { body: { hendelser: { id: number }[]; nesteCursor: string | null } } = await b.kall(
        'POST',
        '/api/v1/audit/sok',
        {
          token: revisor,
          body: { navident: 'Z990009', grense: 2, ...(cursor ? { cursor } : {}) },
        },
      )
      t.ok(side.body.hendelser.length <= 2)
      sett.push(...side.body.hendelser.map((h) => h.id))
      cursor = side.body.nesteCursor
    } while (cursor)
    const fasit = (await b.hendelser()).filter((h) => h.navident === 'Z990009').map((h) => h.id)
    t.same(sett, fasit, "each of Z990009's events exactly once, in order")

    const tomt = await b.kall('POST', '/api/v1/audit/sok', {
      token: revisor,
      body: { fra: new Date(Date.now() + 3_600_000).toISOString() },
    })
    t.same(tomt.body.hendelser, [])
    const ugyldig = await b.kall('POST', '/api/v1/audit/sok', { token: revisor, body: { personident: '12345678901' } })
    t.equal(ugyldig.status, 400)
  })

  t.test('innsyn: who looked, when, at what, under which inquiry', async (t) => {
    const svar = await b.kall('POST', '/api/v1/audit/innsyn', { token: revisor, body: { personident: person } })
    t.equal(svar.status, 200)
    t.equal(svar.body.personident, person)
    const lesninger = svar.body.tilganger.filter((a: { handling: string }) => a.handling === 'LES')
    t.same(
      lesninger.map((a: { navident: string; kategori: string; henvendelseId: string }) => [
        a.navident,
        a.kategori,
        a.henvendelseId,
      ]),
      [
        ['Z990009', 'konto', 'HENV-1'],
        ['Z990009', 'konto', 'HENV-1'],
      ],
    )
    t.ok(svar.body.tilganger.some((a: { handling: string }) => a.handling === 'OPPSLAG_START'))
    t.equal(svar.body.avkortet, false)
    t.match((await b.hendelser()).at(-1), { handling: 'AUDIT_INNSYN', personident: person })
  })

  t.test('avvik: volume, colleague lookups, repeated denials, lookups never read', async (t) => {
    const fra = new Date(start - 1000).toISOString()
    const til = new Date(Date.now() + 1000).toISOString()
    const svar = await b.kall(
      'GET',
      `/api/v1/audit/avvik?fra=${encodeURIComponent(fra)}&til=${encodeURIComponent(til)}`,
      { token: revisor },
    )
    t.equal(svar.status, 200)
    const av = (type: string) => svar.body.avvik.filter((a: { type: string }) => a.type === type)
    t.match(av('HOYT_VOLUM'), [{ navident: 'Z990009', antall: 5 }])
    t.match(av('OPPSLAG_AV_KOLLEGA'), [{ navident: 'Z990007', personident: b.ident('skjermet') }])
    t.match(av('GJENTATTE_AVSLAG'), [
      { navident: 'Z990008', antall: 2, regler: ['AVVIST_FORTROLIG_ADRESSE', 'AVVIST_STRENGT_FORTROLIG_ADRESSE'] },
    ])
    const ulest = av('OPPSLAG_UTEN_LESING').map((a: { personident: string }) => a.personident)
    t.ok(ulest.includes(b.ident('uten-saker')))
    t.notOk(ulest.includes(person), 'the lookup that was read is not flagged')
    // The reader's own access is on record with how many persons the findings named (DESIGN §6).
    const personer = new Set(
      svar.body.avvik.flatMap((a: { personident?: string }) => (a.personident ? [a.personident] : [])),
    ).size
    t.ok(personer >= 2)
    const egen = (await b.hendelser()).at(-1)
    t.match(egen, { handling: 'AUDIT_AVVIK', navident: 'Z990050' })
    t.same(JSON.parse(String(egen?.detaljer)), {
      fra,
      til,
      antallFunn: svar.body.avvik.length,
      antallPersoner: personer,
    })
    t.equal((await b.kall('GET', '/api/v1/audit/avvik?fra=x&til=y', { token: revisor })).status, 400)
  })

  t.test('verifiser: a valid chain, then a tampered one names the event', async (t) => {
    const ok = await b.kall('GET', '/api/v1/audit/verifiser', { token: revisor })
    t.equal(ok.status, 200)
    t.equal(ok.body.gyldig, true)
    t.ok(ok.body.antall > 10)
    // An attacker with file access changes one event (dropping the append-only trigger first).
    const db = new DatabaseSync(b.config.auditStore.slice('sqlite:'.length))
    const offer = (await b.hendelser())[3]
    if (!offer) throw new Error('for få hendelser')
    db.exec('DROP TRIGGER IF EXISTS audit_hendelse_ingen_endring')
    db.prepare("UPDATE audit_hendelse SET navident = 'Z000000' WHERE id = ?").run(offer.id)
    db.close()
    const brudd = await b.kall('GET', '/api/v1/audit/verifiser', { token: revisor })
    t.equal(brudd.body.gyldig, false)
    t.same(brudd.body.forsteBrudd, { arsak: 'ENDRET', id: offer?.id })
  })
})
