// Every kind of bad input gets a clear problem+json 4xx and nothing else happens: no lookup, no
// data, no stack, no echo of what was sent.
import t from 'tap'
import { build } from '../helper.js'

const OPPSLAG = '/api/v1/oppslag'

t.test('bad input', async (t) => {
  const b = await build(t)
  const gyldig = b.ident('uten-saker')
  const start = await b.startOppslag('uten-saker')
  const id = start.body.oppslagId as string
  const hendelserFor = (await b.hendelser()).length

  const saker: {
    navn: string
    method: string
    sti: string
    body?: unknown
    raw?: string
    headers?: Record<string, string>
    status: number
    code: string
  }[] = [
    {
      navn: 'malformed JSON',
      method: 'POST',
      sti: OPPSLAG,
      raw: '{"personident": ',
      headers: { 'content-type': 'application/json' },
      status: 400,
      code: 'UGYLDIG_JSON',
    },
    {
      navn: 'empty JSON body',
      method: 'POST',
      sti: OPPSLAG,
      raw: '',
      headers: { 'content-type': 'application/json' },
      status: 400,
      code: 'UGYLDIG_JSON',
    },
    {
      navn: 'wrong content type',
      method: 'POST',
      sti: OPPSLAG,
      raw: `personident=${gyldig}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      code: 'FEIL_MEDIETYPE',
    },
    {
      navn: 'text/plain',
      method: 'POST',
      sti: OPPSLAG,
      raw: gyldig,
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'FEIL_MEDIETYPE',
    },
    {
      navn: 'body over the limit',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: gyldig, henvendelseId: 'H', fyll: 'x'.repeat(5000) },
      status: 413,
      code: 'FOR_STOR_FORESPORSEL',
    },
    {
      navn: 'unknown field',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: gyldig, henvendelseId: 'H', navn: 'x' },
      status: 400,
      code: 'UGYLDIG_FORESPORSEL',
    },
    {
      navn: 'personident not a string',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: 12345678901, henvendelseId: 'H' },
      status: 400,
      code: 'UGYLDIG_FORESPORSEL',
    },
    {
      navn: 'personident missing',
      method: 'POST',
      sti: OPPSLAG,
      body: { henvendelseId: 'H' },
      status: 400,
      code: 'UGYLDIG_FORESPORSEL',
    },
    { navn: 'array body', method: 'POST', sti: OPPSLAG, body: [gyldig], status: 400, code: 'UGYLDIG_FORESPORSEL' },
    {
      navn: 'control digits wrong',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: gyldig.slice(0, 10) + String((Number(gyldig[10]) + 1) % 10), henvendelseId: 'H' },
      status: 400,
      code: 'UGYLDIG_PERSONIDENT',
    },
    {
      navn: 'ten digits',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: gyldig.slice(0, 10), henvendelseId: 'H' },
      status: 400,
      code: 'UGYLDIG_PERSONIDENT',
    },
    {
      navn: 'letters',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: 'abcdefghijk', henvendelseId: 'H' },
      status: 400,
      code: 'UGYLDIG_PERSONIDENT',
    },
    {
      navn: 'henvendelseId missing',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: gyldig },
      status: 403,
      code: 'AVVIST_MANGLER_HENVENDELSE',
    },
    {
      navn: 'henvendelseId empty',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: gyldig, henvendelseId: '' },
      status: 403,
      code: 'AVVIST_MANGLER_HENVENDELSE',
    },
    {
      navn: 'henvendelseId with odd characters',
      method: 'POST',
      sti: OPPSLAG,
      body: { personident: gyldig, henvendelseId: 'a\nb' },
      status: 400,
      code: 'UGYLDIG_FORESPORSEL',
    },
    {
      navn: 'unknown kategori',
      method: 'GET',
      sti: `${OPPSLAG}/${id}/journalnotater`,
      status: 404,
      code: 'UKJENT_KATEGORI',
    },
    { navn: 'malformed oppslagId', method: 'GET', sti: `${OPPSLAG}/abc`, status: 400, code: 'UGYLDIG_OPPSLAG_ID' },
    {
      navn: 'malformed oppslagId with kategori',
      method: 'GET',
      sti: `${OPPSLAG}/abc/konto`,
      status: 400,
      code: 'UGYLDIG_OPPSLAG_ID',
    },
    {
      navn: 'a personident as oppslagId',
      method: 'GET',
      sti: `${OPPSLAG}/${gyldig}`,
      status: 400,
      code: 'UGYLDIG_OPPSLAG_ID',
    },
    {
      navn: 'well-formed unknown oppslagId',
      method: 'GET',
      sti: `${OPPSLAG}/${'A'.repeat(43)}`,
      status: 404,
      code: 'OPPSLAG_UTLOPT',
    },
    {
      navn: 'malformed oppslagId on DELETE',
      method: 'DELETE',
      sti: `${OPPSLAG}/x`,
      status: 400,
      code: 'UGYLDIG_OPPSLAG_ID',
    },
    { navn: 'unknown route', method: 'GET', sti: '/api/v2/oppslag', status: 404, code: 'IKKE_FUNNET' },
    { navn: 'GET on the collection', method: 'GET', sti: OPPSLAG, status: 404, code: 'IKKE_FUNNET' },
  ]
  for (const s of saker) {
    const svar = await b.kall(s.method, s.sti, {
      ...(s.body !== undefined ? { body: s.body } : {}),
      ...(s.raw !== undefined ? { raw: s.raw } : {}),
      ...(s.headers ? { headers: s.headers } : {}),
    })
    t.equal(svar.status, s.status, `${s.navn}: status`)
    t.equal(svar.body?.code, s.code, `${s.navn}: code`)
    t.match(svar.headers['content-type'], /^application\/problem\+json/, `${s.navn}: problem+json`)
    t.match(
      svar.body,
      { type: String, title: String, status: s.status, detail: String, callId: String },
      `${s.navn}: RFC 9457 fields`,
    )
    t.notMatch(svar.tekst, gyldig, `${s.navn}: the personident is not echoed`)
    t.notMatch(svar.tekst, /at .*\.(ts|js):\d+|stack/i, `${s.navn}: no stack`)
    t.notOk(svar.body?.oppslagId, `${s.navn}: no lookup`)
  }
  const nye = (await b.hendelser()).slice(hendelserFor)
  t.ok(
    nye.every((h) => h.beslutning === 'Deny'),
    'nothing but denials were recorded',
  )
  // The one read of an id that exists nowhere is on record as a denied read (DESIGN §6: tries at
  // unknown ids are audited: "each denial"); every other refusal stopped before any lookup was touched.
  const lesninger = nye.filter((h) => h.handling !== 'OPPSLAG_START')
  t.same(
    lesninger.map((h) => [h.handling, h.regel, h.personident]),
    [['LES', 'OPPSLAG_UTLOPT', null]],
    "no read happened: only the unknown id's try, denied and naming no one",
  )
  t.ok(
    nye.filter((h) => h.regel === 'UGYLDIG_PERSONIDENT').every((h) => h.personident === null),
    'an invalid personident is not stored: it may be a real person mistyped',
  )
})

t.test('tokens: every fault is the same 401', async (t) => {
  const b = await build(t)
  const body = { personident: b.ident('uten-saker'), henvendelseId: 'H' }
  const aud = b.config.auth.audience
  const na = Math.floor(Date.now() / 1000)
  const saker: [string, string | null, Record<string, string>?][] = [
    ['no token', null],
    ['garbage', 'abc.def.ghi'],
    ['expired', await b.token('Z990009', undefined, { exp: na - 3600, iat: na - 7200, nbf: na - 7200 })],
    ['nbf in the future', await b.token('Z990009', undefined, { nbf: na + 3600 })],
    ['wrong aud', await b.sim.lagToken({ navident: 'Z990009', groups: ['x'], aud: 'en-annen-app' })],
    ['wrong iss', await b.token('Z990009', undefined, { iss: 'https://login.example/annen' })],
    ['machine token', await b.sim.lagToken({ idtyp: 'app', aud })],
    ['NAVident missing', await b.token('Z990009', undefined, { NAVident: undefined })],
    ['NAVident malformed', await b.token('Z990009', undefined, { NAVident: 'x1' })],
    ['groups missing', await b.sim.lagToken({ navident: 'Z990009', groups: null, aud })],
  ]
  const ekte = await b.token()
  const [h, p, s] = ekte.split('.') as [string, string, string]
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString())
  const manipulert = Buffer.from(JSON.stringify({ ...payload, groups: ['alle'] })).toString('base64url')
  saker.push(['tampered payload', `${h}.${manipulert}.${s}`])
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
  saker.push(['alg none', `${none}.${p}.`])
  saker.push(['token in the query string', null, {}])
  for (const [navn, token] of saker) {
    const sti = navn === 'token in the query string' ? `/api/v1/oppslag?access_token=${ekte}` : '/api/v1/oppslag'
    const svar = await b.kall('POST', sti, { token, body })
    t.equal(svar.status, 401, navn)
    t.equal(svar.body?.code, 'UAUTENTISERT', navn)
    t.equal(svar.body?.detail, 'Gyldig brukertoken mangler.', `${navn}: does not say which check failed`)
  }
  t.equal((await b.kall('POST', '/api/v1/oppslag', { body })).status, 201, 'the genuine token works')
})

t.test('Nav-Call-Id is taken when sane, generated otherwise, and echoed', async (t) => {
  const b = await build(t)
  const med = await b.kall('GET', '/health/live', { token: null, headers: { 'nav-call-id': 'nks-123.abc' } })
  t.equal(med.headers['nav-call-id'], 'nks-123.abc')
  const feil = await b.kall('POST', '/api/v1/oppslag', { token: null, body: {}, headers: { 'nav-call-id': 'call-42' } })
  t.equal(feil.body.callId, 'call-42')
  const uten = await b.kall('GET', '/health/live', { token: null })
  t.match(uten.headers['nav-call-id'], /^[0-9a-f-]{36}$/)
  const skummel = await b.kall('GET', '/health/live', { token: null, headers: { 'nav-call-id': 'x"} {"personident' } })
  t.match(skummel.headers['nav-call-id'], /^[0-9a-f-]{36}$/, 'an unsafe id is replaced')
})
