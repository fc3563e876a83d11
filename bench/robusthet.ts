// Resilience measurements (`npm run bench:robusthet`, never part of `npm test`), everything on
// loopback in this process: the real service and the simulator.
//  1. Lookup latency (POST + GET of all categories) with one municipality healthy and one not
//     answering, against the configured deadline: with the breaker kept shut and with it working.
//  2. Upstream calls for a burst of lookups, with calls in flight shared, against the same lookups
//     made one at a time (nothing in flight to share: what the burst would cost without sharing).
// Environment: BENCH_FRIST_MS (default 3000, the service's default), BENCH_ANTALL (default 40).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { buildApp } from '../src/app.js'
import { byggKonfig, DEV_VERDIER, lesMiljo } from '../src/config.js'
import { personMedTag, startSimulator, type KjorendeSimulator } from '../simulator/index.js'

const FRIST = Number(process.env['BENCH_FRIST_MS'] ?? 3000)
const ANTALL = Number(process.env['BENCH_ANTALL'] ?? 40)

async function tjeneste(sim: KjorendeSimulator, miljo: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'robusthet-'))
  const config = byggKonfig(
    lesMiljo({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      AUDIT_CEF: 'av',
      AUDIT_STORE: `sqlite:${dir}/audit.db`,
      RATE_LIMIT_PER_MINUTT: '1000000',
      OPPSLAG_START_PER_MINUTT: '1000000',
      OPPSLAG_FRIST_MS: String(FRIST),
      UPSTREAM_TIDSAVBRUDD_MS: String(FRIST * 2),
      ...miljo,
    }),
    { ...DEV_VERDIER, ...sim.urls },
  )
  const app = await buildApp(config)
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, app }
}

