// A personident written with more than one separator (as a date and a number are commonly
// written) is refused as a henvendelseId (it would land in another person's audit trail) and
// never used as the Nav-Call-Id (logged, echoed on every answer, forwarded upstream).
import { Writable } from 'node:stream'
import t from 'tap'
import { build } from '../helper.js'

function varianter(ident: string): string[] {
  const d = ident.slice(0, 2),
    m = ident.slice(2, 4),
    a = ident.slice(4, 6),
    n = ident.slice(6)
  return [
    `${d}.${m}.${a}-${n}`, // 14.83.90-10150
    `${d}-${m}-${a}-${n}`, // 14-83-90-10150
    `${d}${m}${a}-${n.slice(0, 3)}-${n.slice(3)}`, // 148390-101-50
    `${d}${m}${a}--${n}`, // 148390--10150
    `${d}${m}${a}.:${n}`,
  ]
}

t.test('henvendelseId: a personident with two separators is refused', async (t) => {
  const b = await build(t)
  const person = b.ident('uten-saker')
  const annen = b.ident('ugradert-to-kommuner')
  for (const henvendelseId of varianter(annen)) {
    const svar = await b.kall('POST', '/api/v1/oppslag', { body: { personident: person, henvendelseId } })
    t.equal(svar.status, 400, `${henvendelseId}: refused`)
    const siste = (await b.hendelser()).at(-1)
    t.not(siste?.henvendelseId, henvendelseId, `${henvendelseId}: not in another person's audit trail`)
  }
})

t.test('Nav-Call-Id: a personident with two separators is never used, logged or echoed', async (t) => {
  const linjer: string[] = []
  const logStrom = new Writable({
    write: (c, _e, cb) => {
      linjer.push(String(c))
      cb()
    },
  })
  const b = await build(t, { logStrom, miljo: { LOG_LEVEL: 'trace', LOGG_FORESPORSLER: 'ja' } })
  const ident = b.ident('ugradert-to-kommuner')
  for (const callId of varianter(ident)) {
    const svar = await b.kall('GET', '/api/v1/kommuner', { headers: { 'nav-call-id': callId } })
    t.not(svar.headers['nav-call-id'], callId, `${callId}: not echoed`)
  }
  // Each writing, as sent: a few of its digits alone turn up by chance (timings, ports).
  const treff = linjer.filter((l) => varianter(ident).some((v) => l.includes(v)))
  t.same(treff, [], 'no writing of the ident is in any log line')
})
