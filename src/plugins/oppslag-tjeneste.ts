// The lookup service, made from the resources it uses: the upstreams, the audit log and the sessions.
import fp from 'fastify-plugin'
import { OppslagService } from '../oppslag/service.js'
import type { Grunnlag } from './grunnlag.js'

declare module 'fastify' {
  interface FastifyInstance {
    oppslag: OppslagService
  }
}

export default fp<Grunnlag>(
  async (app, { config, na, instans, malinger }) => {
    app.decorate(
      'oppslag',
      new OppslagService({
        ...app.kilder,
        kommuneliste: app.kommuneliste,
        audit: app.audit,
        sesjoner: app.oppslagSesjoner,
        delte: app.delteSesjoner,
        grupper: config.grupper,
        instans,
        sakMaksAlderManeder: config.oppslag.sakMaksAlderManeder,
        fristMs: config.oppslagFristMs,
        tilgangFristMs: config.tilgangFristMs,
        maksSamtidigeKommuner: config.maksSamtidigeKommuner,
        maksSaker: config.maksSaker,
        maksSamtidigeDokumenter: config.maksSamtidigeDokumenter,
        na,
        beslutning: malinger.beslutning,
        cacheUtfall: malinger.cache,
        statistikk: (hendelse, antall) => app.log.info({ hendelse, antall }, 'upstream-data hoppet over'),
      }),
    )
  },
  { name: 'oppslag-tjeneste', fastify: '5.x', dependencies: ['kilder', 'audit-lager', 'sesjonslager'] },
)
