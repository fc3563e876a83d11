// Runs the simulator on its own: `tsx simulator/main.ts` (npm run simulator). Prints where each
// upstream is, as environment lines to give the service — never a personident.
import { lastDatasettFil, standardDatasett, startSimulator } from './index.js'

function heltall(navn: string, standard: number): number {
  const verdi = process.env[navn]
  if (verdi === undefined || verdi === '') return standard
  const n = Number(verdi)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${navn} må være et portnummer`)
  return n
}

const env = process.env
const fil = env['SIMULATOR_DATASET']
const sim = await startSimulator({
  host: env['SIMULATOR_HOST'] || '127.0.0.1',
  port: heltall('SIMULATOR_PORT', 8090),
  oidcPort: heltall('SIMULATOR_OIDC_PORT', 0),
  datasett: fil ? lastDatasettFil(fil) : standardDatasett(),
  // Dev defaults; the service in development uses the same (see its README).
  integrasjon: {
    id: env['FIKS_INTEGRASJON_ID'] || 'dev-integrasjon',
    passord: env['FIKS_INTEGRASJON_PASSORD'] || 'dev-passord',
  },
  groups: (env['SIMULATOR_GROUPS'] || env['GRUPPE_NKS'] || 'nks-oppslag-dev')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean),
  audience: env['AZURE_APP_CLIENT_ID'] || 'stonadsoppslag-dev',
})

const linjer = Object.entries(sim.urls).map(([navn, url]) => `${navn}=${url}`)
process.stdout.write(
  [
    `Simulatoren kjører (${sim.datasett.personer.length} syntetiske personer, ${sim.datasett.kommuner.length} kommuner).`,
    ...linjer,
    `# styring: ${sim.baseUrl}/simulator/kall  ${sim.baseUrl}/simulator/feil`,
    `# dev-token: curl -s -X POST ${sim.baseUrl}/dev/token -H 'content-type: application/json' -d '{"navident":"Z990001"}'`,
    '',
  ].join('\n'),
)

let stopper = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopper) return
    stopper = true
    sim.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`feil ved stopp: ${(e as Error).message}\n`)
        process.exit(1)
      },
    )
  })
}
