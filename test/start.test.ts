// The production start, for real: the bundles built as `npm run build` builds them (into a folder
// of the test's own) and started as `npm start` starts them.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUNDLE_FIL, bundle, npmStart, startBundle } from '../scripts/bundle.js'
import { utenDekning } from './prosess.js'

// As npm start in production: no coverage hooks, no NODE_OPTIONS.
const { NODE_OPTIONS: _utelatt, ...env } = utenDekning(process.env)

t.test('the tests run on the Node that engines asks for', async (t) => {
  t.comment(`Node ${process.version}`)
  const krav = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node
  t.equal(krav, '>=24')
  t.ok(Number(process.versions.node.split('.')[0]) >= 24, `${process.version} satisfies ${krav}`)
})

t.test('npm start runs the bundle', async (t) => {
  t.equal(npmStart().fil, `dist/${BUNDLE_FIL}`)
})

t.test('the built bundle starts with npm start flags, and carries no simulator', async (t) => {
  // Inside the repository, so the bundle finds node_modules as dist/ does.
  const mappe = t.testdir()
  await bundle(mappe)
  const kilde = readFileSync(join(mappe, BUNDLE_FIL), 'utf8')
  // The simulator (and its token issuer) only through the import of its own bundle, for
  // development starts.
  t.notMatch(kilde, 'oauth2-mock-server', 'no mock issuer in the service bundle')
  t.notMatch(kilde, 'function startSimulator(', 'no simulator code in the service bundle')
  t.match(kilde, 'import("./simulator.mjs")', 'the simulator is imported from its own bundle')

  const s = await startBundle(mappe, npmStart().flagg, env)
  try {
    const { status } = await fetch(`${s.url}/health/ready`)
    t.equal(status, 200, 'ready')
  } finally {
    t.equal(await s.stopp(), 0, 'stops cleanly')
  }
  t.notMatch(s.stderr(), /Warning/, 'Node warned of nothing')
})
