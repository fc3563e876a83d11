import t from 'tap'
import { DEV_NOKKEL } from '../src/audit/port.js'
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
  // NAIS's token sidecar, on loopback: the one upstream production may reach over plain http.
  NAIS_TOKEN_ENDPOINT: 'http://127.0.0.1:7164/api/v1/token',
  PDL_BEHANDLINGSNUMMER: 'B999',
  AUDIT_CEF: 'syslog://audit.example:6514',
  AUDIT_NOKKEL: 'en-hemmelig-nokkel-paa-minst-32-tegn',
  AUDIT_STORE: 'postgres://stonadsoppslag@db.example/stonadsoppslag',
}

t.test('a complete production environment parses with the documented defaults', async (t) => {
  const c = byggKonfig(lesMiljo(fullt))
  t.equal(c.port, 8080)
  t.equal(c.host, '0.0.0.0')
  t.equal(c.auditStore, 'postgres://stonadsoppslag@db.example/stonadsoppslag')
  t.equal(c.oppslag.idleTtlS, 900)
  t.equal(c.oppslag.maxTtlS, 3600)
  t.equal(c.grupper.nks, 'g-nks')
})

t.test('the SQLite audit file is a default outside production only', async (t) => {
  for (const NODE_ENV of ['development', 'test']) {
    t.equal(
      byggKonfig(lesMiljo({ ...fullt, NODE_ENV, AUDIT_STORE: undefined })).auditStore,
      'sqlite:./data/audit.db',
      NODE_ENV,
    )
  }
  // Named explicitly (a file on a declared volume), production takes it.
  t.equal(byggKonfig(lesMiljo({ ...fullt, AUDIT_STORE: 'sqlite:/data/audit.db' })).auditStore, 'sqlite:/data/audit.db')
})

