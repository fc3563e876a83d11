// The NAIS manifests (.nais/) rendered as nais/deploy renders them and checked against the
// service's own configuration schema (src/config.ts): the environment NAIS gives the container
// (the image's ENV, what NAIS injects, the secret, the manifest's env) must start the service in
// production, with the stores on the Cloud SQL database, the CEF copy to NAIS's audit endpoint,
// and every upstream and group the configuration names allowed by the manifest.
//
// Sources (docs.nais.io, the nais/doc repository):
// - templating: Handlebars over a YAML vars file (build/how-to/templating.md);
// - the Application spec: azure.application.claims.groups, accessPolicy, maskinporten.scopes,
//   prometheus, liveness/readiness, replicas, resources, gcp.sqlInstances[].databases[].envVarPrefix
//   (workloads/application/reference/application-example.md);
// - injected at run time: AZURE_APP_CLIENT_ID, AZURE_OPENID_CONFIG_ISSUER/_JWKS_URI and
//   NAIS_TOKEN_ENDPOINT (auth/entra-id/reference), MASKINPORTEN_* (auth/maskinporten/reference),
//   `<PREFIX>_URL` and its parts for Cloud SQL, private IP with sslmode=verify-ca and the
//   certificates' paths (persistence/cloudsql/reference, how-to/additional-users.md);
// - containers: read-only root filesystem, only /tmp writable (workloads/reference/container-security.md);
// - a workload reaches nothing it does not list, ingresses included (workloads/explanations/zero-trust.md);
// - audit logs: syslog to audit.nais:6514, on to ArcSight (navikt/naudit, per observability/logging/how-to/audit-logs.md);
// - the NKS front end is Salesforce through teamcrm's saas-proxy (navikt/saas-proxy's README).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Handlebars from 'handlebars'
import pg from 'pg'
import t from 'tap'
import { parse } from 'yaml'
import { buildApp } from '../src/app.js'
import { SqliteAuditStore } from '../src/audit/sqlite.js'
import {
  byggKonfig,
  DEV_VERDIER,
  fraNaisDatabase,
  lesMiljo,
  AUDIT_STORE_UTVIKLING,
  UPSTREAM_VARIABLER,
} from '../src/config.js'
import { FIKS_SCOPE } from '../src/sources/fiks-digisos.js'
import { devSimulator } from './helper.js'

interface Regel {
  application: string
  namespace?: string
  cluster?: string
}
interface App {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> }
  spec: {
    image: string
    port: number
    ingresses: string[]
    replicas: { min: number; max: number; scalingStrategy?: { cpu?: { thresholdPercentage: number } } }
    resources: { requests: { cpu: string; memory: string }; limits: { memory: string; cpu?: string } }
    liveness: { path: string }
    readiness: { path: string }
    terminationGracePeriodSeconds?: number
    prometheus: { enabled: boolean; path: string }
    azure?: {
      application: { enabled: boolean; tenant: string; allowAllUsers: boolean; claims: { groups: { id: string }[] } }
    }
    maskinporten?: { enabled: boolean; scopes: { consumes: { name: string }[] } }
    gcp?: { sqlInstances: { name?: string; type: string; databases: { name: string; envVarPrefix?: string }[] }[] }
    accessPolicy: {
      inbound: { rules: Regel[] }
      outbound: { rules?: Regel[]; external: { host: string; ports?: { port: number }[] }[] }
    }
    envFrom: { secret?: string; configmap?: string }[]
    env: { name: string; value: string }[]
    filesFrom?: { mountPath: string }[]
  }
}

const MILJOER = ['dev', 'prod'] as const
type Miljo = (typeof MILJOER)[number]
const mal = readFileSync('.nais/app.yaml', 'utf8')

/** The manifest as nais/deploy renders it: Handlebars over the vars file (strict: a missing
 *  variable fails here, not as an empty string on the cluster). */
function gjengi(miljo: Miljo): { app: App; vars: Record<string, unknown> } {
  const vars = parse(readFileSync(`.nais/${miljo}.yaml`, 'utf8')) as Record<string, unknown>
  return { app: parse(Handlebars.compile(mal, { strict: true })(vars)) as App, vars }
}

