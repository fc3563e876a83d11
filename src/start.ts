// The service's start: env → config → buildApp → listen, and a graceful close. In development with
// no upstream configured, a stand-in given by the process's entry (simulator/tjeneste.ts, the
// simulator) is started in-process and every upstream URL points at it, so the service runs on one
// machine with no network; the service's code does not know the simulator.
import { getHeapStatistics } from 'node:v8'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { utviklingsStrom } from './plugins/loggformat.js'
import { byggKonfig, DEV_VERDIER, KonfigFeil, lesMiljo, trengerSimulator, type Miljo } from './config.js'

/** What the dev stand-in is started with: the service's dev values (DESIGN §7). */
export interface StandInValg {
  port: number
  oidcPort: number
  integrasjon: { id: string; passord: string }
  audience: string
  groups: string[]
}

/** Every upstream, started: its URLs in the service's configuration names. */
export interface KjorendeStandIn {
  urls: Partial<Record<keyof Miljo, string>>
  baseUrl: string
  close(): Promise<void>
}

export type StartStandIn = (valg: StandInValg) => Promise<KjorendeStandIn>

/** Starts the service on `env` (the process's environment: only the entries pass it). */
export async function startTjenesten(env: NodeJS.ProcessEnv, startStandIn?: StartStandIn): Promise<void> {
  let miljo: Miljo
  try {
    miljo = lesMiljo(env)
  } catch (e) {
    if (e instanceof KonfigFeil) {
      process.stderr.write(`${e.message}\n`)
      process.exit(1)
    }
    throw e
  }

  let stoppSimulator: (() => Promise<void>) | null = null
  let sim: { baseUrl: string } | null = null
  let fyll: Partial<Record<keyof Miljo, string>> = {}
  if (trengerSimulator(miljo)) {
    if (!startStandIn) {
      process.stderr.write(
        'Ugyldig konfigurasjon:\n  ingen upstream er satt, og ingen simulator står i for dem: npm run dev\n',
      )
      process.exit(1)
    }
    const kjorende = await startStandIn({
      port: miljo.SIMULATOR_PORT,
      oidcPort: miljo.SIMULATOR_PORT === 0 ? 0 : miljo.SIMULATOR_PORT + 1,
      integrasjon: { id: DEV_VERDIER.FIKS_INTEGRASJON_ID, passord: DEV_VERDIER.FIKS_INTEGRASJON_PASSORD },
      audience: DEV_VERDIER.AZURE_APP_CLIENT_ID,
      groups: [DEV_VERDIER.GRUPPE_NKS],
    })
    sim = kjorende
    stoppSimulator = kjorende.close
    fyll = { ...DEV_VERDIER, ...kjorende.urls }
  }
  const config = byggKonfig(miljo, fyll)
  // The session cache must evict before the heap runs out (npm start caps the heap): a byte bound
  // above half the heap would let a full cache crash the process instead.
  const heapMiB = Math.floor(getHeapStatistics().heap_size_limit / 1048576)
  if (miljo.OPPSLAG_MAKS_MB > heapMiB / 2) {
    process.stderr.write(
      `Ugyldig konfigurasjon:\n  OPPSLAG_MAKS_MB: mer enn halve heapen (${heapMiB} MiB); senk den eller øk --max-old-space-size\n`,
    )
    process.exit(1)
  }
  const pen = await utviklingsStrom(miljo.NODE_ENV, process.stdout.isTTY === true)
  const app = await buildApp(config, {
    dokumentasjon: miljo.NODE_ENV !== 'production',
    ...(pen ? { logStrom: pen } : {}),
  })

  // SIGTERM: stop accepting, let in-flight requests finish, flush the audit queue, purge the cache,
  // close agents and pools (all in app.close), within AVSLUTNING_MAKS_MS.
  closeWithGrace({ delay: miljo.AVSLUTNING_MAKS_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'avslutter etter feil')
    else app.log.info({ signal }, 'avslutter')
    await app.close()
    await stoppSimulator?.()
  })

  await app.listen({ port: config.port, host: config.host })
  if (stoppSimulator) {
    app.log.info(
      { simulator: sim?.baseUrl, dokumentasjon: '/docs' },
      'utviklingsmodus: simulatoren står i for alle upstreams; hent et token med POST {simulator}/dev/token',
    )
  }
}
