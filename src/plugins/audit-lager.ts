// The audit log as a resource: the store (or the one a test hands in) with its CEF copy, the
// chain head sent to the CEF stream on a timer, and the store closed last of all.
import fp from 'fastify-plugin'
import { lagCefSink } from '../audit/cef.js'
import { apneAuditStore } from '../audit/index.js'
import { medCef, type AuditLogg } from '../audit/logg.js'
import type { AuditStore } from '../audit/port.js'
import type { Grunnlag } from './grunnlag.js'

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLogg
  }
}

export interface AuditLagerValg extends Grunnlag {
  /** A store already open (tests); otherwise AUDIT_STORE's is opened. */
  lager?: AuditStore
}

export default fp<AuditLagerValg>(
  async (app, { config, instans, malinger, lager }) => {
    const { skrivefristMs } = config.audit
    const store =
      lager ??
      (await apneAuditStore(config.auditStore, {
        instans,
        nokkel: config.audit.nokkel,
        skrivefristMs,
        migrerUnoklet: config.audit.migrerUnoklet,
      }))
    const audit = medCef(store, lagCefSink(config.audit.cef, app.log), malinger.auditCommit, { skrivefristMs, instans })
    app.decorate('audit', audit)
    // The chain's head to the CEF stream, outside the database (and once more as the store closes).
    const hodetimer = setInterval(() => {
      audit.sendHode().catch((err: Error) => app.log.warn({ feil: err.message }, 'audit: kjedehodet kunne ikke sendes'))
    }, config.audit.hodeIntervallMs).unref()
    app.addHook('onReady', async () => {
      // Allowed (DESIGN §7), but then no head leaves the database and a cut tail goes unseen.
      if (config.nodeEnv === 'production' && config.audit.cef === 'av')
        app.log.warn('audit: AUDIT_CEF=av: kjedehodet sendes ingen steder, en slettet hale kan ikke oppdages')
    })
    // Registered first, closed last (onClose runs in reverse): every other resource has stopped
    // writing by then, and lukk flushes the queue before the store closes.
    app.addHook('onClose', async () => {
      clearInterval(hodetimer)
      await audit.lukk()
    })
  },
  { name: 'audit-lager', fastify: '5.x' },
)
