import { createServer } from 'node:net'
import { Writable } from 'node:stream'
import t from 'tap'
import { cefHode, cefVerdi, stdoutSink, syslogSink, tilCef, tilCefHode } from '../../src/audit/cef.js'
import type { AuditHendelse } from '../../src/audit/port.js'

const hendelse = (felt: Partial<AuditHendelse> = {}): AuditHendelse => ({
  tid: '2026-11-23T10:00:00.000Z',
  navident: 'Z990001',
  handling: 'LES',
  kategori: 'konto',
  personident: '14839010150',
  henvendelseId: 'HENV-1',
  beslutning: 'Permit',
  regel: null,
  kilde: 'upstream',
  sporingsIder: ['a', 'b'],
  callId: 'call-1',
  instans: 'pod-1',
  ...felt,
})

t.test('escaping: | in the header, = and \\ and line breaks in extensions', async (t) => {
  t.equal(cefHode('a|b\\c\nd'), 'a\\|b\\\\c d')
  t.equal(cefVerdi('a=b\\c\nd\re|f'), 'a\\=b\\\\c\\nd\\re|f', 'a pipe needs no escape in an extension')
  const linje = tilCef(hendelse({ henvendelseId: 'x=1|2\\3\nsuid=Z999999', callId: 'c' }))
  t.notMatch(linje, /\n/, 'one line')
  t.match(linje, 'cs5=x\\=1|2\\\\3\\nsuid\\=Z999999', 'an injected key=value stays inside its value')
  t.equal(linje.match(/ suid=/g)?.length, 1, 'only the real suid')
})

t.test('the NAV convention: Permit INFO, Deny WARN, with the fields the audit system reads', async (t) => {
  const p = tilCef(hendelse())
  t.match(p, /^CEF:0\|stonadsoppslag\|AuditLogger\|1\.0\|audit:access\|[^|]+\|INFO\|/)
  for (const felt of [
    'suid=Z990001',
    'duid=14839010150',
    `end=${Date.parse('2026-11-23T10:00:00.000Z')}`,
    'sproc=call-1',
    'flexString1Label=Decision',
    'flexString1=Permit',
    'cs6=upstream a,b',
    'cs3=konto',
  ])
    t.match(p, felt)
  const d = tilCef(hendelse({ beslutning: 'Deny', regel: 'AVVIST_HABILITET', kategori: null, kilde: null }))
  t.match(d, '|WARN|')
  t.match(d, 'flexString1=Deny')
  t.match(d, 'flexString2=AVVIST_HABILITET')
  t.notMatch(d, 'cs3=', 'absent values are left out')
})

t.test('the current ident, when it is not the typed one, is named beside duid (DESIGN §4)', async (t) => {
  const byttet = tilCef(hendelse({ personident: '54838850114', gjeldendeIdent: '14838840087' }))
  t.match(byttet, 'duid=54838850114')
  t.match(byttet, 'cs4Label=GjeldendeIdent cs4=14838840087')
  for (const h of [hendelse({ gjeldendeIdent: '14839010150' }), hendelse({ gjeldendeIdent: null }), hendelse()]) {
    t.notMatch(tilCef(h), 'cs4', 'the same ident, or none: the line is as before')
  }
})

t.test('stdout sink writes under its own logger name', async (t) => {
  const linjer: string[] = []
  const sink = stdoutSink(
    new Writable({
      write: (c, _e, cb) => {
        linjer.push(String(c))
        cb()
      },
    }),
  )
  sink.send([tilCef(hendelse())])
  await sink.lukk()
  const l = JSON.parse(linjer[0] as string)
  t.equal(l.name, 'auditLogger')
  t.match(l.msg, /^CEF:0\|/)
})

t.test('syslog over TCP: RFC 5424 frames with octet counting; lines wait while the server is down', async (t) => {
  let mottatt = ''
  const server = createServer((s) =>
    s.on('data', (d) => {
      mottatt += String(d)
    }),
  )
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as { port: number }).port
  const sink = syslogSink('127.0.0.1', port)
  sink.send([tilCef(hendelse()), tilCef(hendelse({ beslutning: 'Deny', regel: 'X' }))])
  for (let i = 0; i < 50 && !mottatt.includes('flexString1=Deny'); i++) await new Promise((r) => setTimeout(r, 20))
  const rammer: string[] = []
  let rest = mottatt
  while (rest.length > 0) {
    const m = /^(\d+) /.exec(rest)
    if (!m) break
    const lengde = Number(m[1])
    const start = (m[0] as string).length
    rammer.push(Buffer.from(rest.slice(start)).subarray(0, lengde).toString())
    rest = Buffer.from(rest.slice(start)).subarray(lengde).toString()
  }
  t.equal(rammer.length, 2)
  t.match(rammer[0], /^<14>1 \S+ \S+ stonadsoppslag \d+ audit - CEF:0\|/)
  t.match(rammer[1], /^<12>1 /, 'Deny as warning')
  await sink.lukk()
  await new Promise<void>((ok) => server.close(() => ok()))
})

t.test('the chain head: last id, hash and count, in the audit stream', async (t) => {
  const hash = 'ab'.repeat(32)
  t.equal(
    tilCefHode({ id: 42, hash, antall: 40 }, 'vm:1', 1_767_000_000_000),
    `CEF:0|stonadsoppslag|AuditLogger|1.0|audit:kjedehode|Revisjonsloggens kjedehode|INFO|end=1767000000000 cn1Label=SisteId cn1=42 cs1Label=Hash cs1=${hash} cn2Label=Antall cn2=40 dvchost=vm:1`,
  )
  t.notMatch(tilCefHode({ id: 1, hash, antall: 1 }, 'a=b', 0), /dvchost=a=b/, 'escaped as any extension')
})
