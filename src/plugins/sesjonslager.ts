// The lookups' sessions as a resource: in memory always; with several replicas also their metadata
// in PostgreSQL (an end on any replica drops the data here), and the start limit beside it.
import fp from 'fastify-plugin'
import type { PostgresSesjonLager } from '../oppslag/delte.js'
import { OppslagSesjoner } from '../oppslag/sesjoner.js'
import { lagStartGrense, type StartGrense } from '../oppslag/startgrense.js'
import type { Grunnlag } from './grunnlag.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The live lookup sessions (metrics and the benchmark read their size). */
    oppslagSesjoner: OppslagSesjoner
    /** The shared store of several replicas; null with one. */
    delteSesjoner: PostgresSesjonLager | null
    startGrense: StartGrense
  }
}

export default fp<Grunnlag>(
  async (app, { config, na, instans, malinger }) => {
    const sesjoner = new OppslagSesjoner({
      idleTtlMs: config.oppslag.idleTtlS * 1000,
      maxTtlMs: config.oppslag.maxTtlS * 1000,
      maksAntall: config.oppslag.maksAntall,
      maksBytes: config.oppslag.maksBytes,
      na,
      vedUtkastelse: malinger.utkastet,
    })
    // pg is loaded only when a shared store is configured.
    const delte = config.sesjonStore
      ? await (await import('../oppslag/delte.js')).PostgresSesjonLager.apne(config.sesjonStore, {
          idleMs: config.oppslag.idleTtlS * 1000,
          instans,
          na,
          vedFeil: (e) => app.log.warn({ feil: e.message }, 'delt oppslagslager: forbindelsen feilet'),
        })
      : null
    await delte?.lytt({ avsluttet: (hash) => sesjoner.avsluttHash(hash), tapt: () => sesjoner.tom() })
    // After the shared store: its schema exists by now.
    const startGrense = await lagStartGrense({
      perMinutt: config.oppslagStartPerMinutt,
      delt: config.sesjonStore,
      instans,
    })
    app.decorate('oppslagSesjoner', sesjoner)
    app.decorate('delteSesjoner', delte)
    app.decorate('startGrense', startGrense)
    app.addHook('onClose', async () => {
      sesjoner.tom()
      await delte?.lukk()
      await startGrense.lukk()
    })
  },
  { name: 'sesjonslager', fastify: '5.x' },
)
