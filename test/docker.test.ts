// The Dockerfile and docker/compose.yml, read as text (no Docker daemon here): the production image
// is the service only, on a pinned base NAIS recommends (distroless or Chainguard Node 24), runs
// npm start's command as a non-root user, and compose runs it as NAIS runs a pod.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { npmStart } from '../scripts/bundle.js'

interface Stage { navn: string; fra: string; linjer: string[] }

/** The Dockerfile's stages, each with its instructions (continuation lines joined, comments out). */
function stadier(tekst: string): Stage[] {
  const instruksjoner = tekst.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  const ut: Stage[] = []
  for (const l of instruksjoner) {
    const fra = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(l)
    if (fra) ut.push({ fra: fra[1] as string, navn: fra[2] ?? String(ut.length), linjer: [] })
    else ut.at(-1)?.linjer.push(l)
  }
  return ut
}

const pakke = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>; devDependencies: Record<string, string>
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
    t.equal(/^node:(\d+\.\d+\.\d+)-/.exec(s.fra)?.[1], pakke.devDependencies['node'], `${s.navn}: the Node package.json pins`)
  }
})

t.test('the production image runs npm start as a non-root user', async (t) => {
  const { flagg, fil } = npmStart()
  const cmd = exec(prod, 'CMD') as string[]
  t.ok(cmd, 'a CMD in exec form')
  t.equal(basename(cmd[0] as string), 'node')
  t.strictSame(cmd.slice(1), [...flagg, fil], 'npm start\'s flags and file')
  t.strictSame(exec(prod, 'ENTRYPOINT'), [], 'the base image\'s entrypoint cleared: the CMD is the whole command')
  const bruker = prod.linjer.filter((l) => l.startsWith('USER ')).at(-1)?.slice(5)
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
      t.ok(kilde.linjer.some((x) => /^RUN npm ci .*--omit=dev/.test(x)), `${l}: node_modules from a stage that installed without dev dependencies`)
      t.notOk(kilde.linjer.some((x) => /^RUN npm (ci|install)(?!.*--omit=dev)/.test(x)), `${fra}: no other install`)
    } else {
      t.notMatch(l, /simulator|src|scripts|\s\.\s/, `${l}: no simulator and no sources`)
    }
  }
  t.ok(kopier.some((l) => l.includes('dist/stonadsoppslag.mjs')), 'the bundle is copied')
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
