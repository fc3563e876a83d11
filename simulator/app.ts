// The simulator as a Fastify app (not listening): every upstream of the service under its own path
// prefix, so each gets its own base URL, plus the control API tests and developers use to inject
// faults and count calls. All state lives in the app instance.
import Fastify, { type FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Datasett } from './dataset.js'
import {
  FeilMal,
  FeilSkjema,
  SimulatorTilstand,
  type Feil,
  type FeilMal as FeilMalType,
  type KallOversikt,
} from './feil.js'
import { FIKS_PREFIKS, registrerFiks } from './fiks.js'
import { lagIndeks, type SimulatorKontekst, type SimulatorOpts } from './kontekst.js'
import { registrerRegistre } from './registre.js'

export type { SimulatorOpts }

/** Path prefixes; a base URL is the listening origin + its prefix. */
export const STIER = {
  pdl: '/pdl',
  skjerming: '/skjerming',
  nom: '/nom',
  fiksDigisos: FIKS_PREFIKS,
  fiksIo: '',
  texasToken: '/texas/api/v1/token',
} as const

/** Programmatic access to a simulator's state, for tests in the same process. */
export interface SimulatorStyring {
  settFeil(mal: FeilMalType, feil: Feil | null): void
  fjernAlleFeil(): void
  kall(): KallOversikt
  nullstillKall(): void
}

const styringer = new WeakMap<FastifyInstance, SimulatorStyring>()

/** The control handle of an app built by buildSimulator. */
export function simulatorStyring(app: FastifyInstance): SimulatorStyring {
  const s = styringer.get(app)
  if (!s) throw new Error('appen er ikke bygget av buildSimulator')
  return s
}

const DevTokenForesporsel = z.strictObject({
  navident: z.string().regex(/^[A-Z]\d{6}$/, 'NAVident: én bokstav og seks sifre'),
  groups: z.array(z.string().min(1)).optional(),
})

export function buildSimulator(datasett: Datasett, opts: SimulatorOpts): FastifyInstance {
  // forceCloseConnections: close() must not wait for calls a timeout fault is holding open.
  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true })
  const tilstand = new SimulatorTilstand(datasett)
  const ctx: SimulatorKontekst = { datasett, indeks: lagIndeks(datasett), tilstand, opts }

  // Texas also takes form posts, as the real one does.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  registrerRegistre(app, ctx)
  registrerFiks(app, ctx)

  // ── control API ────────────────────────────────────────────────────────────
  app.put('/simulator/feil', async (request, reply) => {
    const tolket = z.strictObject({ mal: FeilMal, feil: FeilSkjema.nullable() }).safeParse(request.body)
    if (!tolket.success) {
      return reply.code(400).send({
        error:
          'Forventet { mal: { kommunenummer } | { upstream }, feil: { latencyMs?, status?, timeout?, malformed?, reset? } | null }',
        detaljer: tolket.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      })
    }
    tilstand.settFeil(tolket.data.mal, tolket.data.feil)
    return reply.code(200).send(tilstand.feil())
  })
  app.get('/simulator/feil', async () => tilstand.feil())
  app.delete('/simulator/feil', async (_request, reply) => {
    tilstand.fjernAlleFeil()
    return reply.code(204).send()
  })
  app.get('/simulator/kall', async () => tilstand.kall())
  app.post('/simulator/kall/nullstill', async (_request, reply) => {
    tilstand.nullstillKall()
    return reply.code(204).send()
  })

  // ── dev tokens ─────────────────────────────────────────────────────────────
  app.post('/dev/token', async (request, reply) => {
    const dev = opts.devToken
    if (!dev) return reply.code(404).send({ error: 'Denne simulatoren har ingen token-utsteder' })
    const tolket = DevTokenForesporsel.safeParse(request.body ?? {})
    if (!tolket.success)
      return reply
        .code(400)
        .send({ error: tolket.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') })
    const token = await dev.lagToken({
      navident: tolket.data.navident,
      groups: tolket.data.groups ?? dev.groups,
      aud: dev.audience,
    })
    return reply.code(200).send({ access_token: token, token_type: 'Bearer', expires_in: 3600 })
  })

  styringer.set(app, {
    settFeil: (mal, feil) => tilstand.settFeil(FeilMal.parse(mal), feil === null ? null : FeilSkjema.parse(feil)),
    fjernAlleFeil: () => tilstand.fjernAlleFeil(),
    kall: () => tilstand.kall(),
    nullstillKall: () => tilstand.nullstillKall(),
  })
  return app
}
