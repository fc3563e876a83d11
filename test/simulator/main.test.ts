// The runnable entry: starts, prints the URLs (and no personident), stops cleanly on SIGTERM.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { standardDatasett } from '../../simulator/dataset.js'
import { kall } from './fixtures/hjelp.js'

t.test('tsx simulator/main.ts', async (t) => {
  const rot = fileURLToPath(new URL('../../', import.meta.url))
  const barn = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts'], {
    cwd: rot,
    // No coverage from this child: another TypeScript loader's source maps would blur the gate.
    env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0', SIMULATOR_PORT: '0', SIMULATOR_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    if (barn.exitCode === null) barn.kill('SIGKILL')
  })
  let ut = ''
  barn.stdout.on('data', (b: Buffer) => (ut += b.toString()))
  let feil = ''
  barn.stderr.on('data', (b: Buffer) => (feil += b.toString()))
  const start = Date.now()
  while (!ut.includes('AZURE_OPENID_CONFIG_JWKS_URI=') && Date.now() - start < 20_000 && barn.exitCode === null) {
    await new Promise((r) => setTimeout(r, 50))
  }
  t.match(ut, /PDL_URL=http:\/\/127\.0\.0\.1:\d+\/pdl/, feil)
  for (const navn of [
    'SKJERMING_URL',
    'NOM_URL',
    'FIKS_DIGISOS_URL',
    'FIKS_IO_URL',
    'NAIS_TOKEN_ENDPOINT',
    'AZURE_OPENID_CONFIG_ISSUER',
  ]) {
    t.match(ut, new RegExp(`^${navn}=http://`, 'm'))
  }
  t.notMatch(ut, /\d{11}/, 'no personident printed')
  const pdl = /PDL_URL=(\S+)\/pdl/.exec(ut)![1]!
  t.equal((await kall(`${pdl}/simulator/kall`)).status, 200)
  const d = standardDatasett()
  t.ok(d.personer.length > 0)

  barn.kill('SIGTERM')
  const [kode] = (await once(barn, 'exit')) as [number | null]
  t.equal(kode, 0, 'graceful stop')
})