async function kall(url: string, method: 'GET' | 'POST', sti: string, token: string, body?: unknown) {
  const svar = await request(`${url}${sti}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : null,
  })
  return { status: svar.statusCode, body: (await svar.body.json()) as Record<string, unknown> }
}

const persentil = (ms: number[], p: number) => {
  const s = [...ms].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN
}

/** ANTALL lookups, `samtidig` at a time; returns each lookup's total ms and the kilder seen. */
async function oppslag(url: string, token: string, personident: string, samtidig: number) {
  const tider: number[] = []
  const statuser = new Map<string, number>()
  let neste = 0
  await Promise.all(
    Array.from({ length: samtidig }, async () => {
      while (neste++ < ANTALL) {
        const t0 = performance.now()
        const start = await kall(url, 'POST', '/api/v1/oppslag', token, { personident, henvendelseId: 'BENCH' })
        const alt = await kall(url, 'GET', `/api/v1/oppslag/${String(start.body['oppslagId'])}`, token)
        tider.push(performance.now() - t0)
        const kilder = (alt.body['kilder'] as { kommunenummer: string; system: string; status: string }[])
          .map((k) => `${k.kommunenummer}/${k.system} ${k.status}`)
          .join(', ')
        statuser.set(kilder, (statuser.get(kilder) ?? 0) + 1)
      }
    }),
  )
  return { tider, statuser }
}

async function main() {
  const sim = await startSimulator({
    integrasjon: { id: DEV_VERDIER.FIKS_INTEGRASJON_ID, passord: DEV_VERDIER.FIKS_INTEGRASJON_PASSORD },
    audience: DEV_VERDIER.AZURE_APP_CLIENT_ID,
    groups: [DEV_VERDIER.GRUPPE_NKS],
  })
  const token = (navident: string) =>
    sim.lagToken({ navident, groups: [DEV_VERDIER.GRUPPE_NKS], aud: DEV_VERDIER.AZURE_APP_CLIENT_ID })
  const ident = (tag: string) => personMedTag(sim.datasett, tag).personident
  const linjer: string[] = [
    `# Resilience measurements`,
    ``,
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; service and simulator in one process on loopback; deadline OPPSLAG_FRIST_MS=${FRIST}; ${ANTALL} lookups per row, 10 at a time.`,
    ``,
    `## 1. Lookup latency (POST + GET all), Oslo healthy, Bergen (4601) not answering`,
    ``,
    `| case | p50 ms | p90 ms | p99 ms | max ms | at the deadline | kilder seen |`,
    `|---|---:|---:|---:|---:|---:|---|`,
  ]
  const rad = (navn: string, r: Awaited<ReturnType<typeof oppslag>>) => {
    const kilder = [...r.statuser].map(([k, n]) => `${n}× ${k}`).join('; ')
    const vedFristen = r.tider.filter((ms) => ms >= FRIST).length
    const p = (n: number) => persentil(r.tider, n).toFixed(0)
    linjer.push(
      `| ${navn} | ${p(50)} | ${p(90)} | ${p(99)} | ${Math.max(...r.tider).toFixed(0)} | ${vedFristen} of ${r.tider.length} | ${kilder} |`,
    )
    console.error(linjer.at(-1))
  }
  const person = ident('ugradert-to-kommuner')
  {
    const s = await tjeneste(sim, {})
    rad('both healthy', await oppslag(s.url, await token('Z990009'), person, 10))
    await s.app.close()
  }
  sim.styring.settFeil({ kommunenummer: '4601' }, { latencyMs: FRIST * 10 })
  {
    const s = await tjeneste(sim, { BRYTER_FEIL_PA_RAD: '1000000' })
    rad('Bergen hangs, breaker kept shut', await oppslag(s.url, await token('Z990009'), person, 10))
    await s.app.close()
  }
  {
    const s = await tjeneste(sim, {})
    rad('Bergen hangs, breaker on (defaults)', await oppslag(s.url, await token('Z990009'), person, 10))
    await s.app.close()
  }
  sim.styring.fjernAlleFeil()

  linjer.push(
    ``,
    `## 2. Upstream calls for ${ANTALL} lookups (simulator answering after 50 ms)`,
    ``,
    `| case | calls in all | per upstream |`,
    `|---|---:|---|`,
  )
  for (const u of [
    'pdl',
    'skjerming',
    'nom',
    'fiks-soknader',
    'fiks-dokument',
    'fiks-kommuneinfo',
    'fiks-io',
    'texas',
  ] as const) {
    sim.styring.settFeil({ upstream: u }, { latencyMs: 50 })
  }
  const telling = (navn: string) => {
    const per = sim.styring.kall().perUpstream
    const sum = Object.values(per).reduce((a, n) => a + (n ?? 0), 0)
    linjer.push(
      `| ${navn} | ${sum} | ${Object.entries(per)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')} |`,
    )
    console.error(linjer.at(-1))
    sim.styring.nullstillKall()
  }
  const s = await tjeneste(sim, {})
  const ansatte = await Promise.all(Array.from({ length: ANTALL }, (_, i) => token(`Z99${String(5000 + i)}`)))
  const start = (tokens: string[], personer: string[]) =>
    Promise.all(
      tokens.map(async (tk, i) => ({
        tk,
        id: String(
          (
            await kall(s.url, 'POST', '/api/v1/oppslag', tk, {
              personident: personer[i % personer.length],
              henvendelseId: 'B',
            })
          ).body['oppslagId'],
        ),
      })),
    )
  const les = (o: { tk: string; id: string }) => kall(s.url, 'GET', `/api/v1/oppslag/${o.id}`, o.tk)

  // A warm-up lookup so that both rows start with the token service's tokens cached.
  await les((await start([ansatte[0] as string], [person]))[0] as { tk: string; id: string })
  sim.styring.nullstillKall()
  const enOmGangen = async (personer: string[]) => {
    for (const [i, tk] of ansatte.entries())
      await les((await start([tk], [personer[i % personer.length] as string]))[0] as { tk: string; id: string })
  }
  await enOmGangen([person])
  telling(`same person, ${ANTALL} employees, one lookup at a time (nothing to share)`)
  const burst = await start(ansatte, [person])
  telling(`same person: the ${ANTALL} starts at once`)
  await Promise.all(burst.map(les))
  telling(`same person: the ${ANTALL} reads at once`)
  const oslo = [
    'kvp-generisk',
    'utbetaling-annen-mottaker',
    'gammel-sak',
    'feilregistrert-sak',
    'ukjent-hendelsestype',
  ].map(ident)
  await enOmGangen(oslo)
  telling(`5 persons in Oslo, ${ANTALL} lookups one at a time`)
  await Promise.all((await start(ansatte, oslo)).map(les))
  telling(`5 persons in Oslo, ${ANTALL} lookups at once (starts and reads)`)
  await s.app.close()
  await sim.close()

  mkdirSync('bench-results', { recursive: true })
  const fil = `bench-results/robusthet-${new Date().toISOString().replace(/[:.]/g, '-')}.md`
  writeFileSync(fil, `${linjer.join('\n')}\n`)
  console.log(linjer.join('\n'))
  console.log(`\n(written to ${fil})`)
}

await main()
