// OpenAPI 3.1 generated from the routes' zod schemas; interactive docs in development.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

export default fp<{ ui: boolean }>(
  async (app, { ui }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'stonadsoppslag',
          version: '1',
          description:
            'NKS-oppslag i sentrale stønadsopplysninger fra kommunene via FIKS. Personidenter står kun i innholdet, aldri i URL-er. Alle feil er application/problem+json.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    })
    if (ui) await app.register(swaggerUi, { routePrefix: '/docs' })
  },
  { name: 'openapi', fastify: '5.x' },
)
