// Entra-ID-style user tokens: RS256/ES256 only, keys from the issuer's JWKS (nokkelsett.ts: every
// key of the fetched set kept, unknown kids refetched per kid and at a bounded rate, never held
// back globally), iss/aud/exp/nbf checked with small clock skew. Every token fault is the same 401
// UAUTENTISERT: the client is not told which check failed.
//
// A verified token is remembered, keyed by the whole token string, until its own exp (at most the
// key set's ten minutes): a repeat request with the same bearer token skips signature verification
// and claim parsing. Only tokens
// that passed every check are kept (an attacker cannot fill the cache with made-up ones), the
// cache is bounded, and an entry never outlives the token's exp.
import { LRUCache } from 'lru-cache'
import fp from 'fastify-plugin'
import fastifyJwt from '@fastify/jwt'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import { z } from 'zod'
import type { Saksbehandler } from '../access/regler.js'
import { Navident } from '../domain/model.js'
import { Problem } from '../feil.js'
import { JWKS_TTL_MS, Nokkelsett, type NokkelsettValg } from './nokkelsett.js'

declare module 'fastify' {
  interface FastifyRequest {
    saksbehandler: Saksbehandler | null
  }
  interface FastifyInstance {
    /** onRequest hook: requires a valid user token; sets request.saksbehandler. */
    autentiser: onRequestHookHandler
  }
}

export interface AuthValg {
  issuer: string
  jwksUri: string
  audience: string
  /** Seconds of clock skew accepted on exp/nbf. */
  klokkeslingringS?: number
  /** The key set's timings and bounds (tests); defaults in nokkelsett.ts. */
  jwks?: Omit<NokkelsettValg, 'jwksUri'>
  /** Bounds of the verified-token cache: entries and bytes (token text and claims). */
  tokenCacheMaks?: number
  tokenCacheMaksBytes?: number
  /** Clock for the cache and the token's exp and nbf; tests move it instead of waiting. */
  na?: () => number
}

interface Verifisert {
  saksbehandler: Saksbehandler
  /** The token's exp, ms: never served after it, whatever the cache's own clock says. */
  utloperMs: number
}

/** The bearer token of the Authorization header: `Bearer <token>`, one space, nothing else. The
 *  same string is verified and used as the cache key. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization
  if (typeof h !== 'string' || h.length < 8 || h.charCodeAt(6) !== 32 || h.slice(0, 6).toLowerCase() !== 'bearer')
    return undefined
  const token = h.slice(7)
  return token.includes(' ') ? undefined : token
}

const Krav = z.object({
  NAVident: Navident,
  groups: z.array(z.string()),
  oid: z.string().min(1),
  idtyp: z.string().optional(),
  exp: z.number(),
})

export default fp<AuthValg>(
  async (app, valg) => {
    const nokler = new Nokkelsett({ ...valg.jwks, jwksUri: valg.jwksUri })
    const na = valg.na ?? Date.now
    // fast-jwt reads the system clock unless given a time; passing one builds a verifier per call,
    // so only an injected clock pays for that.
    const jwtVerify = valg.na
      ? (r: FastifyRequest) => r.jwtVerify({ clockTimestamp: na() })
      : (r: FastifyRequest) => r.jwtVerify()

    await app.register(fastifyJwt, {
      secret: (_request: FastifyRequest, token: unknown) => {
        const { kid, alg } = (token as { header: { kid?: unknown; alg?: unknown } }).header
        return nokler.pem(kid, alg)
      },
      decode: { complete: true },
      verify: {
        algorithms: ['RS256', 'ES256'],
        allowedIss: valg.issuer,
        allowedAud: valg.audience,
        clockTolerance: (valg.klokkeslingringS ?? 30) * 1000,
        requiredClaims: ['exp', 'iss', 'aud'],
        extractToken: bearerToken,
      },
    })

    const verifiserte = new LRUCache<string, Verifisert>({
      max: valg.tokenCacheMaks ?? 10_000,
      perf: { now: na },
      maxSize: valg.tokenCacheMaksBytes ?? 16 * 1024 * 1024,
      sizeCalculation: (v, token) =>
        2 * token.length + 128 + v.saksbehandler.grupper.reduce((n, g) => n + 2 * g.length + 16, 0),
    })

    async function verifiser(request: FastifyRequest, token: string): Promise<void> {
      let payload: unknown
      try {
        payload = await jwtVerify(request)
      } catch {
        throw new Problem('UAUTENTISERT')
      }
      const krav = Krav.safeParse(payload)
      // Machine tokens (idtyp "app", in any case) may never look up persons; Entra writes only "app"
      // or "user", so any other value is refused too (fail closed).
      if (!krav.success || (krav.data.idtyp !== undefined && krav.data.idtyp.toLowerCase() !== 'user'))
        throw new Problem('UAUTENTISERT')
      // Shared by every request with this token: frozen.
      const saksbehandler: Saksbehandler = Object.freeze({
        navident: krav.data.NAVident,
        grupper: Object.freeze(krav.data.groups),
      })
      request.saksbehandler = saksbehandler
      const utloperMs = krav.data.exp * 1000
      // No longer than a key is trusted without asking the JWKS again: a key taken out of the set
      // stops its tokens within that time, as it did before the cache.
      const ttl = Math.min(Math.floor(utloperMs - na()), JWKS_TTL_MS)
      if (ttl > 0) verifiserte.set(token, { saksbehandler, utloperMs }, { ttl })
    }

    app.decorateRequest('saksbehandler', null)
    // A callback hook: a token already verified is answered without a promise or a microtask.
    app.decorate('autentiser', ((request, _reply, done) => {
      const token = bearerToken(request)
      if (token === undefined) return done(new Problem('UAUTENTISERT'))
      const kjent = verifiserte.get(token)
      if (kjent !== undefined && na() < kjent.utloperMs) {
        request.saksbehandler = kjent.saksbehandler
        return done()
      }
      // Fails closed even if a rejection carried no error.
      verifiser(request, token).then(
        () => done(),
        (e: unknown) => done(e instanceof Error ? e : new Problem('UAUTENTISERT')),
      )
    }) satisfies onRequestHookHandler)
  },
  { name: 'auth', fastify: '5.x' },
)

/** The authenticated employee of a request behind `autentiser`; fails closed (401) if there is none. */
export function innlogget(request: FastifyRequest): Saksbehandler {
  if (!request.saksbehandler) throw new Problem('UAUTENTISERT')
  return request.saksbehandler
}
