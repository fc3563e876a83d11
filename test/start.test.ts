// The production start, for real: the bundle, its simulator and the launcher built as `npm run
// build` builds them (into a folder of the test's own), the code cache made with `npm start`'s V8
// flags, and started as `npm start` starts it. The cache is used, and where it cannot be (another
// bundle's, other flags, none), the service still starts and a warning says why.
import t from 'tap'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundle, lagKodecache, npmStart, startBundle } from '../scripts/bundle.js'
import { KODECACHE_FIL } from '../src/kodecache.js'
import { utenDekning } from './prosess.js'

const ADVARSEL = 'STONADSOPPSLAG_KODECACHE'
const env = utenDekning(process.env)

t.test('npm start and the Dockerfile start the same file with the same V8 flags', async (t) => {
  const { flagg, fil } = npmStart()
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1]
  t.ok(cmd, 'the Dockerfile has a CMD in exec form')
  // The cache is made under npm start's flags: a CMD with others would have V8 refuse it.
  t.strictSame(JSON.parse(cmd as string), ['node', ...flagg, fil])
})

t.test('the built bundle starts from its code cache, and without it where it cannot', async (t) => {
  // Inside the repository, so the bundle finds node_modules as dist/ does.
  const mappe = t.testdir()
  // Fails the build if a dynamic import() is left in the bundle.
  await bundle(mappe)
  const { flagg } = npmStart()
  await lagKodecache(mappe, flagg, env)
  const cache = join(mappe, KODECACHE_FIL)
  const god = readFileSync(cache)

  const start = async (medFlagg: string[]) => {
    const s = await startBundle(mappe, medFlagg, [], env)
    const { status } = await fetch(`${s.url}/health/ready`)
    t.equal(status, 200, 'ready')
    t.equal(await s.stopp(), 0, 'stops cleanly')
    return s.stderr()
  }

  t.notMatch(await start(flagg), ADVARSEL, 'with npm start flags: the cache is used (no warning)')
  t.match(await start(['--max-old-space-size=512', '--max-semi-space-size=16']), /V8-kodecachen brukes ikke: V8 avviste den/, 'other heap flags: V8 refuses it, said so')

  const annen = Buffer.from(god)
  annen[0] = (annen[0] as number) ^ 0xff
  writeFileSync(cache, annen)
  t.match(await start(flagg), /V8-kodecachen brukes ikke: den ble laget av en annen bundle/, 'another bundle\'s cache: not used, said so')

  rmSync(cache)
  t.match(await start(flagg), /V8-kodecachen brukes ikke: stonadsoppslag\.kodecache mangler/, 'no cache: said so')
})
