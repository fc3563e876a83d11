// The Dockerfile and docker/compose.yml, read as text (no Docker daemon here): the production image
// is the service only, on a pinned base NAIS recommends (distroless or Chainguard Node 24), runs
// npm start's command as a non-root user, and compose runs it as NAIS runs a pod.
import t from 'tap'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { npmStart } from '../scripts/bundle.js'

interface Stage {
  navn: string
  fra: string
  linjer: string[]
}

/** The Dockerfile's stages, each with its instructions (continuation lines joined, comments out). */
function stadier(tekst: string): Stage[] {
  const instruksjoner = tekst
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
  const ut: Stage[] = []
  for (const l of instruksjoner) {
    const fra = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(l)
    if (fra) ut.push({ fra: fra[1] as string, navn: fra[2] ?? String(ut.length), linjer: [] })
    else ut.at(-1)?.linjer.push(l)
  }
  return ut
}

const pakke = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const alle = stadier(readFileSync('Dockerfile', 'utf8'))
const prod = alle.at(-1) as Stage
const exec = (stage: Stage, instruksjon: string): string[] | undefined => {
  const l = stage.linjer.filter((x) => x.startsWith(`${instruksjon} `)).at(-1)
  return l === undefined ? undefined : (JSON.parse(l.slice(instruksjon.length + 1)) as string[])
}

t.test('the production image is the last stage, on a pinned distroless or Chainguard Node 24', async (t) => {
  t.match(prod.fra, /^(gcr\.io\/distroless\/nodejs24-debian1\d|cgr\.dev\/chainguard\/node)[:@]/, prod.fra)
  t.match(prod.fra, /@sha256:[0-9a-f]{64}$/, 'pinned by digest')
  // Every other image from a registry: an exact version, the build's the Node package.json pins.
  for (const s of alle.slice(0, -1).filter((s) => !alle.some((a) => a.navn === s.fra))) {
    t.match(s.fra, /^node:(\d+\.\d+\.\d+)-/, `${s.navn}: an exact Node version`)
    t.equal(
      /^node:(\d+\.\d+\.\d+)-/.exec(s.fra)?.[1],
      pakke.devDependencies['node'],
      `${s.navn}: the Node package.json pins`,
    )
  }
})

t.test('the production image runs npm start as a non-root user', async (t) => {
  const { flagg, fil } = npmStart()
  const cmd = exec(prod, 'CMD') as string[]
  t.ok(cmd, 'a CMD in exec form')
  t.equal(basename(cmd[0] as string), 'node')
  t.strictSame(cmd.slice(1), [...flagg, fil], "npm start's flags and file")
  t.strictSame(exec(prod, 'ENTRYPOINT'), [], "the base image's entrypoint cleared: the CMD is the whole command")
  const bruker = prod.linjer
    .filter((l) => l.startsWith('USER '))
    .at(-1)
    ?.slice(5)
  t.match(bruker, /^[1-9]\d*(:[1-9]\d*)?$/, 'USER: a non-root UID (and GID) by number')
})

t.test('no development dependency, simulator or SQLite default in the production image', async (t) => {
  t.ok(pakke.devDependencies['oauth2-mock-server'], 'the mock issuer is a development dependency')
  t.notOk(pakke.dependencies['oauth2-mock-server'], 'and not a production one')
  const kopier = prod.linjer.filter((l) => /^(COPY|ADD) /.test(l))
  for (const l of kopier) {
    const fra = /--from=(\S+)/.exec(l)?.[1]
    t.ok(fra, `${l}: from a stage, not the build context`)
    const kilde = alle.find((s) => s.navn === fra) as Stage
    if (/node_modules/.test(l)) {
      t.ok(
        kilde.linjer.some((x) => /^RUN npm ci .*--omit=dev/.test(x)),
        `${l}: node_modules from a stage that installed without dev dependencies`,
      )
      t.notOk(
        kilde.linjer.some((x) => /^RUN npm (ci|install)(?!.*--omit=dev)/.test(x)),
        `${fra}: no other install`,
      )
    } else {
      t.notMatch(l, /simulator|src|scripts|\s\.\s/, `${l}: no simulator and no sources`)
    }
  }
  t.ok(
    kopier.some((l) => l.includes('dist/stonadsoppslag.mjs')),
    'the bundle is copied',
  )
  t.notMatch(prod.linjer.join('\n'), /AUDIT_STORE/, 'no audit store default: production names its own')
})

