// Application logs never contain a personident, a token, an account number or an address, also
// when things go wrong.
import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import fc from 'fast-check'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { SqliteAuditStore } from '../src/audit/sqlite.js'
import { byggKonfig, DEV_VERDIER, lesMiljo } from '../src/config.js'
import { isoTid, utviklingsStrom } from '../src/plugins/loggformat.js'
import { standardDatasett } from '../simulator/index.js'
import { request } from 'undici'
import { devSimulator } from './helper.js'

t.test('nothing personal reaches a log line', async (t) => {
  const linjer: string[] = []
  const strom = new Writable({
    write: (c, _e, cb) => {
      linjer.push(String(c))
      cb()
    },
  })
  const sim = await devSimulator(t)
  const dir = t.testdir()
  const config = byggKonfig(
    lesMiljo({ NODE_ENV: 'test', LOG_LEVEL: 'trace', LOGG_FORESPORSLER: 'ja', UPSTREAM_TIDSAVBRUDD_MS: '300' }),
    { ...DEV_VERDIER, ...sim.urls },
  )
  const app = await buildApp(config, { audit: new SqliteAuditStore(`${dir}/a.db`), logStrom: strom })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const token = await sim.lagToken({ navident: 'Z990009', groups: [DEV_VERDIER.GRUPPE_NKS], aud: config.auth.audience })

  sim.styring.settFeil({ kommunenummer: '4601' }, { malformed: true })
  const personer = standardDatasett().personer
  for (const p of personer) {
    const svar = await request(`${url}/api/v1/oppslag?personident=${p.personident}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personident: p.personident, henvendelseId: 'H-1' }),
    })
    const body = (await svar.body.json()) as { oppslagId?: string }
    if (body.oppslagId) {
      await (
        await request(`${url}/api/v1/oppslag/${body.oppslagId}`, { headers: { authorization: `Bearer ${token}` } })
      ).body.text()
    }
  }
  sim.styring.settFeil({ upstream: 'pdl' }, { status: 500 })
  await (
    await request(`${url}/api/v1/oppslag`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personident: personer[0]?.personident, henvendelseId: 'H' }),
    })
  ).body.text()

  // A personident in the path (a client's mistake): 400 or 404, and the path is not logged as is.
  const ident = personer[0]?.personident as string
  const kodet = [...ident].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')
  for (const sti of [
    `/api/v1/oppslag/${ident}/konto`,
    `/api/v1/person/${ident}`,
    `/${ident}`,
    `/${kodet}`,
    `/api/v1/${ident.slice(0, 3)}-${ident.slice(3)}`,
  ]) {
    await (await request(`${url}${sti}`, { headers: { authorization: `Bearer ${token}` } })).body.text()
  }

  const logg = linjer.join('')
  t.ok(linjer.length > personer.length, 'requests were logged')
  for (const p of personer) t.notMatch(logg, p.personident, 'no personident')
  t.notMatch(logg, kodet, 'not percent-encoded either')
  t.notMatch(logg, ident.slice(3), 'nor in pieces')
  t.notMatch(logg, token.split('.')[1] as string, 'no token')
  t.notMatch(logg, /\b\d{11}\b/, 'no 11-digit number at all (personident or account)')
  for (const p of personer) {
    for (const a of JSON.stringify(p.fagsystem).match(/"(adresselinjer|gate)":\s*\[?"([^"]+)"/g) ?? []) {
      t.notMatch(logg, a.split('"').at(-2) as string, 'no address')
    }
  }
})

t.test('request lines only when asked for (LOGG_FORESPORSLER); an unexpected error is logged either way', async (t) => {
  const sim = await devSimulator(t)
  for (const [verdi, forventet] of [
    [undefined, 0],
    ['ja', 2],
  ] as const) {
    const linjer: string[] = []
    const strom = new Writable({
      write: (c, _e, cb) => {
        linjer.push(String(c))
        cb()
      },
    })
    const config = byggKonfig(lesMiljo({ NODE_ENV: 'test', ...(verdi ? { LOGG_FORESPORSLER: verdi } : {}) }), {
      ...DEV_VERDIER,
      ...sim.urls,
    })
    const app = await buildApp(config, {
      audit: new SqliteAuditStore(`${t.testdir()}/a-${verdi ?? 'standard'}.db`),
      logStrom: strom,
    })
    app.get('/krasj', async () => {
      throw new Error('uventet')
    })
    await app.inject({ url: '/health/live' })
    t.equal(
      linjer.filter((l) => /"message":"(incoming request|request completed)"/.test(l)).length,
      forventet,
      `LOGG_FORESPORSLER=${verdi ?? '(standard)'}`,
    )
    await app.inject({ url: '/krasj' })
    t.ok(
      linjer.some((l) => l.includes('"message":"uventet feil"')),
      'the unexpected error is logged',
    )
    await app.close()
  }
})

// NAV's log shape: the fields of logstash-logback-encoder's LoggingEvent (README, "LoggingEvent
// Fields", github.com/logfellow/logstash-logback-encoder: @timestamp, message, level as text,
// stack_trace), which navikt's logback configurations write and NAIS's Loki queries read; the
// caller's trace context from W3C Trace Context's traceparent (w3.org/TR/trace-context §3.2).
t.test(
  "log lines in NAV's shape: message, text level, ISO @timestamp, stack_trace, x_call_id, trace ids",
  async (t) => {
    const sim = await devSimulator(t)
    const linjer: Record<string, unknown>[] = []
    const strom = new Writable({
      write: (c, _e, cb) => {
        linjer.push(JSON.parse(String(c)) as Record<string, unknown>)
        cb()
      },
    })
    const config = byggKonfig(lesMiljo({ NODE_ENV: 'test' }), { ...DEV_VERDIER, ...sim.urls })
    const app = await buildApp(config, { audit: new SqliteAuditStore(`${t.testdir()}/a.db`), logStrom: strom })
    t.teardown(() => app.close())
    app.get('/krasj', async () => {
      throw new Error('uventet', { cause: new TypeError('årsaken') })
    })
    const sporing = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    const for_ = Date.now()
    await app.inject({ url: '/krasj', headers: { 'nav-call-id': 'kall-1', traceparent: sporing } })
    const linje = linjer.find((l) => l.message === 'uventet feil')
    t.ok(linje, 'the error is logged under `message`')
    t.notOk('msg' in (linje ?? {}), 'no `msg`')
    t.equal(linje?.level, 'ERROR', 'level as text')
    const tid = linje?.['@timestamp'] as string
    t.equal(new Date(tid).toISOString(), tid, '@timestamp is ISO 8601 (UTC)')
    t.ok(Date.parse(tid) >= for_ - 1000 && Date.parse(tid) <= Date.now(), 'and now')
    t.notOk('time' in (linje ?? {}), 'no epoch time')
    t.match(
      linje?.stack_trace,
      /^Error: uventet\n\s+at [^\n]+[\s\S]*\nCaused by: TypeError: årsaken\n\s+at /,
      'stack_trace with the cause, as a string',
    )
    t.notOk('err' in (linje ?? {}), 'not also as an object')
    t.equal(linje?.x_call_id, 'kall-1')
    t.equal(linje?.trace_id, '0af7651916cd43dd8448eb211c80319c')
    t.equal(linje?.span_id, 'b7ad6b7169203331')

    for (const ugyldig of [
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      'tull',
      '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
    ]) {
      linjer.length = 0
      await app.inject({ url: '/krasj', headers: { traceparent: ugyldig } })
      const l = linjer.find((x) => x.message === 'uventet feil')
      t.ok(l, ugyldig)
      t.notOk('trace_id' in (l ?? {}) || 'span_id' in (l ?? {}), `no trace ids from ${ugyldig}`)
      t.match(l?.x_call_id, /^[0-9a-f-]{36}$/, 'a generated call id')
    }
  },
)

t.test('pino-pretty only in development at a terminal, and only as a devDependency', async (t) => {
  t.equal(await utviklingsStrom('production', true), null)
  t.equal(await utviklingsStrom('test', true), null)
  t.equal(await utviklingsStrom('development', false), null, 'piped output stays JSON')
  const pen = await utviklingsStrom('development', true)
  t.ok(pen, 'development at a terminal')
  const pakke = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>
    devDependencies: Record<string, string>
  }
  t.ok(pakke.devDependencies['pino-pretty'], 'a devDependency')
  t.notOk(pakke.dependencies['pino-pretty'], 'not a dependency: the production image (npm prune --omit=dev) has none')
})

t.test('@timestamp is exactly what toISOString writes, whatever order the times come in', async (t) => {
  // Years 1970-2199: toISOString's four-digit form (the cached prefix is cut at a fixed length).
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 7_258_118_399_999 }), { minLength: 1, maxLength: 20 }), (tider) => {
      for (const ms of tider) if (isoTid(ms) !== new Date(ms).toISOString()) return false
      return true
    }),
    { numRuns: 2000 },
  )
  for (const ms of [0, 999, 1000, 1_764_979_199_999, 1_764_979_200_000, 1_764_979_200_001])
    t.equal(isoTid(ms), new Date(ms).toISOString(), String(ms))
})
