// One case list must not make one lookup do thousands of calls (review of issue 16, item 5): Fiks's
// case list may be 4 MiB, some 16 000 minimal cases, and each case is two documents. A lookup
// fetches the newest OPPSLAG_MAKS_SAKER cases, OPPSLAG_MAKS_SAMTIDIGE_DOKUMENTER documents at a
// time, and says the municipality's Digisos is not complete; its audit events stay small.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import { build, devSimulator } from '../helper.js'

const N = 900 // under the 1 000 cases a case list may hold at all (fiks-digisos.ts)

t.test(`a case list of ${N} recent cases: calls, concurrency and audit rows stay bounded`, async (t) => {
  const sim = await devSimulator(t, (d) => {
    const person = d.personer.find((p) => p.tags.includes('ugradert-to-kommuner'))!
    const mal = d.digisosSaker.find((s) => s.sokerFnr === person.personident && s.kommunenummer === '0301')!
    for (let i = 0; i < N; i++) {
      d.digisosSaker.push({
        ...mal,
        tags: [],
        fiksDigisosId: randomUUID(),
        soknad: mal.soknad ? { ...mal.soknad, dokumentlagerId: randomUUID() } : null,
        digisosSoker: mal.digisosSoker ? { ...mal.digisosSoker, dokumentlagerId: randomUUID() } : null,
      })
    }
  })
  // Documents in flight at once, seen from the simulator's own server.
  let underveis = 0
  let flest = 0
  sim.app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.includes('/dokumenter/')) return
    flest = Math.max(flest, ++underveis)
    res.once('close', () => {
      underveis--
    })
  })
  const b = await build(t, {
    simulator: sim,
    miljo: { OPPSLAG_MAKS_SAKER: '20', OPPSLAG_MAKS_SAMTIDIGE_DOKUMENTER: '4' },
  })
  // Each document takes a moment, so that calls not held back would overlap.
  sim.styring.settFeil({ upstream: 'fiks-dokument' }, { latencyMs: 20 })
  // The fetch may begin at the start: count from before it.
  sim.styring.nullstillKall()
  const start = await b.startOppslag('ugradert-to-kommuner')
  t.equal(start.status, 201)
  const alt = await b.kall('GET', `/api/v1/oppslag/${start.body.oppslagId}`)
  t.equal(alt.status, 200)
  const soknader = alt.body.kategorier['okonomisk-sosialhjelp'].soknader as { kommunenummer: string }[]
  // The newest 20 of the person's cases: Oslo's, Bergen's and Trondheim's (which has no NKS
  // access, so is not shown).
  t.equal(soknader.length, 19, 'the newest 20 cases are fetched')
  t.ok(
    soknader.some((x) => x.kommunenummer === '4601'),
    "Bergen's among them",
  )
  t.match(
    alt.body.kilder,
    [{ kommunenummer: '0301', system: 'DIGISOS', status: 'UTILGJENGELIG' }],
    "and Oslo's Digisos is not complete",
  )
  const dokumentkall = sim.styring.kall().perUpstream['fiks-dokument'] ?? 0
  t.ok(dokumentkall <= 40, `${dokumentkall} document calls: two per case shown at most`)
  t.ok(flest <= 4, `${flest} documents at once, the limit 4`)
  t.ok(flest >= 2, 'the limit is what bounds it, not a serial fetch')
  const les = (await b.hendelser()).filter((h) => h.handling === 'LES')
  t.ok(
    les.length > 0 && les.every((h) => h.sporingsIder.length <= 60),
    'each audit event names a bounded number of calls',
  )
})

t.test(
  'a case list longer than any person has (over 1 000) is refused whole: Digisos unknown, fagsystems still asked',
  async (t) => {
    const sim = await devSimulator(t, (d) => {
      const person = d.personer.find((p) => p.tags.includes('ugradert-to-kommuner'))!
      const mal = d.digisosSaker.find((s) => s.sokerFnr === person.personident && s.kommunenummer === '0301')!
      for (let i = 0; i < 1001; i++) d.digisosSaker.push({ ...mal, tags: [], fiksDigisosId: randomUUID() })
    })
    const b = await build(t, { simulator: sim })
    sim.styring.nullstillKall()
    const start = await b.startOppslag('ugradert-to-kommuner')
    const alt = await b.kall('GET', `/api/v1/oppslag/${start.body.oppslagId}`)
    t.equal(alt.status, 200)
    t.same(
      alt.body.kilder.map(
        (k: { kommunenummer: string; system: string; status: string }) => `${k.kommunenummer} ${k.system} ${k.status}`,
      ),
      ['0301 DIGISOS UTILGJENGELIG', '0301 FAGSYSTEM OK', 'null DIGISOS UTILGJENGELIG'],
      "the person's own municipality, its Digisos unknown; and, unnumbered, the cases elsewhere the list would have named",
    )
    t.equal(sim.styring.kall().perUpstream['fiks-dokument'] ?? 0, 0, 'no document fetched')
  },
)
