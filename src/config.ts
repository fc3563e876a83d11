// The operator contract (DESIGN §7): one zod schema over the environment. Only server.ts calls
// `lesMiljo(process.env)`; everything else receives the typed Config.
import { z } from 'zod'

const url = z.url({ protocol: /^https?$/ })
const heltall = (standard: number, min = 1) => z.coerce.number().int().min(min).default(standard)
const gruppe = z.string().min(1, 'må være satt (gruppens objekt-id)')

/** The upstreams, by the names used in metrics, timeouts and breakers. */
export const UPSTREAM_NAVN = ['texas', 'pdl', 'skjerming', 'nom', 'fiks', 'fiks-io'] as const
export type UpstreamNavn = (typeof UPSTREAM_NAVN)[number]

export interface Tidsavbrudd {
  tilkoblingMs: number
  /** Until the response headers. */
  hodeMs: number
  /** Longest pause while the body arrives. */
  kroppMs: number
}

/** The upstream URLs: all set (production), or none set in development (embedded simulator). */
export const UPSTREAM_VARIABLER = [
  'AZURE_OPENID_CONFIG_ISSUER',
  'AZURE_OPENID_CONFIG_JWKS_URI',
  'FIKS_DIGISOS_URL',
  'FIKS_IO_URL',
  'PDL_URL',
  'SKJERMING_URL',
  'NOM_URL',
  'NAIS_TOKEN_ENDPOINT',
] as const

