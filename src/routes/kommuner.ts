// GET /api/v1/kommuner (DESIGN §3): every municipality's NKS status, for the NKS role. It holds no
// personal data and concerns no person, so it is no access for the audit log (DESIGN §6 records
// access to persons); the NKS role is checked as for a lookup, since the list is for NKS's work.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Kommunenummer } from '../domain/model.js'
import { Problem } from '../feil.js'
import { innlogget } from '../plugins/auth.js'
import { KommunelisteUtilgjengelig, type KommunelisteCache } from '../sources/kommuneliste.js'
import { problemer } from './skjema.js'

const KommuneStatus = z
  .object({
    kommunenummer: Kommunenummer.meta({ example: '3301' }),
    harNksTilgang: z
      .boolean()
      .describe(
        'Kommunen har gitt NAV Kontaktsenter tilgang (KS: harNksTilgang). Uten den vises ingenting fra kommunen i oppslag',
      ),
    kanMottaSoknader: z.boolean().describe('Kommunen tar imot digitale søknader'),
    kanOppdatereStatus: z
      .boolean()
      .describe('Kommunen sender statusoppdateringer (innsyn); uten dem vises søknaden uten status fra kommunen'),
    harMidlertidigDeaktivertMottak: z.boolean().describe('Mottak av søknader er midlertidig stengt'),
    harMidlertidigDeaktivertOppdateringer: z
      .boolean()
      .describe('Statusoppdateringer er midlertidig stanset: data kan være utdaterte'),
    behandlingsansvarlig: z
      .string()
      .nullable()
      .describe('Vertskommunen i et samarbeid, når kommunen er med i ett')
      .meta({ example: 'Drammen kommune' }),
  })
  .meta({ id: 'KommuneStatus' })

export const Kommuner = z
  .object({
    hentet: z.string().describe('Når Fiks ga listen (ISO 8601); eldre enn mellomlagringstiden når Fiks ikke svarer'),
    kommuner: z.array(KommuneStatus).describe('Hver kommune som er satt opp i Fiks Digisos, etter kommunenummer'),
  })
  .meta({ id: 'Kommuner' })

export const kommunerRoutes: FastifyPluginAsyncZod<{ kommuneliste: KommunelisteCache; nksGruppe: string }> = async (
  app,
  { kommuneliste, nksGruppe },
) => {
  app.addHook('onRequest', app.autentiser)
  app.addHook('onRequest', async (request) => {
    if (!innlogget(request).grupper.includes(nksGruppe)) throw new Problem('AVVIST_MANGLER_ROLLE')
  })

  app.get(
    '/kommuner',
    {
      schema: {
        operationId: 'hentKommuner',
        summary: 'Kommunenes NKS-status',
        description: 'Hver kommunes oppsett i Fiks Digisos, uten personopplysninger: hvor innbyggeren kan henvises.',
        tags: ['kommuner'],
        response: { 200: Kommuner, ...problemer('UAUTENTISERT', 'AVVIST_MANGLER_ROLLE', 'KOMMUNELISTE_UTILGJENGELIG') },
      },
    },
    async (request) => {
      try {
        // For referral, yesterday's list beats none while Fiks is down; `hentet` says how old it is.
        const liste = await kommuneliste.hent(request.id, { foreldet: true })
        return {
          hentet: new Date(liste.hentet).toISOString(),
          // Field by field: whatever else Fiks adds (its contact persons among it) is not passed on.
          kommuner: liste.kommuner.map((k) => ({
            kommunenummer: k.kommunenummer,
            harNksTilgang: k.harNksTilgang,
            kanMottaSoknader: k.kanMottaSoknader,
            kanOppdatereStatus: k.kanOppdatereStatus,
            harMidlertidigDeaktivertMottak: k.harMidlertidigDeaktivertMottak,
            harMidlertidigDeaktivertOppdateringer: k.harMidlertidigDeaktivertOppdateringer,
            behandlingsansvarlig: k.behandlingsansvarlig,
          })),
        }
      } catch (e) {
        if (e instanceof KommunelisteUtilgjengelig) throw new Problem('KOMMUNELISTE_UTILGJENGELIG', e)
        throw e
      }
    },
  )
}
