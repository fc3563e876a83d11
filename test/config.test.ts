import t from 'tap'
import { byggKonfig, KonfigFeil, lesMiljo, trengerSimulator, UPSTREAM_VARIABLER } from '../src/config.js'

const fullt = {
  NODE_ENV: 'production',
  AZURE_OPENID_CONFIG_ISSUER: 'https://login.example/tenant/v2.0',
  AZURE_OPENID_CONFIG_JWKS_URI: 'https://login.example/tenant/discovery/v2.0/keys',
  AZURE_APP_CLIENT_ID: 'app-id',
  GRUPPE_NKS: 'g-nks',
  GRUPPE_STRENGT_FORTROLIG: 'g-6',
  GRUPPE_FORTROLIG: 'g-7',
  GRUPPE_EGNE_ANSATTE: 'g-ea',
  GRUPPE_REVISJON: 'g-rev',
  FIKS_DIGISOS_URL: 'https://fiks.example',
  FIKS_INTEGRASJON_ID: 'id',
  FIKS_INTEGRASJON_PASSORD: 'hemmelig',
  FIKS_IO_URL: 'https://fiks-io.example',
  PDL_URL: 'https://pdl.example',
  SKJERMING_URL: 'https://skjerming.example',
  NOM_URL: 'https://nom.example',
  NAIS_TOKEN_ENDPOINT: 'http://texas.example/api/v1/token',
}

t.test('a complete production environment parses with the documented defaults', async (t) => {
  const c = byggKonfig(lesMiljo(fullt))
  t.equal(c.port, 8080)
  t.equal(c.host, '0.0.0.0')
  t.equal(c.auditStore, 'sqlite:./data/audit.db')
  t.equal(c.oppslag.idleTtlS, 900)
  t.equal(c.oppslag.maxTtlS, 3600)
  t.equal(c.grupper.nks, 'g-nks')
})

t.test('production refuses to start with a missing upstream or secret, naming it but not values', async (t) => {
  for (const v of [...UPSTREAM_VARIABLER, 'FIKS_INTEGRASJON_PASSORD', 'GRUPPE_NKS']) {
    const env: Record<string, string | undefined> = { ...fullt, [v]: undefined }
    t.throws(() => lesMiljo(env), new RegExp(`${v}: mangler`), v)
  }
  t.throws(() => lesMiljo({ ...fullt, PORT: 'åtti' }), /PORT/)
  t.throws(() => lesMiljo({ ...fullt, PDL_URL: 'ikke en url' }), /PDL_URL/)
  t.throws(() => lesMiljo({ ...fullt, AUDIT_STORE: 'mysql://x' }), /AUDIT_STORE/)
  t.throws(() => lesMiljo({ ...fullt, OPPSLAG_IDLE_TTL_S: '100', OPPSLAG_MAX_TTL_S: '50' }), /OPPSLAG_MAX_TTL_S/)
  try {
    lesMiljo({ ...fullt, FIKS_INTEGRASJON_ID: undefined, PDL_URL: 'nope' })
  } catch (e) {
    t.ok(e instanceof KonfigFeil)
    t.notMatch((e as Error).message, /hemmelig/)
  }
})

t.test('development with no upstream set asks for the simulator; partly set is an error', async (t) => {
  t.equal(trengerSimulator(lesMiljo({ NODE_ENV: 'development' })), true)
  t.equal(trengerSimulator(lesMiljo(fullt)), false)
  t.throws(() => lesMiljo({ NODE_ENV: 'development', PDL_URL: 'https://pdl.example' }), /NOM_URL: mangler/)
  t.throws(() => lesMiljo({}), /PDL_URL: mangler/, 'production is the default')
})

t.test('timeouts per upstream: defaults for all, overrides per upstream, bad specs refused', async (t) => {
  const standard = byggKonfig(lesMiljo(fullt))
  t.same(standard.tidsavbrudd.pdl, { tilkoblingMs: 1000, hodeMs: 2500, kroppMs: 2500 })
  t.equal(standard.tilgangFristMs, 2000)
  t.equal(standard.maksSamtidigeKommuner, 6)
  t.same(standard.bryter, { feilPaRad: 5, apenMs: 10_000 })
  t.equal(standard.sesjonStore, null)
  const c = byggKonfig(lesMiljo({ ...fullt, UPSTREAM_TIDSAVBRUDD_MS: '2000', UPSTREAM_TIDSAVBRUDD: 'pdl=200/800/900, fiks-io=500/2800/2800' }))
  t.same(c.tidsavbrudd.pdl, { tilkoblingMs: 200, hodeMs: 800, kroppMs: 900 })
  t.same(c.tidsavbrudd['fiks-io'], { tilkoblingMs: 500, hodeMs: 2800, kroppMs: 2800 })
  t.same(c.tidsavbrudd.nom, { tilkoblingMs: 1000, hodeMs: 2000, kroppMs: 2000 })
  for (const feil of ['pdl=200/800', 'ukjent=1/2/3', 'pdl:1/2/3']) {
    t.throws(() => lesMiljo({ ...fullt, UPSTREAM_TIDSAVBRUDD: feil }), /UPSTREAM_TIDSAVBRUDD/, feil)
  }
  t.throws(() => lesMiljo({ ...fullt, SESJON_STORE: 'mysql://x' }), /SESJON_STORE/)
})

t.test('start-up refuses a session byte bound the capped heap could not hold', async (t) => {
  const { spawnSync } = await import('node:child_process')
  const { utenDekning } = await import('./prosess.js')
  const kjor = spawnSync(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', 'src/server.ts'], {
    env: { ...utenDekning(process.env), ...fullt, OPPSLAG_MAKS_MB: '200' },
    encoding: 'utf8',
    timeout: 30_000,
  })
  t.equal(kjor.status, 1)
  t.match(kjor.stderr, /OPPSLAG_MAKS_MB: mer enn halve heapen/)
})