export const MiljoSkjema = z
  .object({
    NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
    PORT: heltall(8080, 0).pipe(z.number().max(65535)),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    AZURE_OPENID_CONFIG_ISSUER: url.optional(),
    AZURE_OPENID_CONFIG_JWKS_URI: url.optional(),
    AZURE_APP_CLIENT_ID: z.string().min(1).optional(),

    GRUPPE_NKS: gruppe.optional(),
    GRUPPE_STRENGT_FORTROLIG: gruppe.optional(),
    GRUPPE_FORTROLIG: gruppe.optional(),
    GRUPPE_EGNE_ANSATTE: gruppe.optional(),
    GRUPPE_REVISJON: gruppe.optional(),

    FIKS_DIGISOS_URL: url.optional(),
    FIKS_INTEGRASJON_ID: z.string().min(1).optional(),
    FIKS_INTEGRASJON_PASSORD: z.string().min(1).optional(),
    FIKS_IO_URL: url.optional(),
    PDL_URL: url.optional(),
    PDL_BEHANDLINGSNUMMER: z.string().regex(/^B\d+$/, 'på formen B123').default('B123'),
    SKJERMING_URL: url.optional(),
    NOM_URL: url.optional(),
    NAIS_TOKEN_ENDPOINT: url.optional(),
    PDL_SCOPE: z.string().default('api://prod-fss.pdl.pdl-api/.default'),
    SKJERMING_SCOPE: z.string().default('api://prod-gcp.nom.skjermede-personer-pip/.default'),
    NOM_SCOPE: z.string().default('api://prod-gcp.nom.nom-api/.default'),

    /** Fastify's two lines per request (incoming, completed). Off by default: the ingress logs
     *  every request, the audit log every access and /metrics every route's count and time, and the
     *  two lines cost more than the rest of a cached read. Errors are logged either way. */
    LOGG_FORESPORSLER: z.enum(['ja', 'nei']).default('nei'),

    AUDIT_STORE: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:<sti> eller postgres://…')
      .default('sqlite:./data/audit.db'),

    AUDIT_CEF: z
      .string()
      .regex(/^(stdout|av|syslog:\/\/[^:/]+:\d+)$/, 'stdout, av eller syslog://vert:port')
      .default('stdout'),
    AUDIT_RETENSJON_DAGER: heltall(3650),
    AUDIT_SJEKKPUNKT_NOKKEL: z.string().min(32, 'minst 32 tegn').optional(),
    AVVIK_VOLUM_FAKTOR: z.coerce.number().positive().default(3),
    AVVIK_VOLUM_MINIMUM: heltall(50),
    AVVIK_AVSLAG_MINIMUM: heltall(5),
    AVVIK_HISTORIKK_DAGER: heltall(30),

    OPPSLAG_IDLE_TTL_S: heltall(900),
    OPPSLAG_MAX_TTL_S: heltall(3600),
    OPPSLAG_MAKS_ANTALL: heltall(20_000),
    OPPSLAG_MAKS_MB: heltall(96),
    SAK_MAKS_ALDER_MANEDER: heltall(15),
    UPSTREAM_TIDSAVBRUDD_MS: heltall(2500),
    UPSTREAM_TILKOBLING_MS: heltall(1000),
    /** Keep-alive connections per upstream: HTTP/1.1 carries one call at a time on each. */
    UPSTREAM_MAKS_TILKOBLINGER: heltall(256),
    /** Per-upstream overrides, `navn=tilkobling/hode/kropp` in ms, comma-separated. */
    UPSTREAM_TIDSAVBRUDD: z
      .string()
      .default('')
      .transform((tekst, ctx) => {
        const per: Partial<Record<UpstreamNavn, Tidsavbrudd>> = {}
        for (const del of tekst.split(',').map((d) => d.trim()).filter(Boolean)) {
          const m = /^([a-z-]+)=(\d+)\/(\d+)\/(\d+)$/.exec(del)
          const navn = m?.[1] as UpstreamNavn | undefined
          if (!m || !navn || !UPSTREAM_NAVN.includes(navn)) {
            ctx.addIssue({ code: 'custom', message: `«${del}»: forventet navn=tilkobling/hode/kropp med navn i ${UPSTREAM_NAVN.join(', ')}` })
            return z.NEVER
          }
          per[navn] = { tilkoblingMs: Number(m[2]), hodeMs: Number(m[3]), kroppMs: Number(m[4]) }
        }
        return per
      }),
    /** How long a municipality's KommuneInfo (its Digisos settings, harNksTilgang among them) is
     *  reused before Fiks is asked again; 0 asks on every lookup. */
    KOMMUNEINFO_CACHE_S: heltall(60, 0),
    OPPSLAG_FRIST_MS: heltall(3000),
    /** The access decision's register calls (PDL, skjerming, NOM) answer within this, retries included. */
    TILGANG_FRIST_MS: heltall(2000),
    OPPSLAG_MAKS_SAMTIDIGE_KOMMUNER: heltall(6),
    BRYTER_FEIL_PA_RAD: heltall(5),
    BRYTER_APEN_MS: heltall(10_000),
    /** Shared lookup sessions (metadata only) for several replicas: a postgres:// URL, or empty. */
    SESJON_STORE: z.union([z.literal(''), z.string().regex(/^postgres(ql)?:\/\//, 'postgres://… eller tom')]).default(''),
    RATE_LIMIT_PER_MINUTT: heltall(300),
    BELASTNING_MAKS_EVENT_LOOP_MS: heltall(1000),
    AVSLUTNING_MAKS_MS: heltall(10_000),
    /** Development only: where the embedded simulator listens (its OIDC issuer on the next port). */
    SIMULATOR_PORT: heltall(8081, 0).pipe(z.number().max(65534)),
  })
  .superRefine((env, ctx) => {
    // In development with no upstream set, server.ts starts the simulator and fills them all in.
    if (!trengerSimulator(env)) {
      for (const v of UPSTREAM_VARIABLER) {
        if (env[v] === undefined) ctx.addIssue({ code: 'custom', path: [v], message: 'mangler' })
      }
      // The secrets and group ids: exactly what the simulator supplies in development.
      for (const v of Object.keys(DEV_VERDIER) as (keyof typeof DEV_VERDIER)[]) {
        if (env[v] === undefined) ctx.addIssue({ code: 'custom', path: [v], message: 'mangler' })
      }
    }
    if (env.OPPSLAG_MAX_TTL_S < env.OPPSLAG_IDLE_TTL_S) {
      ctx.addIssue({ code: 'custom', path: ['OPPSLAG_MAX_TTL_S'], message: 'må være ≥ OPPSLAG_IDLE_TTL_S' })
    }
  })
export type Miljo = z.infer<typeof MiljoSkjema>

export interface Config {
  nodeEnv: 'production' | 'development' | 'test'
  port: number
  host: string
  logLevel: Miljo['LOG_LEVEL']
  loggForesporsler: boolean
  auth: { issuer: string; jwksUri: string; audience: string }
  grupper: { nks: string; strengtFortrolig: string; fortrolig: string; egneAnsatte: string; revisjon: string }
  fiks: { digisosUrl: string; ioUrl: string; integrasjonId: string; integrasjonPassord: string }
  pdl: { url: string; behandlingsnummer: string; scope: string }
  skjerming: { url: string; scope: string }
  nom: { url: string; scope: string }
  tokenEndpoint: string
  auditStore: string
  audit: {
    cef: string
    retensjonDager: number
    sjekkpunktNokkel: string | null
    avvik: { volumFaktor: number; volumMinimum: number; avslagMinimum: number; historikkDager: number }
  }
  oppslag: { idleTtlS: number; maxTtlS: number; maksAntall: number; maksBytes: number; sakMaksAlderManeder: number }
  tidsavbrudd: Record<UpstreamNavn, Tidsavbrudd>
  upstreamMaksTilkoblinger: number
  /** KommuneInfo reused for this long (0: asked on every lookup). */
  kommuneInfoCacheMs: number
  /** A lookup's fetch answers within this; what has not answered by then is UTILGJENGELIG. */
  oppslagFristMs: number
  tilgangFristMs: number
  maksSamtidigeKommuner: number
  bryter: { feilPaRad: number; apenMs: number }
  sesjonStore: string | null
  rateLimitPerMinutt: number
  belastningMaksEventLoopMs: number
}

export class KonfigFeil extends Error {
  override name = 'KonfigFeil'
}

/** Parses the environment; throws KonfigFeil naming every bad variable (never its value). */
export function lesMiljo(env: Record<string, string | undefined>): Miljo {
  const tolket = MiljoSkjema.safeParse(env)
  if (!tolket.success) {
    const linjer = tolket.error.issues.map((i) => `  ${i.path.join('.') || '(miljø)'}: ${i.message}`)
    throw new KonfigFeil(`Ugyldig konfigurasjon:\n${linjer.join('\n')}`)
  }
  return tolket.data
}

/** True when development runs with no upstream configured: the simulator stands in for them all. */
export function trengerSimulator(m: Miljo): boolean {
  return m.NODE_ENV !== 'production' && UPSTREAM_VARIABLER.every((v) => m[v] === undefined)
}

/** Builds Config from a parsed environment; `fyll` supplies what the embedded simulator provides. */
export function byggKonfig(m: Miljo, fyll: Partial<Record<keyof Miljo, string>> = {}): Config {
  const v = (navn: keyof Miljo): string => {
    const verdi = (m[navn] as string | undefined) ?? fyll[navn]
    if (verdi === undefined) throw new KonfigFeil(`Ugyldig konfigurasjon:\n  ${String(navn)}: mangler`)
    return verdi
  }
  return {
    nodeEnv: m.NODE_ENV,
    port: m.PORT,
    host: m.HOST,
    logLevel: m.LOG_LEVEL,
    loggForesporsler: m.LOGG_FORESPORSLER === 'ja',
    auth: { issuer: v('AZURE_OPENID_CONFIG_ISSUER'), jwksUri: v('AZURE_OPENID_CONFIG_JWKS_URI'), audience: v('AZURE_APP_CLIENT_ID') },
    grupper: {
      nks: v('GRUPPE_NKS'),
      strengtFortrolig: v('GRUPPE_STRENGT_FORTROLIG'),
      fortrolig: v('GRUPPE_FORTROLIG'),
      egneAnsatte: v('GRUPPE_EGNE_ANSATTE'),
      revisjon: v('GRUPPE_REVISJON'),
    },
    fiks: {
      digisosUrl: v('FIKS_DIGISOS_URL'),
      ioUrl: v('FIKS_IO_URL'),
      integrasjonId: v('FIKS_INTEGRASJON_ID'),
      integrasjonPassord: v('FIKS_INTEGRASJON_PASSORD'),
    },
    pdl: { url: v('PDL_URL'), behandlingsnummer: m.PDL_BEHANDLINGSNUMMER, scope: m.PDL_SCOPE },
    skjerming: { url: v('SKJERMING_URL'), scope: m.SKJERMING_SCOPE },
    nom: { url: v('NOM_URL'), scope: m.NOM_SCOPE },
    tokenEndpoint: v('NAIS_TOKEN_ENDPOINT'),
    auditStore: m.AUDIT_STORE,
    audit: {
      cef: m.AUDIT_CEF,
      retensjonDager: m.AUDIT_RETENSJON_DAGER,
      sjekkpunktNokkel: m.AUDIT_SJEKKPUNKT_NOKKEL ?? null,
      avvik: {
        volumFaktor: m.AVVIK_VOLUM_FAKTOR,
        volumMinimum: m.AVVIK_VOLUM_MINIMUM,
        avslagMinimum: m.AVVIK_AVSLAG_MINIMUM,
        historikkDager: m.AVVIK_HISTORIKK_DAGER,
      },
    },
    oppslag: {
      idleTtlS: m.OPPSLAG_IDLE_TTL_S,
      maxTtlS: m.OPPSLAG_MAX_TTL_S,
      maksAntall: m.OPPSLAG_MAKS_ANTALL,
      maksBytes: m.OPPSLAG_MAKS_MB * 1024 * 1024,
      sakMaksAlderManeder: m.SAK_MAKS_ALDER_MANEDER,
    },
    tidsavbrudd: Object.fromEntries(
      UPSTREAM_NAVN.map((navn) => [
        navn,
        m.UPSTREAM_TIDSAVBRUDD[navn] ?? { tilkoblingMs: m.UPSTREAM_TILKOBLING_MS, hodeMs: m.UPSTREAM_TIDSAVBRUDD_MS, kroppMs: m.UPSTREAM_TIDSAVBRUDD_MS },
      ]),
    ) as Record<UpstreamNavn, Tidsavbrudd>,
    upstreamMaksTilkoblinger: m.UPSTREAM_MAKS_TILKOBLINGER,
    kommuneInfoCacheMs: m.KOMMUNEINFO_CACHE_S * 1000,
    oppslagFristMs: m.OPPSLAG_FRIST_MS,
    tilgangFristMs: m.TILGANG_FRIST_MS,
    maksSamtidigeKommuner: m.OPPSLAG_MAKS_SAMTIDIGE_KOMMUNER,
    bryter: { feilPaRad: m.BRYTER_FEIL_PA_RAD, apenMs: m.BRYTER_APEN_MS },
    sesjonStore: m.SESJON_STORE === '' ? null : m.SESJON_STORE,
    rateLimitPerMinutt: m.RATE_LIMIT_PER_MINUTT,
    belastningMaksEventLoopMs: m.BELASTNING_MAKS_EVENT_LOOP_MS,
  }
}

/** Dev-only values for the embedded simulator: synthetic group ids and integration credentials. */
export const DEV_VERDIER = {
  AZURE_APP_CLIENT_ID: 'stonadsoppslag-dev',
  GRUPPE_NKS: 'dev-gruppe-nks',
  GRUPPE_STRENGT_FORTROLIG: 'dev-gruppe-strengt-fortrolig',
  GRUPPE_FORTROLIG: 'dev-gruppe-fortrolig',
  GRUPPE_EGNE_ANSATTE: 'dev-gruppe-egne-ansatte',
  GRUPPE_REVISJON: 'dev-gruppe-revisjon',
  FIKS_INTEGRASJON_ID: 'dev-integrasjon',
  FIKS_INTEGRASJON_PASSORD: 'dev-passord',
} as const
