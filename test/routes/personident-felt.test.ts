// A personident where none belongs: as the henvendelseId (it would put that person in this
// lookup's audit trail) or as the Nav-Call-Id (it would be logged and echoed). Either is refused
// with a 400 problem, whatever its control digits say, and its digits reach no log line, no audit
// event and no answer.
import { Writable } from 'node:stream'
import t from 'tap'
import { build } from '../helper.js'

/** The service at its most talkative, its log lines kept. */
async function medLogg(t: Parameters<typeof build>[0]) {
  const linjer: string[] = []
  const logStrom = new Writable({
    write: (c, _e, cb) => {
      linjer.push(String(c))
      cb()
    },
  })
  const b = await build(t, { logStrom, miljo: { LOG_LEVEL: 'trace', LOGG_FORESPORSLER: 'ja' } })
  return { b, logg: () => linjer.join('') }
}

/** Ways to write the ident: plain, mistyped, with a separator, inside other text, longer. */
function varianter(ident: string): string[] {
  const feilSiffer = ident.slice(0, 10) + String((Number(ident[10]) + 1) % 10)
  return [
    ident,
    feilSiffer,
    `${ident.slice(0, 6)}-${ident.slice(6)}`,
    `${ident.slice(0, 6)}.${ident.slice(6)}`,
    `${ident.slice(0, 6)}:${ident.slice(6)}`,
    `${ident.slice(0, 6)}_${ident.slice(6)}`,
    `HENV-${ident}`,
    `${ident}7`,
  ]
}

t.test('a henvendelseId that looks like a personident: 400, no lookup, nothing on record or in the log', async (t) => {
  const { b, logg } = await medLogg(t)
  const person = b.ident('uten-saker')
  const hendelserFor = (await b.hendelser()).length
  // The ident of another person is what a mistake would put there.
  const annen = b.ident('ugradert-to-kommuner')
  for (const henvendelseId of varianter(annen)) {
    const svar = await b.kall('POST', '/api/v1/oppslag', { body: { personident: person, henvendelseId } })
    t.equal(svar.status, 400, henvendelseId)
    t.equal(svar.body?.code, 'UGYLDIG_HENVENDELSE_ID', henvendelseId)
    t.match(svar.headers['content-type'], /^application\/problem\+json/)
    t.notOk(svar.body?.oppslagId)
    t.notMatch(svar.tekst, annen.slice(6), `${henvendelseId}: not echoed`)
  }
  const nye = (await b.hendelser()).slice(hendelserFor)
  t.same(nye, [], 'refused as bad input, before the access rules: nothing on record')
  t.notMatch(logg(), annen.slice(6), 'the digits are in no log line')

  // What a henvendelse id looks like is still accepted: dates, short numbers, ten digits.
  for (const henvendelseId of [
    'HENV-1',
    '2024-03-14',
    '12345-67890',
    'SAK-1234567890',
    '123456-1234',
    'a1234567b12345',
  ]) {
    t.equal(
      (await b.kall('POST', '/api/v1/oppslag', { body: { personident: person, henvendelseId } })).status,
      201,
      henvendelseId,
    )
  }
  t.equal((await b.hendelser()).at(-1)?.henvendelseId, 'a1234567b12345')
})

t.test(
  'a Nav-Call-Id that looks like a personident: 400 under a fresh call id; never used, logged or echoed',
  async (t) => {
    const { b, logg } = await medLogg(t)
    const ident = b.ident('ugradert-to-kommuner')
    const hendelserFor = (await b.hendelser()).length
    for (const callId of [...varianter(ident), `${ident.slice(0, 6)} ${ident.slice(6)}`, `x"} {"${ident}`]) {
      for (const [method, sti, body] of [
        ['GET', '/health/live', undefined],
        ['POST', '/api/v1/oppslag', { personident: b.ident('uten-saker'), henvendelseId: 'H-1' }],
      ] as const) {
        const svar = await b.kall(method, sti, { headers: { 'nav-call-id': callId }, ...(body ? { body } : {}) })
        const navn = `${method} ${sti} with ${JSON.stringify(callId)}`
        t.equal(svar.status, 400, navn)
        t.equal(svar.body?.code, 'UGYLDIG_CALL_ID', navn)
        t.match(svar.headers['nav-call-id'], /^[0-9a-f-]{36}$/, `${navn}: a fresh call id`)
        t.equal(svar.body?.callId, svar.headers['nav-call-id'], `${navn}: the same in the problem`)
        t.notMatch(svar.tekst, ident.slice(6), `${navn}: not echoed`)
        t.notOk(svar.body?.oppslagId, `${navn}: no lookup`)
      }
    }
    t.same((await b.hendelser()).slice(hendelserFor), [], 'no lookup started, nothing on record')
    t.notMatch(logg(), ident.slice(6), 'the digits are in no log line')
    t.match(logg(), /"x_call_id":"[0-9a-f-]{36}"/, 'the requests were logged, under their fresh ids')

    // A sane one is still taken and echoed.
    const sann = await b.kall('GET', '/health/live', { headers: { 'nav-call-id': 'nks-2024-03-14.123456' } })
    t.equal(sann.status, 200)
    t.equal(sann.headers['nav-call-id'], 'nks-2024-03-14.123456')
    // NAV's own call ids (CallId_<epoch ms>_<int>, NAV's MDCOperations): taken as they are.
    const nav = 'CallId_1764950400123_2147483646'
    const navSvar = await b.kall('GET', '/health/live', { headers: { 'nav-call-id': nav } })
    t.equal(navSvar.status, 200, 'a NAV call id is not a personident')
    t.equal(navSvar.headers['nav-call-id'], nav)
    // A long run of digits with the ident inside: the request goes on, under a fresh id.
    const inni = `CallId_${ident}42_7`
    const inniSvar = await b.kall('POST', '/api/v1/oppslag', {
      headers: { 'nav-call-id': inni },
      body: { personident: b.ident('uten-saker'), henvendelseId: 'H-2' },
    })
    t.equal(inniSvar.status, 201, 'not refused')
    t.match(inniSvar.headers['nav-call-id'], /^[0-9a-f-]{36}$/, 'a fresh call id')
    t.equal((await b.hendelser()).at(-1)?.callId, inniSvar.headers['nav-call-id'], 'on record under the fresh id')
    t.notMatch(logg(), ident.slice(6), 'the digits are in no log line')
  },
)

t.test('a personident in a path the router cannot decode: a 400 problem, echoed nowhere, logged nowhere', async (t) => {
  const { b, logg } = await medLogg(t)
  const ident = b.ident('ugradert-to-kommuner')
  for (const sti of [
    `/api/v1/oppslag/${ident}%`,
    `/api/v1/oppslag/%zz${ident}/konto`,
    `/api/v1/oppslag/${ident.repeat(10)}`,
  ]) {
    const svar = await b.kall('GET', sti)
    t.equal(svar.status, 400, sti)
    t.equal(svar.body?.code, 'UGYLDIG_FORESPORSEL', sti)
    t.notMatch(svar.tekst, ident, `${sti}: not echoed`)
  }
  t.match(logg(), /"url":"\(ingen rute\)"/, 'the requests were logged, without their path')
  t.notMatch(logg(), ident.slice(6), 'the digits are in no log line')
})