/** What the service's secret (NAIS Console) holds: exactly the values that must stay secret. */
const HEMMELIGHETER = {
  FIKS_INTEGRASJON_ID: 'integrasjon-fra-ks',
  FIKS_INTEGRASJON_PASSORD: 'passord-fra-ks',
  AUDIT_NOKKEL: 'en-hemmelig-nokkel-paa-minst-32-tegn-0123456789',
}

/** Where NAIS mounts the Cloud SQL instance's certificates (persistence/cloudsql/reference). */
const SERT = '/var/run/secrets/nais.io/sqlcertificate'

/** The variables NAIS injects for what the manifest turns on (values in the documented form). */
function injisert(app: App, sertifikater = SERT): Record<string, string> {
  const env: Record<string, string> = { NAIS_APP_NAME: app.metadata.name, NAIS_NAMESPACE: app.metadata.namespace }
  const azure = app.spec.azure?.application.enabled === true
  const maskinporten = app.spec.maskinporten?.enabled === true
  if (azure) {
    const tenant = '7f6b6b3e-0000-4000-8000-000000000000'
    Object.assign(env, {
      AZURE_APP_CLIENT_ID: 'b5c0a7f4-0000-4000-8000-000000000000',
      AZURE_APP_WELL_KNOWN_URL: `https://login.microsoftonline.com/${tenant}/v2.0/.well-known/openid-configuration`,
      AZURE_OPENID_CONFIG_ISSUER: `https://login.microsoftonline.com/${tenant}/v2.0`,
      AZURE_OPENID_CONFIG_JWKS_URI: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
    })
  }
  if (maskinporten)
    Object.assign(env, {
      MASKINPORTEN_ISSUER: 'https://test.maskinporten.no/',
      MASKINPORTEN_JWKS_URI: 'https://test.maskinporten.no/jwk',
    })
  // Texas, the token sidecar, listens on the pod's loopback.
  if (azure || maskinporten) env.NAIS_TOKEN_ENDPOINT = 'http://127.0.0.1:7164/api/v1/token'
  for (const instans of app.spec.gcp?.sqlInstances ?? []) {
    for (const db of instans.databases) {
      const prefiks =
        db.envVarPrefix ??
        `NAIS_DATABASE_${instans.name ?? app.metadata.name}_${db.name}`.toUpperCase().replaceAll('-', '_')
      const [vert, port, bruker, passord] = [
        '10.11.12.13',
        '5432',
        instans.name ?? app.metadata.name,
        'tilfeldig-passord',
      ]
      // The documented form: scheme postgresql, the certificate parameters in alphabetical order.
      const q = new URLSearchParams({
        sslcert: `${sertifikater}/cert.pem`,
        sslkey: `${sertifikater}/key.pem`,
        sslmode: 'verify-ca',
        sslrootcert: `${sertifikater}/root-cert.pem`,
      })
      Object.assign(env, {
        [`${prefiks}_HOST`]: vert,
        [`${prefiks}_PORT`]: port,
        [`${prefiks}_DATABASE`]: db.name,
        [`${prefiks}_USERNAME`]: bruker,
        [`${prefiks}_PASSWORD`]: passord,
        [`${prefiks}_URL`]: `postgresql://${bruker}:${passord}@${vert}:${port}/${db.name}?${q}`,
        [`${prefiks}_SSLMODE`]: 'verify-ca',
        [`${prefiks}_SSLROOTCERT`]: `${sertifikater}/root-cert.pem`,
        [`${prefiks}_SSLCERT`]: `${sertifikater}/cert.pem`,
        [`${prefiks}_SSLKEY`]: `${sertifikater}/key.pem`,
      })
    }
  }
  return env
}

/** The runtime stage's ENV in the Dockerfile (the image's own environment). */
function bildetsMiljo(): Record<string, string> {
  const dockerfile = readFileSync('Dockerfile', 'utf8').replace(/\\\n/g, ' ')
  const siste = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const env: Record<string, string> = {}
  for (const linje of siste.matchAll(/^ENV (.+)$/gm)) {
    for (const par of (linje[1] as string).matchAll(/(\w+)=(\S+)/g)) env[par[1] as string] = par[2] as string
  }
  return env
}

/** The container's environment, in Kubernetes' order: the image's, then envFrom, then env. */
function containerMiljo(app: App, hemmelig: Record<string, string> = HEMMELIGHETER): Record<string, string> {
  const fraSpec = Object.fromEntries(app.spec.env.map((e) => [e.name, e.value]))
  return { ...bildetsMiljo(), ...injisert(app), ...hemmelig, ...fraSpec }
}

