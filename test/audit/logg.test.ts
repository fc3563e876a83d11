// The audit log as the service uses it (medCef): the CEF copy and the commit metric only after the
// store has committed, and always a rejected promise when the store fails, however it fails.
import t from 'tap'
import { medCef } from '../../src/audit/logg.js'
import { AuditFeil, nyHendelse, type AuditStore } from '../../src/audit/port.js'

const hendelse = nyHendelse(
  { tid: Date.parse('2026-11-23T12:00:00Z'), navident: 'Z990009', callId: 'c-1', instans: 'test' },
  {
    handling: 'LES',
    beslutning: 'Permit',
    kategori: 'konto',
    personident: '14839010150',
  },
)

function store(skriv: AuditStore['skriv']): AuditStore {
  const ingen = async () => {
    throw new Error('ikke brukt')
  }
  return {
    skriv,
    klar: async () => true,
    sok: ingen,
    kjede: ingen,
    sjekkpunkt: ingen,
    slettFor: ingen,
    hode: async () => null,
    avvik: ingen,
    lukk: async () => {},
  }
}

t.test('CEF lines and the metric follow the commit, not the call', async (t) => {
  let commit!: () => void
  const linjer: string[] = []
  const malinger: number[] = []
  const a = medCef(
    store(
      () =>
        new Promise<void>((ok) => {
          commit = ok
        }),
    ),
    { send: (l) => linjer.push(...l), lukk: async () => {} },
    (_s, n) => malinger.push(n),
  )
  const skrevet = a.skriv([hendelse, hendelse])
  await new Promise((r) => setImmediate(r))
  t.same(linjer, [], 'nothing before the commit')
  commit()
  await skrevet
  t.equal(linjer.length, 2)
  t.match(linjer[0], /duid=14839010150/)
  t.same(malinger, [2])
})

t.test('a store that fails, by rejecting or by throwing, gives a rejected promise and no CEF line', async (t) => {
  const linjer: string[] = []
  const sink = { send: (l: string[]) => linjer.push(...l), lukk: async () => {} }
  await t.rejects(
    medCef(
      store(() => Promise.reject(new Error('nede'))),
      sink,
    ).skriv([hendelse]),
    /nede/,
  )
  const kaster = medCef(
    store(() => {
      throw new Error('kastet')
    }),
    sink,
  )
  let fanget: unknown = null
  // As the service does: .catch on the returned promise, so a synchronous throw must not escape.
  await kaster.skriv([hendelse]).catch((e: unknown) => {
    fanget = e
  })
  t.match(fanget, { message: 'kastet' })
  t.same(linjer, [])
})

t.test('a CEF copy that fails does not fail a committed write', async (t) => {
  let lagret = 0
  const a = medCef(
    store(async () => {
      lagret++
    }),
    {
      send: () => {
        throw new Error('syslog nede')
      },
      lukk: async () => {},
    },
  )
  await t.resolves(a.skriv([hendelse]))
  t.equal(lagret, 1)
})

t.test('a commit past the deadline fails with AuditFeil, whatever the store does meanwhile', async (t) => {
  const a = medCef(
    store(() => new Promise<void>(() => {})),
    null,
    undefined,
    { skrivefristMs: 50 },
  )
  const t0 = performance.now()
  await t.rejects(a.skriv([hendelse]), { name: 'AuditFeil', message: /fristen/ })
  t.ok(performance.now() - t0 < 1000)
  const rask = medCef(
    store(async () => {}),
    null,
    undefined,
    { skrivefristMs: 50 },
  )
  await t.resolves(rask.skriv([hendelse]), 'a commit within it is not held')
})

t.test('readiness after a failed commit: down until a commit, or its own trial commit, succeeds', async (t) => {
  let virker = true
  const skrevet: string[] = []
  const a = medCef(
    store(async (h) => {
      if (!virker) throw new AuditFeil('disken er full')
      skrevet.push(...h.map((x) => x.handling))
    }),
    null,
    undefined,
    { instans: 'test' },
  )
  t.equal(await a.klar(), true)
  t.same(skrevet, [], 'no trial commit while commits succeed')
  virker = false
  await t.rejects(a.skriv([hendelse]))
  t.equal(await a.klar(), false, "the store's own probe says yes; the failed commit says no")
  t.equal(await a.klar(), false)
  virker = true
  t.equal(await a.klar(), true)
  t.same(skrevet, ['AUDIT_PROVESKRIVING'], 'by a trial commit through the same path')
  virker = false
  await t.rejects(a.skriv([hendelse]))
  virker = true
  await a.skriv([hendelse])
  t.equal(await a.klar(), true, 'a later commit brings it back too')
  t.same(skrevet, ['AUDIT_PROVESKRIVING', 'LES'])
})

t.test('the head goes to the CEF stream on request and as the log closes, before the store does', async (t) => {
  const linjer: string[] = []
  const rekkefolge: string[] = []
  const s: AuditStore = {
    ...store(async () => {}),
    hode: async () => ({ id: 7, hash: 'c'.repeat(64), antall: 7 }),
    lukk: async () => {
      rekkefolge.push('store')
    },
  }
  const a = medCef(
    s,
    {
      send: (l) => {
        linjer.push(...l)
        rekkefolge.push('hode')
      },
      lukk: async () => {},
    },
    undefined,
    { instans: 'test' },
  )
  await a.sendHode()
  t.match(linjer[0], /audit:kjedehode.*cn1=7 cs1Label=Hash cs1=c{64} cn2Label=Antall cn2=7/)
  await a.lukk()
  t.same(rekkefolge, ['hode', 'hode', 'store'])
  const tom = medCef(
    store(async () => {}),
    {
      send: (l) => {
        linjer.push(...l)
      },
      lukk: async () => {},
    },
  )
  await tom.sendHode()
  t.equal(linjer.length, 2, 'no events, no head')
})