t.test('production refuses to start with a missing upstream or secret, naming it but not values', async (t) => {
  for (const v of [...UPSTREAM_VARIABLER, 'FIKS_INTEGRASJON_PASSORD', 'GRUPPE_NKS', 'AUDIT_STORE']) {
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
  const c = byggKonfig(
    lesMiljo({
      ...fullt,
      UPSTREAM_TIDSAVBRUDD_MS: '2000',
      UPSTREAM_TIDSAVBRUDD: 'pdl=200/800/900, fiks-io=500/2800/2800',
    }),
  )
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
  const { npmStart } = await import('../scripts/bundle.js')
  // npm start's heap flags: the young generation's size is part of the heap's limit.
  const kjor = spawnSync(process.execPath, [...npmStart().flagg, '--import', 'tsx', 'src/server.ts'], {
    env: { ...utenDekning(process.env), ...fullt, OPPSLAG_MAKS_MB: '200' },
    encoding: 'utf8',
    timeout: 30_000,
  })
  t.equal(kjor.status, 1)
  t.match(kjor.stderr, /OPPSLAG_MAKS_MB: mer enn halve heapen/)
})

t.test('AUDIT_CEF: production names a destination; stdout is for development only', async (t) => {
  t.throws(() => lesMiljo({ ...fullt, AUDIT_CEF: undefined }), /AUDIT_CEF: mangler/, 'no default in production')
  t.throws(() => lesMiljo({ ...fullt, AUDIT_CEF: 'stdout' }), /AUDIT_CEF: stdout er bare for utvikling/)
  t.throws(() => lesMiljo({ ...fullt, AUDIT_CEF: 'fil:/tmp/x' }), /AUDIT_CEF/)
  t.equal(byggKonfig(lesMiljo(fullt)).audit.cef, 'syslog://audit.example:6514')
  t.equal(byggKonfig(lesMiljo({ ...fullt, AUDIT_CEF: 'av' })).audit.cef, 'av')
  for (const NODE_ENV of ['development', 'test']) {
    t.equal(
      byggKonfig(lesMiljo({ ...fullt, NODE_ENV, AUDIT_CEF: undefined })).audit.cef,
      'stdout',
      `${NODE_ENV}: stdout by default`,
    )
    t.equal(
      byggKonfig(lesMiljo({ ...fullt, NODE_ENV, AUDIT_CEF: 'stdout' })).audit.cef,
      'stdout',
      `${NODE_ENV}: stdout allowed`,
    )
  }
})

t.test(
  'AUDIT_NOKKEL: production sets its own, of at least 32 characters; the retired checkpoint key is refused',
  async (t) => {
    t.throws(() => lesMiljo({ ...fullt, AUDIT_NOKKEL: undefined }), /AUDIT_NOKKEL: mangler/, 'no default in production')
    t.throws(() => lesMiljo({ ...fullt, AUDIT_NOKKEL: 'for-kort' }), /AUDIT_NOKKEL: minst 32 tegn/)
    t.throws(() => lesMiljo({ ...fullt, AUDIT_NOKKEL: DEV_NOKKEL }), /AUDIT_NOKKEL: utviklingsnøkkelen er offentlig/)
    // Long enough but hardly secret (found in review): 32 spaces, one letter repeated, a short pattern.
    for (const svak of [' '.repeat(32), 'a'.repeat(40), 'abcabcabcabcabcabcabcabcabcabcabc']) {
      t.throws(
        () => lesMiljo({ ...fullt, AUDIT_NOKKEL: svak }),
        /AUDIT_NOKKEL: for lite tilfeldig/,
        JSON.stringify(svak),
      )
    }
    t.doesNotThrow(
      () => lesMiljo({ ...fullt, AUDIT_NOKKEL: 'q9GmV0x1ZkT7cJ2eLr8bNw4uYp6sHf3Da5Ei' }),
      'a generated one',
    )
    try {
      lesMiljo({ ...fullt, AUDIT_NOKKEL: 'kort-hemmelighet' })
    } catch (e) {
      t.notMatch((e as Error).message, /kort-hemmelighet/, 'the value is never echoed')
    }
    const c = byggKonfig(lesMiljo(fullt))
    t.equal(c.audit.nokkel, fullt.AUDIT_NOKKEL)
    t.strictSame(
      [c.audit.migrerUnoklet, c.audit.hodeIntervallMs, c.audit.skrivefristMs],
      [null, 300_000, 5000],
      'defaults',
    )
    t.equal(
      byggKonfig(lesMiljo({ ...fullt, NODE_ENV: 'test', AUDIT_NOKKEL: undefined })).audit.nokkel,
      DEV_NOKKEL,
      'test: the development key',
    )
    t.throws(
      () => lesMiljo({ ...fullt, AUDIT_SJEKKPUNKT_NOKKEL: fullt.AUDIT_NOKKEL }),
      /AUDIT_SJEKKPUNKT_NOKKEL: erstattet av AUDIT_NOKKEL/,
    )
    const hode = `42:${'ab'.repeat(32)}`
    t.equal(byggKonfig(lesMiljo({ ...fullt, AUDIT_MIGRER_UNOKLET: hode })).audit.migrerUnoklet, hode)
    t.throws(
      () => lesMiljo({ ...fullt, AUDIT_MIGRER_UNOKLET: 'ja' }),
      /AUDIT_MIGRER_UNOKLET: <id>:<hash>/,
      'a bare yes is refused: the flag names the head',
    )
    t.throws(() => lesMiljo({ ...fullt, AUDIT_SKRIVEFRIST_MS: '0' }), /AUDIT_SKRIVEFRIST_MS/)
  },
)

t.test('the group ids are distinct: one id for two roles stops start-up, naming both variables', async (t) => {
  const grupper = [
    'GRUPPE_NKS',
    'GRUPPE_STRENGT_FORTROLIG',
    'GRUPPE_FORTROLIG',
    'GRUPPE_EGNE_ANSATTE',
    'GRUPPE_REVISJON',
  ] as const
  for (const [i, a] of grupper.entries()) {
    for (const b of grupper.slice(i + 1)) {
      const env = { ...fullt, [b]: fullt[a] }
      t.throws(() => lesMiljo(env), new RegExp(`${b}: samme gruppe-id som ${a}`), `${a} = ${b}`)
    }
  }
  const guid = '0b6e1a52-6f4e-4c3a-9d0e-2a1f3c4b5d6e'
  try {
    lesMiljo({ ...fullt, GRUPPE_NKS: guid, GRUPPE_REVISJON: ` ${guid.toUpperCase()}` })
    t.fail('the same GUID in another case is the same group')
  } catch (e) {
    t.match((e as Error).message, /GRUPPE_REVISJON: samme gruppe-id som GRUPPE_NKS/)
    t.notMatch((e as Error).message, /0b6e1a52/i, 'the value is not shown')
  }
  // Development on the simulator: a group set beside its dev ids is compared with them.
  t.throws(
    () => lesMiljo({ NODE_ENV: 'development', GRUPPE_FORTROLIG: 'dev-gruppe-nks' }),
    /GRUPPE_FORTROLIG: samme gruppe-id som GRUPPE_NKS/,
  )
  t.doesNotThrow(() => lesMiljo({ NODE_ENV: 'development' }))
})

t.test('production refuses plain http to an upstream or the JWKS, except on loopback', async (t) => {
  const tilkoblinger = UPSTREAM_VARIABLER.filter((v) => v !== 'AZURE_OPENID_CONFIG_ISSUER')
  for (const v of tilkoblinger) {
    for (const url of [
      'http://pdl.example/',
      'http://10.0.0.7:8080/x',
      'http://0.0.0.0:80/',
      'http://localhost.example/',
      'http://127.0.0.1.nip.io/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      t.throws(() => lesMiljo({ ...fullt, [v]: url }), new RegExp(`${v}: må være https`), `${v} = ${url}`)
    }
    for (const url of [
      'https://pdl.example/',
      'http://127.0.0.1:7164/api',
      'http://127.3.2.1/',
      'http://[::1]:8080/',
      'http://localhost:7164/',
      'http://LOCALHOST/',
    ]) {
      t.doesNotThrow(() => lesMiljo({ ...fullt, [v]: url }), `${v} = ${url}`)
    }
    t.doesNotThrow(
      () => lesMiljo({ ...fullt, NODE_ENV: 'development', [v]: 'http://pdl.example/' }),
      `${v}: development allows http`,
    )
  }
  try {
    lesMiljo({ ...fullt, PDL_URL: 'http://hemmelig-vert.example/' })
  } catch (e) {
    t.notMatch((e as Error).message, /hemmelig/, 'the value is not shown')
  }
})

t.test('start-up refuses a production start without a CEF destination, naming the variable', async (t) => {
  const { spawnSync } = await import('node:child_process')
  const { utenDekning } = await import('./prosess.js')
  for (const [verdi, melding] of [
    [undefined, /AUDIT_CEF: mangler/],
    ['stdout', /AUDIT_CEF: stdout er bare for utvikling/],
  ] as const) {
    const { AUDIT_CEF: _utelatt, ...uten } = fullt
    const kjor = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...utenDekning(process.env),
        ...uten,
        HOST: '127.0.0.1',
        PORT: '0',
        ...(verdi ? { AUDIT_CEF: verdi } : {}),
      },
      encoding: 'utf8',
      timeout: 30_000,
    })
    t.equal(kjor.status, 1, String(verdi))
    t.match(kjor.stderr, melding)
    t.notMatch(kjor.stdout, /CEF:/, 'nothing was written to stdout')
  }
})