const MIB: Record<string, number> = { Mi: 1, Gi: 1024 }
const mib = (s: string) => {
  const m = /^(\d+)(Mi|Gi)$/.exec(s)
  if (!m) throw new Error(`ukjent mengde: ${s}`)
  return Number(m[1]) * (MIB[m[2] as string] as number)
}

for (const miljo of MILJOER) {
  t.test(`${miljo}: the manifest starts the service in production as its configuration requires`, async (t) => {
    const { app, vars } = gjengi(miljo)
    t.equal(app.metadata.name, 'stonadsoppslag')
    t.equal(app.metadata.labels.team, app.metadata.namespace)

    // Every variable of the vars file is used by the template (a typo would be silently unused).
    const brukt = new Set([...mal.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] as string))
    const blader = (o: Record<string, unknown>, sti = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? blader(v as Record<string, unknown>, `${sti}${k}.`)
          : [`${sti}${k}`],
      )
    t.same(
      blader(vars).filter((v) => !brukt.has(v)),
      [],
      'no unused variable',
    )

    const env = containerMiljo(app)
    const m = lesMiljo(env)
    const config = byggKonfig(m)
    t.equal(config.nodeEnv, 'production', 'the image runs in production')
    t.equal(config.port, app.spec.port, 'listens on the port NAIS routes to')

    // Nothing in the manifest's env that NAIS injects or the secret holds (it would shadow them).
    for (const e of app.spec.env) {
      t.notOk(e.name in injisert(app), `${e.name}: not one NAIS injects`)
      t.notOk(e.name in HEMMELIGHETER, `${e.name}: not one the secret holds`)
    }
    // The secret holds only secrets, each one needed: without any of them production refuses to start.
    t.same(app.spec.envFrom, [{ secret: 'stonadsoppslag' }])
    for (const navn of Object.keys(HEMMELIGHETER)) {
      const uten = { ...env }
      delete uten[navn]
      t.throws(() => byggKonfig(lesMiljo(uten)), new RegExp(navn), `${navn} is required`)
    }
    for (const navn of [...UPSTREAM_VARIABLER, 'AZURE_APP_CLIENT_ID']) t.ok(env[navn], `${navn} is set or injected`)

    // The Cloud SQL database NAIS injects holds the audit log and the shared sessions; no
    // hand-made secret repeats its credentials.
    t.equal(config.auditStore, fraNaisDatabase(env.DB_URL as string), 'AUDIT_STORE from DB_URL')
    t.equal(config.sesjonStore, config.auditStore, 'SESJON_STORE from DB_URL')
    t.notOk(config.auditStore.startsWith('sqlite:'), 'no SQLite file: the root filesystem is read-only')
    t.notOk('AUDIT_STORE' in env || 'SESJON_STORE' in env, 'neither is set by hand')
    t.equal(app.spec.gcp?.sqlInstances[0]?.type.startsWith('POSTGRES_'), true)

    // Replicas share lookups through that database.
    t.ok(app.spec.replicas.min >= 2, 'at least two replicas')
    // replicas.cpuThresholdPercentage is deprecated in the Application reference (kept only for
    // backwards compatibility); its replacement is scalingStrategy.cpu.thresholdPercentage.
    t.notOk('cpuThresholdPercentage' in app.spec.replicas, 'no deprecated autoscaling field')
    t.ok((app.spec.replicas.scalingStrategy?.cpu?.thresholdPercentage ?? 0) > 0, 'CPU scaling threshold set')
    t.ok(app.spec.replicas.max >= app.spec.replicas.min)
    t.not(config.sesjonStore, null, 'several replicas need the shared session store')

    // The CEF copy goes to NAIS's audit endpoint, which the access policy allows.
    t.equal(config.audit.cef, 'syslog://audit.nais:6514')
    const ute = app.spec.accessPolicy.outbound.external
    t.ok(
      ute.some((e) => e.host === 'audit.nais' && e.ports?.some((p) => p.port === 6514)),
      'audit.nais:6514 allowed',
    )

    // Every upstream the configuration names is reachable: an external host the policy lists,
    // or the token sidecar on loopback (and the issuer is only compared, never fetched).
    const verter = new Set(ute.map((e) => e.host))
    for (const [navn, url] of Object.entries({
      PDL_URL: config.pdl.url,
      SKJERMING_URL: config.skjerming.url,
      NOM_URL: config.nom.url,
      FIKS_DIGISOS_URL: config.fiks.digisosUrl,
      FIKS_IO_URL: config.fiks.ioUrl,
    })) {
      const u = new URL(url)
      t.equal(u.protocol, 'https:', `${navn}: https`)
      t.ok(verter.has(u.hostname), `${navn}: ${u.hostname} is allowed outbound`)
    }
    t.equal(new URL(config.tokenEndpoint).hostname, '127.0.0.1', 'Texas on loopback')
    t.same(app.spec.accessPolicy.outbound.rules ?? [], [], 'nothing reached by service discovery (plain http there)')
    // JWKS: login.microsoftonline.com is open to every workload (workloads/reference/access-policies.md).
    t.equal(new URL(config.auth.jwksUri).hostname, 'login.microsoftonline.com')

    // Registers in the same environment as the cluster.
    const klynge = miljo === 'dev' ? 'dev' : 'prod'
    for (const scope of [config.pdl.scope, config.skjerming.scope, config.nom.scope])
      t.match(scope, new RegExp(`^api://${klynge}-(gcp|fss)\\.`), scope)
    t.match(config.pdl.behandlingsnummer, /^B\d+$/)

    // Entra ID: only the five groups' members, and the groups claim carries exactly those.
    const azure = app.spec.azure?.application
    t.equal(azure?.enabled, true)
    t.equal(azure?.allowAllUsers, false)
    t.equal(azure?.tenant, miljo === 'dev' ? 'trygdeetaten.no' : 'nav.no')
    const grupper = Object.values(config.grupper)
    t.equal(new Set(grupper).size, 5, 'five distinct groups')
    t.same(new Set(azure?.claims.groups.map((g) => g.id)), new Set(grupper), 'claims.groups are the GRUPPE_* ids')
    for (const id of grupper)
      t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'an object id')

    // Maskinporten for Fiks, with the scope the clients ask Texas for.
    t.equal(app.spec.maskinporten?.enabled, true)
    t.same(
      app.spec.maskinporten?.scopes.consumes.map((s) => s.name),
      [FIKS_SCOPE],
    )

    // The NKS front end (Salesforce, via teamcrm's saas-proxy) may call; nobody else is listed.
    t.same(app.spec.accessPolicy.inbound.rules, [
      { application: 'saas-proxy', namespace: 'teamcrm' },
      { application: 'salesforce', namespace: 'teamcrm', cluster: `${klynge}-external` },
    ])
    t.match(app.spec.ingresses, [/^https:\/\/stonadsoppslag\.intern\.(dev\.)?nav\.no$/])

    // Memory: npm start caps the old generation; the limit must hold it, the young generation
    // (three semi-spaces' worth) and native memory, or the pod is killed before V8 collects.
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start
    const gammel = Number(/--max-old-space-size=(\d+)/.exec(start)?.[1])
    const semi = Number(/--max-semi-space-size=(\d+)/.exec(start)?.[1] ?? 16)
    t.ok(gammel > 0, 'npm start caps the heap')
    const grense = mib(app.spec.resources.limits.memory)
    t.ok(grense >= gammel + 3 * semi + 128, `limit ${grense} MiB holds heap ${gammel} + young ${3 * semi} + 128 native`)
    t.ok(mib(app.spec.resources.requests.memory) <= grense)
    t.ok(mib(app.spec.resources.requests.memory) >= gammel, 'the request covers the heap cap')
    t.ok(
      config.oppslag.maksBytes / 1048576 <= gammel / 2,
      'the session cache stays under half the heap (server.ts refuses more)',
    )

    // Probes, metrics and shutdown.
    t.equal(app.spec.liveness.path, '/health/live')
    t.equal(app.spec.readiness.path, '/health/ready')
    t.same(app.spec.prometheus, { enabled: true, path: '/metrics' })
    t.ok(
      (app.spec.terminationGracePeriodSeconds ?? 30) * 1000 > m.AVSLUTNING_MAKS_MS,
      'the drain fits the grace period',
    )

    // Read-only root filesystem, /tmp only writable: no override, no other writable mount.
    t.notOk(app.metadata.annotations?.['nais.io/read-only-file-system'], 'read-only root filesystem kept')
    t.same(
      (app.spec.filesFrom ?? []).map((f) => f.mountPath).filter((p) => !p.startsWith('/tmp')),
      [],
    )
  })
}

