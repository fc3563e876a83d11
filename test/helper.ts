// One build(t) helper: the real service listening on loopback, talking real HTTP to a real
// simulator on loopback, with a SQLite audit store in the test's own directory.
import type { Test } from 'tap'
import { request } from 'undici'
import { buildApp, type Avhengigheter } from '../src/app.js'
import type { AuditStore, LagretHendelse } from '../src/audit/port.js'
import { SqliteAuditStore } from '../src/audit/sqlite.js'
import { byggKonfig, DEV_VERDIER, lesMiljo, UPSTREAM_VARIABLER, type Config } from '../src/config.js'
import { personMedTag, standardDatasett, startSimulator, type KjorendeSimulator } from '../simulator/index.js'
import type { Datasett } from '../simulator/dataset.js'

export const GRUPPER = {
  nks: DEV_VERDIER.GRUPPE_NKS,
  strengtFortrolig: DEV_VERDIER.GRUPPE_STRENGT_FORTROLIG,
  fortrolig: DEV_VERDIER.GRUPPE_FORTROLIG,
  egneAnsatte: DEV_VERDIER.GRUPPE_EGNE_ANSATTE,
  revisjon: DEV_VERDIER.GRUPPE_REVISJON,
}

/** The audit chain's key for tests that start the service in production mode (which requires one). */
export const TEST_AUDIT_NOKKEL = 'test-revisjonslogg-nokkel-0123456789abcdef'

export interface Svar {
  status: number
  headers: Record<string, string | string[] | undefined>
  tekst: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

export interface BuildValg {
  miljo?: Record<string, string>
  audit?: AuditStore
  na?: Avhengigheter['na']
  simulator?: KjorendeSimulator
  /** Where the service's log lines go (set LOG_LEVEL in miljo: the default is silent). */
  logStrom?: Avhengigheter['logStrom']
  /** Serve Swagger UI on /docs, as `npm run dev` does. */
  dokumentasjon?: boolean
}

export interface Bygget {
  url: string
  config: Config
  sim: KjorendeSimulator
  audit: AuditStore
  /** A user token for NAVident (default Z990009: an NKS employee with no relatives in the data). */
  token(navident?: string, grupper?: string[], ekstra?: Record<string, unknown>): Promise<string>
  kall(
    method: string,
    sti: string,
    valg?: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<Svar>
  /** POST /api/v1/oppslag for the dataset person with this tag; returns the response. */
  startOppslag(tag: string, valg?: { token?: string; henvendelseId?: string | null }): Promise<Svar>
  ident(tag: string): string
  /** Every audit event so far, in chain order. */
  hendelser(): Promise<LagretHendelse[]>
}

/** The simulator with the service's dev values (Fiks integration, audience, the NKS group),
 *  closed when the test ends. */
/** The simulator on the bundled dataset, changed first by `endre` when a test needs a variant. */
export async function devSimulator(t: Test, endre?: (d: Datasett) => void): Promise<KjorendeSimulator> {
  const datasett = standardDatasett()
  endre?.(datasett)
  const sim = await startSimulator({
    integrasjon: { id: DEV_VERDIER.FIKS_INTEGRASJON_ID, passord: DEV_VERDIER.FIKS_INTEGRASJON_PASSORD },
    audience: DEV_VERDIER.AZURE_APP_CLIENT_ID,
    groups: [GRUPPER.nks],
    datasett,
  })
  t.teardown(() => sim.close())
  return sim
}

export async function build(t: Test, valg: BuildValg = {}): Promise<Bygget> {
  const sim = valg.simulator ?? (await devSimulator(t))
  const dir = t.testdir()
  // Upstream URLs given by a test replace the simulator's (all or none must be in the environment).
  const miljo = Object.fromEntries(
    Object.entries(valg.miljo ?? {}).filter(([k]) => !(UPSTREAM_VARIABLER as readonly string[]).includes(k)),
  )
  const urler = Object.fromEntries(
    Object.entries(valg.miljo ?? {}).filter(([k]) => (UPSTREAM_VARIABLER as readonly string[]).includes(k)),
  )
  const config = byggKonfig(
    // Tests start far more lookups per employee than a person could; the start limit's own test sets it.
    lesMiljo({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      AUDIT_CEF: 'av',
      AUDIT_STORE: `sqlite:${dir}/audit.db`,
      UPSTREAM_TIDSAVBRUDD_MS: '1500',
      OPPSLAG_START_PER_MINUTT: '100000',
      ...miljo,
    }),
    { ...DEV_VERDIER, ...sim.urls, ...urler },
  )
  const audit =
    valg.audit ??
    new SqliteAuditStore(`${dir}/audit.db`, { nokkel: config.audit.nokkel, skrivefristMs: config.audit.skrivefristMs })
  const app = await buildApp(config, {
    audit,
    ...(valg.na ? { na: valg.na } : {}),
    ...(valg.logStrom ? { logStrom: valg.logStrom } : {}),
    ...(valg.dokumentasjon ? { dokumentasjon: true } : {}),
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const adr = app.server.address()
  const url = `http://127.0.0.1:${typeof adr === 'object' && adr ? adr.port : 0}`

  const token: Bygget['token'] = (navident = 'Z990009', grupper = [GRUPPER.nks], ekstra = {}) =>
    sim.lagToken({ navident, groups: grupper, aud: config.auth.audience, ...ekstra })

  let standardToken: string | undefined
  const kall: Bygget['kall'] = async (method, sti, k = {}) => {
    const auth = k.token === undefined ? (standardToken ??= await token()) : k.token
    const headers: Record<string, string> = { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...k.headers }
    let body: string | undefined = k.raw
    if (k.body !== undefined) {
      body = JSON.stringify(k.body)
      headers['content-type'] ??= 'application/json'
    }
    const svar = await request(`${url}${sti}`, { method: method as 'GET', headers, body: body ?? null })
    const tekst = await svar.body.text()
    let parsed: unknown
    try {
      parsed = tekst ? JSON.parse(tekst) : undefined
    } catch {
      parsed = undefined
    }
    return { status: svar.statusCode, headers: svar.headers, tekst, body: parsed }
  }
  const ident = (tag: string) => personMedTag(sim.datasett, tag).personident
  const startOppslag: Bygget['startOppslag'] = (tag, v = {}) =>
    kall('POST', '/api/v1/oppslag', {
      ...(v.token !== undefined ? { token: v.token } : {}),
      body: {
        personident: ident(tag),
        ...(v.henvendelseId === null ? {} : { henvendelseId: v.henvendelseId ?? 'HENV-1' }),
      },
    })
  const hendelser = () => audit.kjede(0, 1_000_000)
  return { url, config, sim, audit, token, kall, startOppslag, ident, hendelser }
}

/** How many of an upstream's circuit breakers /metrics shows open (it never says whose). */
export async function apneBrytere(b: Bygget, upstream: string): Promise<number | null> {
  const m = await b.kall('GET', '/metrics', { token: null })
  const linje = new RegExp(`stonadsoppslag_circuit_breakers\\{upstream="${upstream}",state="open"\\} (\\d+)`).exec(
    m.tekst,
  )
  return linje ? Number(linje[1]) : null
}
