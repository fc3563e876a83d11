// Expired lookups leave memory within seconds; the shared store's rows are swept less often.
import fp from 'fastify-plugin'

export default fp(
  async (app) => {
    const sesjoner = app.oppslagSesjoner
    const delte = app.delteSesjoner
    const sveip = setInterval(() => sesjoner.feiUtlopte(), 5_000).unref()
    const sveipDelte = delte
      ? setInterval(() => {
          delte.fei().catch((e: Error) => app.log.warn({ feil: e.message }, 'delt oppslagslager: opprydding feilet'))
        }, 30_000).unref()
      : undefined
    // Registered after the stores, so stopped before they close.
    app.addHook('onClose', async () => {
      clearInterval(sveip)
      clearInterval(sveipDelte)
    })
  },
  { name: 'sveip', fastify: '5.x', dependencies: ['sesjonslager'] },
)
