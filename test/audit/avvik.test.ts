// GET /audit/avvik over real HTTP: the report is aggregated by the database, so what the service
// holds in memory does not grow with the events in the window (600 000 events and a two-day window
// ran a 256 MiB heap out of memory when every event was loaded); the window is bounded and the
// answer capped, saying so.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { AVVIK_MAKS_RADER } from '../../src/audit/avvik.js'
import { nyHendelse, type AuditHendelse, type AuditStore } from '../../src/audit/port.js'
import { SqliteAuditStore } from '../../src/audit/sqlite.js'
import { build, GRUPPER } from '../helper.js'

t.test('the avvik report loads no events, however many the window holds', async (t) => {
  // Its own directory: build(t) lays out t.testdir() anew, which would remove a file made there.
  const ekte = new SqliteAuditStore(`${mkdtempSync(join(tmpdir(), 'audit-avvik-'))}/audit.db`)
  // Counts what reaches the service from the store: events, and the report's aggregated rows.
  const lest = { hendelser: 0, avvikRader: 0 }
  const audit: AuditStore = {
    skriv: (h) => ekte.skriv(h),
    klar: () => ekte.klar(),
    sok: async (f) => {
      const r = await ekte.sok(f)
      lest.hendelser += r.length
      return r
    },
    kjede: async (e, g) => {
      const r = await ekte.kjede(e, g)
      lest.hendelser += r.length
      return r
    },
    sjekkpunkt: () => ekte.sjekkpunkt(),
    slettFor: (tid, rader) => ekte.slettFor(tid, rader),
    hode: () => ekte.hode(),
    avvik: async (s) => {
      const g = await ekte.avvik(s)
      lest.avvikRader += g.volum.length + g.kollega.length + g.avslag.length + g.utenLesing.length
      return g
    },
    lukk: () => ekte.lukk(),
  }
  const b = await build(t, { audit, miljo: { AVVIK_VOLUM_MINIMUM: '3' } })
  const revisor = await b.token('Z990050', [GRUPPER.revisjon])

  // A busy day: 12 000 lookups never read, by 40 employees.
  const dag = Date.UTC(2026, 5, 1)
  const antall = 12_000
  const hendelser: AuditHendelse[] = Array.from({ length: antall }, (_, i) =>
    nyHendelse(
      {
        tid: dag + Math.floor((i * 86_400_000) / antall),
        navident: `Z99${String(1000 + (i % 40)).padStart(4, '0')}`,
        callId: `c-${i}`,
        instans: 'test',
      },
      { handling: 'OPPSLAG_START', beslutning: 'Permit', personident: '01918012345', henvendelseId: `h-${i}` },
    ),
  )
  for (let i = 0; i < hendelser.length; i += 256) await ekte.skriv(hendelser.slice(i, i + 256))

  const fra = new Date(dag).toISOString()
  const til = new Date(dag + 86_400_000).toISOString()
  const svar = await b.kall('GET', `/api/v1/audit/avvik?fra=${fra}&til=${til}`, { token: revisor })
  t.equal(svar.status, 200, svar.tekst)
  t.equal(lest.hendelser, 0, 'no event was loaded into the service')
  t.ok(
    lest.avvikRader <= 4 * (AVVIK_MAKS_RADER + 1) + 40,
    `the database answered ${lest.avvikRader} rows for ${antall} events`,
  )
  const av = (type: string) => svar.body.avvik.filter((a: { type: string }) => a.type === type)
  t.equal(av('OPPSLAG_UTEN_LESING').length, AVVIK_MAKS_RADER, 'capped')
  t.equal(svar.body.avkortet, true, 'and says so')
  t.match(av('OPPSLAG_UTEN_LESING')[0], { navident: 'Z991000', henvendelseId: 'h-0', tid: fra }, 'oldest first')
  t.equal(av('HOYT_VOLUM').length, 40, 'every employee far above a normal of none')

  // A quiet hour: complete, not cut.
  const time = await b.kall('GET', `/api/v1/audit/avvik?fra=${fra}&til=${new Date(dag + 3_600_000).toISOString()}`, {
    token: revisor,
  })
  t.equal(time.body.avkortet, false)
  t.equal(time.body.avvik.filter((a: { type: string }) => a.type === 'OPPSLAG_UTEN_LESING').length, antall / 24)
})

t.test('the window is bounded: at most 31 days, fra before til', async (t) => {
  const b = await build(t)
  const revisor = await b.token('Z990050', [GRUPPER.revisjon])
  const dag = Date.UTC(2026, 5, 1)
  const kall = (fra: number, til: number) =>
    b.kall('GET', `/api/v1/audit/avvik?fra=${new Date(fra).toISOString()}&til=${new Date(til).toISOString()}`, {
      token: revisor,
    })
  t.equal((await kall(dag, dag + 31 * 86_400_000)).status, 200, '31 days')
  for (const [navn, fra, til] of [
    ['32 days', dag, dag + 32 * 86_400_000],
    ['til before fra', dag, dag - 1],
    ['empty', dag, dag],
  ] as const) {
    const svar = await kall(fra, til)
    t.equal(svar.status, 400, navn)
    t.equal(svar.body.code, 'UGYLDIG_TIDSROM', navn)
    t.match(svar.headers['content-type'], /application\/problem\+json/)
  }
})
