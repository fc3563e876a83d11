// Issue 16 item 6, found in review: a Nav-Call-Id or henvendelseId that looks like a
// personident is to be refused (DESIGN §6). The check (model.ts personidentITekst) sees 11 digits
// joined by separators of at most three non-alphanumeric characters; a whole valid personident with
// a longer separator, or with a letter between its birth date and its individual number, passes:
// the call id is echoed, bound to every log line of the request and written to the audit event and
// its CEF line, and the henvendelseId lands in this lookup's audit trail as another person's ident.
import t from 'tap'
import { build } from '../helper.js'

t.test('a personident split by a longer separator or a letter is refused as call id and henvendelseId', async (t) => {
  const b = await build(t)
  const ident = b.ident('kode6')
  const [fodsel, individ] = [ident.slice(0, 6), ident.slice(6)]
  for (const v of [
    `${fodsel}----${individ}`,
    `${fodsel}_:_:${individ}`,
    `${fodsel}a${individ}`,
    `${fodsel}X${individ}`,
  ]) {
    const kall = await b.kall('GET', '/api/v1/kommuner', { headers: { 'nav-call-id': v } })
    t.not(kall.headers['nav-call-id'], v, `call id ${v}: neither used nor echoed`)
    t.equal(kall.status, 400, `call id ${v}: refused`)
    const start = await b.kall('POST', '/api/v1/oppslag', {
      body: { personident: b.ident('uten-saker'), henvendelseId: v },
    })
    t.equal(start.status, 400, `henvendelseId ${v}: refused (got ${start.status})`)
  }
  const iLoggen = (await b.hendelser()).filter((h) => (h.henvendelseId ?? '').replace(/\D/g, '') === ident)
  t.equal(
    iLoggen.length,
    0,
    `no audit event names the other person as henvendelse (found ${iLoggen.map((h) => h.henvendelseId).join(', ')})`,
  )
})
