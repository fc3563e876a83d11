// The upstreams as a resource: every adapter with its keep-alive agent (or the ports a test hands
// in), and the list of every municipality's KommuneInfo built on Fiks.
import fp from 'fastify-plugin'
import { byggKilder, type Kilder } from '../sources/index.js'
import { KommunelisteCache } from '../sources/kommuneliste.js'
import type { Grunnlag } from './grunnlag.js'

declare module 'fastify' {
  interface FastifyInstance {
    kilder: Kilder
    /** GET /api/v1/kommuner, and the lookups' NKS gate when a municipality's own KommuneInfo
     *  cannot be read. */
    kommuneliste: KommunelisteCache
  }
}

export interface KildeValg extends Grunnlag {
  /** Ports already made (tests); otherwise built from the configuration. */
  kilder?: Kilder
}

export default fp<KildeValg>(
  async (app, { config, na, malinger, kilder: gitt }) => {
    const kilder = gitt ?? byggKilder(config, malinger, na)
    app.decorate('kilder', kilder)
    app.decorate(
      'kommuneliste',
      new KommunelisteCache(kilder.fiks, { ttlMs: config.kommunelisteCacheMs, na, tidsfristMs: config.oppslagFristMs }),
    )
    app.addHook('onClose', async () => {
      await kilder.lukk()
    })
  },
  { name: 'kilder', fastify: '5.x' },
)
