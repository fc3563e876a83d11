// The lazy request logger: no pino child for a request that logs nothing at an enabled level, and
// every line that is written is pino's own (bindings, redaction, route log level).
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import Fastify, { LogController } from 'fastify'
import { latBarnelogger } from '../../src/plugins/barnelogger.js'

async function app(t: Test, level: string) {
  const linjer: Record<string, unknown>[] = []
  const stream = new Writable({
    write: (c, _e, cb) => {
      linjer.push(JSON.parse(String(c)) as Record<string, unknown>)
      cb()
    },
  })
  const a = Fastify({
    logger: { level, stream, redact: { paths: ['*.personident'], censor: '[skjult]' } },
    childLoggerFactory: latBarnelogger,
    logController: new LogController({ disableRequestLogging: true }),
  })
  let barn = 0
  // Counts children made of the app's logger (pino children inherit this property, so `this`).
  const child = a.log.child
  a.log.child = function (this: typeof a.log, ...args: Parameters<typeof child>) {
    barn++
    return child.apply(this, args)
  } as typeof child
  a.get('/stille', async (request) => {
    request.log.debug({ x: 1 }, 'ikke skrevet')
    return { level: request.log.level }
  })
  a.get('/skriver', async (request) => {
    request.log.warn({ data: { personident: '14839010150' } }, 'skrevet')
    return {}
  })
  a.get('/egen-niva', { logLevel: 'debug' }, async (request) => {
    request.log.debug('på rutens nivå')
    return { level: request.log.level }
  })
  t.teardown(() => a.close())
  return { a, linjer, barn: () => barn }
}

t.test('a request that logs nothing at an enabled level makes no child', async (t) => {
  const { a, linjer, barn } = await app(t, 'info')
  const svar = await a.inject({ url: '/stille', headers: { 'nav-call-id': 'c-1' } })
  t.same(svar.json(), { level: 'info' })
  t.equal(barn(), 0)
  t.same(linjer, [])
})

t.test('a line that is written carries the request id and is redacted by pino', async (t) => {
  const { a, linjer, barn } = await app(t, 'info')
  await a.inject({ url: '/skriver' })
  t.equal(barn(), 1)
  t.equal(linjer.length, 1)
  const linje = linjer[0] as { reqId?: string; msg: string; data: { personident: string } }
  t.equal(linje.msg, 'skrevet')
  t.match(linje.reqId, /^req-/)
  t.equal(linje.data.personident, '[skjult]')
})

t.test("a route's own log level is honoured", async (t) => {
  const { a, linjer } = await app(t, 'info')
  const svar = await a.inject({ url: '/egen-niva' })
  t.same(svar.json(), { level: 'debug' })
  t.equal(linjer.length, 1)
  t.equal((linjer[0] as { msg: string }).msg, 'på rutens nivå')
})

t.test("a request's own logger level, once set, decides", async (t) => {
  const { a, linjer } = await app(t, 'info')
  a.get('/sett-niva', async (request) => {
    request.log.level = 'debug'
    request.log.debug('etter at nivået ble satt')
    return { level: request.log.level }
  })
  const svar = await a.inject({ url: '/sett-niva' })
  t.same(svar.json(), { level: 'debug' })
  t.equal((linjer[0] as { msg?: string } | undefined)?.msg, 'etter at nivået ble satt')
})

t.test('child loggers of the request logger are real pino children', async (t) => {
  const { a, linjer } = await app(t, 'info')
  a.get('/barnebarn', async (request) => {
    request.log.child({ del: 'x' }).info('fra barnebarn')
    return {}
  })
  await a.inject({ url: '/barnebarn' })
  t.match(linjer[0], { del: 'x', msg: 'fra barnebarn', reqId: /^req-/ })
})