t.test('PDL_BEHANDLINGSNUMMER: production names its own; development keeps a default', async (t) => {
  t.throws(
    () => lesMiljo({ ...fullt, PDL_BEHANDLINGSNUMMER: undefined }),
    /PDL_BEHANDLINGSNUMMER: mangler/,
    'no default in production',
  )
  t.throws(() => lesMiljo({ ...fullt, PDL_BEHANDLINGSNUMMER: '123' }), /PDL_BEHANDLINGSNUMMER/, 'on the form B123')
  t.equal(byggKonfig(lesMiljo(fullt)).pdl.behandlingsnummer, 'B999', 'the one named is sent')
  const dev = lesMiljo({ ...fullt, NODE_ENV: 'development', PDL_BEHANDLINGSNUMMER: undefined })
  t.equal(byggKonfig(dev).pdl.behandlingsnummer, 'B123', 'development falls back')
  // A production Miljo not built by lesMiljo still fails closed.
  t.throws(() => byggKonfig({ ...lesMiljo(fullt), PDL_BEHANDLINGSNUMMER: undefined }), /PDL_BEHANDLINGSNUMMER: mangler/)
})

t.test("the service's own entry has no simulator: development with no upstream set is refused", async (t) => {
  const { spawnSync } = await import('node:child_process')
  const { utenDekning } = await import('./prosess.js')
  const kjor = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...utenDekning(process.env), NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', SIMULATOR_PORT: '0' },
    encoding: 'utf8',
    timeout: 30_000,
  })
  t.equal(kjor.status, 1)
  t.match(kjor.stderr, /ingen upstream er satt, og ingen simulator står i for dem: npm run dev/)
  t.notMatch(kjor.stdout, /Server listening/, 'it never listened')
})