t.test('docker/compose.yml runs the replicas as NAIS runs a pod', async (t) => {
  const compose = readFileSync('docker/compose.yml', 'utf8')
  const tjeneste = /^x-tjeneste: &tjeneste\n((?: {2}.*\n)+)/m.exec(compose)?.[1] ?? ''
  t.match(tjeneste, /^ {2}build: \{.*target: runtime \}$/m, 'the production stage')
  t.match(tjeneste, /^ {2}read_only: true$/m, 'a read-only root filesystem')
  t.match(tjeneste, /^ {2}tmpfs: \["\/tmp"\]$/m, 'a writable /tmp only')
  t.match(tjeneste, /^ {2}user: "[1-9]\d*:[1-9]\d*"$/m, 'a non-root UID')
  t.match(compose, /^ {2}simulator:\n {4}build: \{.*target: simulator \}$/m, 'the simulator from its own stage')
  t.match(compose, /^ {2}replika-1: \*tjeneste$/m)
  t.match(compose, /^ {2}replika-2: \*tjeneste$/m)
})

t.test("the image's node_modules holds only what the bundle loads at run time", async (t) => {
  // The bundle carries every dependency except its externals (scripts/bundle.ts); a full
  // `npm ci --omit=dev` put ~54 MB of packages in the image that no code path loads (and that image
  // scanners report on all the same). The deps stage keeps the externals and their dependencies.
  const { lukning, fjernResten } = await import('../docker/behold-eksterne.mjs')
  const eksterne = JSON.parse(
    (/external: (\[[^\]]*\])/.exec(readFileSync('scripts/bundle.ts', 'utf8'))?.[1] ?? '[]').replaceAll("'", '"'),
  ) as string[]
  const installerte = eksterne.filter((n) => n in pakke.dependencies)
  t.ok(installerte.length > 0, 'the bundle has externals among the production dependencies')
  const deps = alle.find((s) => s.navn === 'deps') as Stage
  const kall = deps.linjer.map((l) => /node behold-eksterne\.mjs \S+ (.+)$/.exec(l)?.[1]).find(Boolean)
  t.ok(kall, 'the deps stage prunes node_modules after installing')
  t.same(
    new Set(kall?.split(/\s+/)),
    new Set(installerte),
    'to exactly the externals the bundle loads from node_modules',
  )
  t.ok(
    deps.linjer.some((l) => /^COPY docker\/behold-eksterne\.mjs /.test(l)),
    'the script is copied into that stage',
  )

  // The pruning on the real lockfile, over a node_modules laid out as npm ci --omit=dev lays it.
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }>
  }
  const dir = t.testdir()
  const installert = Object.entries(lock.packages)
    .filter(([sti, p]) => sti.startsWith('node_modules/') && !p.dev)
    .map(([sti]) => sti)
  for (const sti of installert) mkdirSync(join(dir, sti), { recursive: true })
  const beholdt = lukning(lock, installerte)
  fjernResten(dir, beholdt)
  const igjen = installert.filter((sti) => !sti.includes('/node_modules/') && existsSync(join(dir, sti)))
  t.same(
    new Set(igjen),
    new Set([...beholdt].filter((s) => !s.includes('/node_modules/'))),
    'the closure stays, nothing else',
  )
  for (const n of installerte) t.ok(igjen.includes(`node_modules/${n}`), `${n} kept`)
  for (const n of ['fastify', 'pino', 'undici', 'zod', 'pg'])
    t.notOk(igjen.includes(`node_modules/${n}`), `${n}: in the bundle, not in node_modules`)
  // Every dependency of a kept package resolves inside what is kept.
  for (const sti of beholdt) {
    for (const a of Object.keys(lock.packages[sti]?.dependencies ?? {})) {
      const under = `${sti}/node_modules/${a}`
      t.ok(beholdt.has(under) || beholdt.has(`node_modules/${a}`), `${sti} → ${a}`)
    }
  }
  t.ok(igjen.length < installert.length / 3, `${igjen.length} of ${installert.length} packages kept`)
})
