// The service as its own process (src/server.ts under tsx), for tests of what only a process
// shows: kill -9, SIGTERM, several replicas.
import { spawn, type ChildProcess } from 'node:child_process'
import { lytterPa } from '../scripts/bundle.js'

/** tap records coverage in child processes too; this child runs under another TypeScript loader,
 *  whose source maps would be merged with the test run's and blur the coverage gate. */
export function utenDekning(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_V8_COVERAGE: _d, ...rest } = env
  return { ...rest, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
}

export async function startTjeneste(env: Record<string, string>): Promise<{ barn: ChildProcess; url: string }> {
  const barn = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...utenDekning(process.env), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return { barn, url: await lytterPa(barn, 30_000) }
}