/** Every PostgreSQL connection one replica may hold, read from the code: each pool's `maks` (or
 *  lagPool's default) and each client held open on its own (the sessions' LISTEN). */
function forbindelserPerReplika(): { antall: number; kilder: string[] } {
  const standard = Number(/max: valg\.maks \?\? (\d+)/.exec(readFileSync('src/postgres.ts', 'utf8'))?.[1])
  const kilder: string[] = []
  let antall = 0
  for (const fil of readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const tekst = readFileSync(join('src', fil), 'utf8')
    for (const m of tekst.matchAll(/lagPool\(url, \{([^\n]*)\}\)/g)) {
      const maks = Number(/\bmaks: (\d+)/.exec(m[1] as string)?.[1] ?? standard)
      antall += maks
      kilder.push(`${fil}: pool ${maks}`)
    }
    for (const _ of tekst.matchAll(/new pg\.Client\(/g)) {
      antall += 1
      kilder.push(`${fil}: client 1`)
    }
  }
  return { antall, kilder }
}

/** Cloud SQL's default max_connections by tier: 25 on the smallest (NAIS's Postgres reference,
 *  "Database max connections"), the rest by memory from Google's flags page that it links. */
const MAKS_FORBINDELSER: Record<string, number> = { 'db-f1-micro': 25, 'db-g1-small': 50, 'db-custom-1-3840': 100 }
/** PostgreSQL's superuser_reserved_connections default: not the application's to use. */
const RESERVERT = 3

for (const miljo of MILJOER) {
  t.test(`${miljo}: the database takes every connection the replicas open, during a rollout too`, async (t) => {
    const { app, vars } = gjengi(miljo)
    const { antall, kilder } = forbindelserPerReplika()
    t.ok(Number.isInteger(antall) && antall > 0, `per replica: ${kilder.join(', ')}`)
    const tier = (vars.database as { tier: string }).tier
    const grense = MAKS_FORBINDELSER[tier]
    t.ok(grense, `${tier}: a tier whose max_connections is known here`)
    // A rolling update starts new pods (maxSurge, Kubernetes' default 25 %, rounded up) before
    // it stops old ones, each opening its pools.
    const pods = app.spec.replicas.max + Math.ceil(app.spec.replicas.max * 0.25)
    t.ok(
      pods * antall <= (grense ?? 0) - RESERVERT,
      `${pods} pods × ${antall} ≤ ${tier}'s ${grense} − ${RESERVERT} reserved`,
    )
  })
}

t.test('the check fails for a manifest that drops what the configuration needs', async (t) => {
  const { app } = gjengi('prod')
  const utenAzure = structuredClone(app)
  delete utenAzure.spec.azure
  t.throws(() => lesMiljo(containerMiljo(utenAzure)), /AZURE_OPENID_CONFIG_ISSUER/, 'without Entra ID: no issuer')

  const utenDatabase = structuredClone(app)
  delete utenDatabase.spec.gcp
  t.throws(
    () => lesMiljo(containerMiljo(utenDatabase)),
    /AUDIT_STORE: mangler/,
    'without Cloud SQL production has no audit store',
  )

  const utenGruppe = structuredClone(app)
  utenGruppe.spec.env = utenGruppe.spec.env.filter((e) => e.name !== 'GRUPPE_REVISJON')
  t.throws(() => byggKonfig(lesMiljo(containerMiljo(utenGruppe))), /GRUPPE_REVISJON/)

  t.throws(() => Handlebars.compile(mal, { strict: true })({}), /image/, 'a missing variable fails the rendering')
})

t.test("NAIS's database URL reaches node-postgres with the instance's CA checked and no hostname check", async (t) => {
  // The certificates as NAIS mounts them (contents are only read, not used, here).
  const dir = t.testdir()
  mkdirSync(join(dir, 'sql'))
  for (const [fil, tekst] of [
    ['root-cert.pem', 'ROT'],
    ['cert.pem', 'KLIENT'],
    ['key.pem', 'NOKKEL'],
  ])
    writeFileSync(join(dir, 'sql', fil as string), tekst as string)
  const naisUrl = injisert(gjengi('prod').app, join(dir, 'sql')).DB_URL as string
  t.match(naisUrl, /^postgresql:\/\/.+\?sslcert=.+&sslmode=verify-ca&sslrootcert=/, 'in the documented form')

  type Parametre = {
    connectionParameters: {
      ssl: { ca?: string; cert?: string; checkServerIdentity?: unknown } | boolean
      host: string
      database: string
    }
  }
  const som = (url: string) => (new pg.Client({ connectionString: url }) as unknown as Parametre).connectionParameters
  const tilpasset = som(fraNaisDatabase(naisUrl))
  t.equal(tilpasset.host, '10.11.12.13')
  t.equal(tilpasset.database, 'stonadsoppslag')
  const ssl = tilpasset.ssl as {
    ca?: string
    cert?: string
    checkServerIdentity?: (vert: string, sert: unknown) => unknown
    rejectUnauthorized?: boolean
  }
  t.equal(ssl.ca, 'ROT', "the instance's CA")
  t.equal(ssl.cert, 'KLIENT', 'the client certificate')
  t.not(ssl.rejectUnauthorized, false, 'the chain is verified')
  t.equal(typeof ssl.checkServerIdentity, 'function', 'the host name is not (the certificate names the instance)')
  t.equal(ssl.checkServerIdentity?.('10.11.12.13', {}), undefined)

  // As NAIS gives it, node-postgres would check the IP against the certificate's name and refuse.
  const urort = som(naisUrl).ssl as { checkServerIdentity?: unknown }
  t.equal(urort.checkServerIdentity, undefined, 'unadapted: a hostname check')
  t.equal(
    fraNaisDatabase('postgres://u:p@127.0.0.1:5432/test'),
    'postgres://u:p@127.0.0.1:5432/test',
    'a URL without sslmode is left alone',
  )
  t.equal(fraNaisDatabase(fraNaisDatabase(naisUrl)), fraNaisDatabase(naisUrl), 'and adapting twice changes nothing')
})

t.test('DB_URL is the default of both stores, never over an explicit value', async (t) => {
  const grunn = { NODE_ENV: 'test' as const }
  const db = 'postgres://u:p@127.0.0.1:5432/test'
  // What the embedded simulator would fill in (server.ts), not reached here.
  const fyll = { ...DEV_VERDIER, ...Object.fromEntries(UPSTREAM_VARIABLER.map((v) => [v, 'http://127.0.0.1:9'])) }
  const kun = byggKonfig(lesMiljo({ ...grunn, DB_URL: db }), fyll)
  t.equal(kun.auditStore, db)
  t.equal(kun.sesjonStore, db)
  const egne = byggKonfig(lesMiljo({ ...grunn, DB_URL: db, AUDIT_STORE: 'sqlite:/tmp/a.db', SESJON_STORE: '' }), fyll)
  t.equal(egne.auditStore, 'sqlite:/tmp/a.db', 'an explicit AUDIT_STORE wins')
  t.equal(egne.sesjonStore, null, 'an empty SESJON_STORE keeps sessions in this process')
  const ingen = byggKonfig(lesMiljo(grunn), fyll)
  t.equal(ingen.auditStore, AUDIT_STORE_UTVIKLING)
  t.equal(ingen.sesjonStore, null)
  t.throws(() => lesMiljo({ ...grunn, DB_URL: 'mysql://x' }), /DB_URL/)
})

t.test('the probe and metrics paths the manifest names answer', async (t) => {
  const { app: manifest } = gjengi('prod')
  const sim = await devSimulator(t)
  const config = byggKonfig(lesMiljo({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { ...DEV_VERDIER, ...sim.urls })
  const app = await buildApp(config, { audit: new SqliteAuditStore(`${t.testdir()}/a.db`) })
  t.teardown(() => app.close())
  for (const sti of [manifest.spec.liveness.path, manifest.spec.readiness.path, manifest.spec.prometheus.path]) {
    const svar = await app.inject({ url: sti })
    t.equal(svar.statusCode, 200, `${sti}: 200 without a token`)
  }
  t.match((await app.inject({ url: manifest.spec.prometheus.path })).body, /^# HELP /m, 'Prometheus text')
})
