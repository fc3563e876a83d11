// The audit log as the service uses it (medCef): the CEF copy and the commit metric only after the
// store has committed, and always a rejected promise when the store fails, however it fails.
import t from 'tap'
import { medCef } from '../../src/audit/logg.js'
import { nyHendelse, type AuditStore } from '../../src/audit/port.js'

const hendelse = nyHendelse({ tid: Date.parse('2026-11-23T12:00:00Z'), navident: 'Z990009', callId: 'c-1', instans: 'test' }, {
  handling: 'LES', beslutning: 'Permit', kategori: 'konto', personident: '14839010150',
})

function store(skriv: AuditStore['skriv']): AuditStore {
  const ingen = async () => { throw new Error('ikke brukt') }
  return { skriv, klar: async () => true, sok: ingen, kjede: ingen, sjekkpunkt: ingen, slettFor: ingen, lukk: async () => {} }
}

t.test('CEF lines and the metric follow the commit, not the call', async (t) => {
  let commit!: () => void
  const linjer: string[] = []
  const malinger: number[] = []
  const a = medCef(store(() => new Promise<void>((ok) => { commit = ok })), { send: (l) => linjer.push(...l), lukk: async () => {} }, (_s, n) => malinger.push(n))
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
  await t.rejects(medCef(store(() => Promise.reject(new Error('nede'))), sink).skriv([hendelse]), /nede/)
  const kaster = medCef(store(() => { throw new Error('kastet') }), sink)
  let fanget: unknown = null
  // As the service does: .catch on the returned promise, so a synchronous throw must not escape.
  await kaster.skriv([hendelse]).catch((e: unknown) => { fanget = e })
  t.match(fanget, { message: 'kastet' })
  t.same(linjer, [])
})

t.test('a CEF copy that fails does not fail a committed write', async (t) => {
  let lagret = 0
  const a = medCef(store(async () => { lagret++ }), { send: () => { throw new Error('syslog nede') }, lukk: async () => {} })
  await t.resolves(a.skriv([hendelse]))
  t.equal(lagret, 1)
})
