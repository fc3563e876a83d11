// What validation makes of a hostile answer (issue 16 item 5): the byte and value bounds charge an
// answer for its parse, but zod's z.array reports every bad element at once, one issue per missing
// field: 2 MiB of `[{"p":"xxxxxxx"},…]` was ~790 000 issues, +240 MB of heap, and one such
// lookup ran a production heap (256 MiB, as `npm start`) out. Every list from outside is now
// checked element by element and refused at the first bad one (src/domain/liste.ts). The service
// runs here as in production, as a child process.
import { createServer, type IncomingMessage } from 'node:http'
import { randomUUID } from 'node:crypto'
import type * as Tap from 'tap'
import t from 'tap'
import { request } from 'undici'
import { DEV_VERDIER } from '../../src/config.js'
import { devSimulator } from '../helper.js'
import { startTjeneste } from '../prosess.js'

const MIB = 1024 * 1024

async function angrep(
  t: Tap.Test,
  miljo: (port: number) => Record<string, string>,
  svar: (req: IncomingMessage, kropp: string) => Buffer | null,
) {
  const server = createServer((req, res) => {
    let kropp = ''
    req.on('data', (d) => {
      kropp += d
    })
    req.on('end', () => {
      const b = svar(req, kropp)
      if (b) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length })
        res.end(b)
      } else {
        res.writeHead(404)
        res.end()
      }
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  t.teardown(() => server.close())
  const sim = await devSimulator(t)
  const dir = t.testdir()
  const tjeneste = await startTjeneste({
    ...DEV_VERDIER,
    ...sim.urls,
    ...miljo((server.address() as { port: number }).port),
    NODE_ENV: 'production',
    PDL_BEHANDLINGSNUMMER: 'B123',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    AUDIT_CEF: 'av',
    AUDIT_NOKKEL: 'minnetest-nokkel-med-mange-ulike-tegn',
    AUDIT_STORE: `sqlite:${dir}/audit.db`,
    OPPSLAG_START_PER_MINUTT: '1000',
    UPSTREAM_TIDSAVBRUDD_MS: '20000',
    OPPSLAG_FRIST_MS: '30000',
    NODE_OPTIONS: '--max-old-space-size=256',
  })
  let dod: string | null = null
  tjeneste.barn.once('exit', (kode, signal) => {
    dod = `exit ${kode} ${signal}`
  })
  t.teardown(
    () =>
      new Promise((ok) => {
        if (dod) return ok(undefined)
        tjeneste.barn.once('exit', ok)
        tjeneste.barn.kill('SIGTERM')
      }),
  )
  const token = await sim.lagToken({
    navident: 'Z990009',
    groups: [DEV_VERDIER.GRUPPE_NKS],
    aud: DEV_VERDIER.AZURE_APP_CLIENT_ID,
  })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const personer = sim.datasett.personer
    .filter((p) => p.adressebeskyttelse.every((g) => g === 'UGRADERT') && !p.skjermet)
    .map((p) => p.personident)
  const t0 = Date.now()
  const statuser = await Promise.all(
    Array.from({ length: Number(process.env['MINNE_SAMTIDIGE'] ?? 1) }, async (_, i) => {
      try {
        const start = await request(`${tjeneste.url}/api/v1/oppslag`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ personident: personer[i], henvendelseId: `HENV-${i}` }),
        })
        const { oppslagId } = (await start.body.json()) as { oppslagId?: string }
        if (!oppslagId) return start.statusCode
        const les = await request(`${tjeneste.url}/api/v1/oppslag/${oppslagId}`, { headers })
        await les.body.text()
        return les.statusCode
      } catch (e) {
        return (e as Error).message
      }
    }),
  )
  // Still serving after the lookups: a process that ran out of heap answers nothing.
  const levende = await request(`${tjeneste.url}/health/live`).then(
    (s) => s.statusCode,
    (e: Error) => e.message,
  )
  t.comment(`statuses ${JSON.stringify(statuser)} after ${Date.now() - t0} ms; process: ${dod ?? 'alive'}`)
  t.equal(dod, null, 'the process lives')
  t.equal(levende, 200, 'and answers')
  t.same([...new Set(statuser)], [200], 'every read answers (the source UTILGJENGELIG)')
}

const EL = '{"p":"xxxxxxx"},'

t.test('Fiks: a hostile case list just under the bounds (4 MiB)', async (t) => {
  const kropp = Buffer.from(`[${EL.repeat(Math.floor((4 * MIB - 100) / EL.length))}{}]`)
  await angrep(
    t,
    (port) => ({ FIKS_DIGISOS_URL: `http://127.0.0.1:${port}` }),
    (req) => (req.method === 'POST' && req.url?.startsWith('/digisos/api/v1/nav/soknader/soknader') ? kropp : null),
  )
})

t.test('a municipality: a hostile fagsystem answer just under the bounds (2 MiB)', async (t) => {
  const fyll = EL.repeat(Math.floor((2 * MIB - 600) / EL.length))
  await angrep(
    t,
    (port) => ({ FIKS_IO_URL: `http://127.0.0.1:${port}` }),
    (req, tekst) => {
      if (req.method !== 'POST') return null
      const f = JSON.parse(tekst) as {
        meldingId: string
        mottaker: { kommunenummer: string }
        data: { personident: string }
      }
      return Buffer.from(
        `{"versjon":1,"meldingType":"no.nav.stonadsoppslag.hent-stonadsopplysninger.svar.v1","meldingId":"${randomUUID()}","svarPaMelding":"${f.meldingId}",` +
          `"avsender":{"kommunenummer":"${f.mottaker.kommunenummer}","fagsystem":"x","dialekt":"generisk.v1"},` +
          `"data":{"personident":"${f.data.personident}","kontonummer":null,"adresse":null,"midlertidigBolig":[],"kvalifiseringsprogram":[${fyll}{}]}}`,
      )
    },
  )
})

t.test('a municipality: every list under its cap, every element of the inner lists bad (2 MiB)', async (t) => {
  // 500 KVPs (the cap), each with 240 payouts of the wrong shape: no list is too long, so only
  // stopping at the first bad element keeps the issues few.
  const utbetalinger = `${EL.repeat(239)}{}`
  const kvp = `{"status":"AKTIV","vedtaksdato":null,"fom":null,"tom":null,"sistEndret":"2026-11-01","stonad":{"belopPerManed":null,"utbetalinger":[${utbetalinger}]}}`
  const liste = Array.from({ length: 500 }, () => kvp).join(',')
  await angrep(
    t,
    (port) => ({ FIKS_IO_URL: `http://127.0.0.1:${port}` }),
    (req, tekst) => {
      if (req.method !== 'POST') return null
      const f = JSON.parse(tekst) as {
        meldingId: string
        mottaker: { kommunenummer: string }
        data: { personident: string }
      }
      return Buffer.from(
        `{"versjon":1,"meldingType":"no.nav.stonadsoppslag.hent-stonadsopplysninger.svar.v1","meldingId":"${randomUUID()}","svarPaMelding":"${f.meldingId}",` +
          `"avsender":{"kommunenummer":"${f.mottaker.kommunenummer}","fagsystem":"x","dialekt":"generisk.v1"},` +
          `"data":{"personident":"${f.data.personident}","kontonummer":null,"adresse":null,"midlertidigBolig":[],"kvalifiseringsprogram":[${liste}]}}`,
      )
    },
  )
})
