// Audit retention: every replica may run it (a second run finds nothing to delete), at start and
// every six hours.
import fp from 'fastify-plugin'
import type { Grunnlag } from './grunnlag.js'

export default fp<Pick<Grunnlag, 'config' | 'na'>>(
  async (app, { config, na }) => {
    const retensjon = async () => {
      try {
        const grense = new Date(na() - config.audit.retensjonDager * 86_400_000).toISOString()
        const slettet = await app.audit.slettFor(grense)
        if (slettet > 0) app.log.info({ slettet }, 'audit: retensjon')
      } catch (err) {
        // Cut short by shutdown (the store closed between slices) is no fault: the next run goes on.
        if (app.stenger) app.log.info('audit: retensjon avbrutt av avslutning')
        else app.log.error({ err }, 'audit: retensjon feilet')
      }
    }
    const timer = setInterval(() => void retensjon(), 6 * 3_600_000).unref()
    app.addHook('onReady', async () => {
      void retensjon()
    })
    app.addHook('onClose', async () => {
      clearInterval(timer)
    })
  },
  { name: 'audit-retensjon', fastify: '5.x', dependencies: ['audit-lager', 'avslutning'] },
)
