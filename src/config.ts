// The operator contract (DESIGN §7): one zod schema over the environment. Only start.ts calls
// `lesMiljo` (on the environment its entry gives it); everything else receives the typed Config.
import { isIPv4 } from 'node:net'
import { z } from 'zod'
import { DEV_NOKKEL } from './audit/port.js'

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
    /** No default in production: the number names the legal basis PDL logs each query under, and
     *  only the operator knows it (superRefine); development falls back to DEV_BEHANDLINGSNUMMER. */
    PDL_BEHANDLINGSNUMMER: z
      .string()
      .regex(/^B\d+$/, 'på formen B123')
      .optional(),
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

    /** Default: DB_URL when NAIS injects it. Otherwise none in production (superRefine): a SQLite
     *  file there would sit on the container's read-only root, one per replica. Development and
     *  test default to AUDIT_STORE_UTVIKLING. */
    AUDIT_STORE: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:<sti> eller postgres://…')
      .optional(),
    /** The Cloud SQL database's URL as NAIS injects it (.nais/app.yaml, envVarPrefix DB): the
     *  default of AUDIT_STORE and SESJON_STORE, so no hand-made secret repeats its credentials. */
    DB_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'postgres://…')
      .optional(),

    /** No default: production must name it (superRefine); development and test default to stdout. */
    AUDIT_CEF: z
      .string()
      .regex(/^(stdout|av|syslog:\/\/[^:/]+:\d+)$/, 'stdout, av eller syslog://vert:port')
      .optional(),
    AUDIT_RETENSJON_DAGER: heltall(3650),
    /** The audit chain's key (HMAC-SHA-256 of every event and checkpoint). No default: production
     *  must set it (superRefine); development and test use DEV_NOKKEL. */
    AUDIT_NOKKEL: z.string().min(32, 'minst 32 tegn').optional(),
    /** Replaced by AUDIT_NOKKEL (which now keys the whole chain): refused, so that a deployment
     *  that set it does not start with its checkpoints' key silently dropped. */
    AUDIT_SJEKKPUNKT_NOKKEL: z.string().optional(),
    /** `<id>:<hash>` of the unkeyed chain's head, set for one start to key a chain written before
     *  AUDIT_NOKKEL (docs/audit.md; rad.ts nokkelOvergang says why it names the head). */
    AUDIT_MIGRER_UNOKLET: z
      .string()
      .regex(/^\d+:[0-9a-f]{64}$/, '<id>:<hash> av kjedens hode uten nøkkel (skrives ut når lageret nekter å åpne)')
      .optional(),
    /** How often the chain's head goes to the CEF stream (and on shutdown). */
    AUDIT_HODE_INTERVALL_S: heltall(300),
    /** An audit commit that takes longer fails (503) and readiness goes down. */
    AUDIT_SKRIVEFRIST_MS: heltall(5000).pipe(z.number().max(600_000)),
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
        for (const del of tekst
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean)) {
          const m = /^([a-z-]+)=(\d+)\/(\d+)\/(\d+)$/.exec(del)
          const navn = m?.[1] as UpstreamNavn | undefined
          if (!m || !navn || !UPSTREAM_NAVN.includes(navn)) {
            ctx.addIssue({
              code: 'custom',
              message: `«${del}»: forventet navn=tilkobling/hode/kropp med navn i ${UPSTREAM_NAVN.join(', ')}`,
            })
            return z.NEVER
          }
          per[navn] = { tilkoblingMs: Number(m[2]), hodeMs: Number(m[3]), kroppMs: Number(m[4]) }
        }
        return per
      }),
    /** How long a municipality's KommuneInfo (its Digisos settings, harNksTilgang among them) is
     *  reused before Fiks is asked again; 0 asks on every lookup. */
    KOMMUNEINFO_CACHE_S: heltall(60, 0),
    /** How long GET /api/v1/kommuner serves every municipality's status before Fiks is asked
     *  again; 0 asks on every request. While Fiks is down the last list is served (up to a day). */
    KOMMUNELISTE_CACHE_S: heltall(300, 0),
    OPPSLAG_FRIST_MS: heltall(3000),
    /** The access decision's register calls (PDL, skjerming, NOM) answer within this, retries included. */
    TILGANG_FRIST_MS: heltall(2000),
    OPPSLAG_MAKS_SAMTIDIGE_KOMMUNER: heltall(6),
    OPPSLAG_MAKS_SAKER: heltall(50),
    OPPSLAG_MAKS_SAMTIDIGE_DOKUMENTER: heltall(8),
    BRYTER_FEIL_PA_RAD: heltall(5),
    BRYTER_APEN_MS: heltall(10_000),
    /** Shared lookup sessions (metadata only) for several replicas: a postgres:// URL, or empty
     *  (this process only). Default: DB_URL when NAIS injects it, else empty. */
    SESJON_STORE: z
      .union([z.literal(''), z.string().regex(/^postgres(ql)?:\/\//, 'postgres://… eller tom')])
      .optional(),
    RATE_LIMIT_PER_MINUTT: heltall(300),
    OPPSLAG_START_PER_MINUTT: heltall(30),
    UPSTREAM_MAKS_MB_UNDERVEIS: heltall(48),
    BELASTNING_MAKS_EVENT_LOOP_MS: heltall(1000),
    AVSLUTNING_MAKS_MS: heltall(10_000),
    /** Development only: where the embedded simulator listens (its OIDC issuer on the next port). */
    SIMULATOR_PORT: heltall(8081, 0).pipe(z.number().max(65534)),
  })
  .superRefine((env, ctx) => {
    // In development with no upstream set, the entry's stand-in (the simulator)
    // is started and fills them all in (start.ts).
    if (!trengerSimulator(env)) {
      for (const v of UPSTREAM_VARIABLER) {
        if (env[v] === undefined) ctx.addIssue({ code: 'custom', path: [v], message: 'mangler' })
      }
      // The secrets and group ids: exactly what the simulator supplies in development.
      for (const v of Object.keys(DEV_VERDIER) as (keyof typeof DEV_VERDIER)[]) {
        if (env[v] === undefined) ctx.addIssue({ code: 'custom', path: [v], message: 'mangler' })
      }
    }
    if (env.NODE_ENV === 'production') {
      // Each CEF line names the person (duid): in the application log stream it would reach
      // everyone who reads logs. Production names where the audit copy goes.
      if (env.AUDIT_STORE === undefined && env.DB_URL === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['AUDIT_STORE'],
          message: 'mangler (postgres://…, delt av replikaene; eller sqlite:<sti> på et volum)',
        })
      if (env.PDL_BEHANDLINGSNUMMER === undefined)
        ctx.addIssue({ code: 'custom', path: ['PDL_BEHANDLINGSNUMMER'], message: 'mangler (på formen B123)' })
      if (env.AUDIT_CEF === undefined)
        ctx.addIssue({ code: 'custom', path: ['AUDIT_CEF'], message: 'mangler (syslog://vert:port eller av)' })
      else if (env.AUDIT_CEF === 'stdout')
        ctx.addIssue({
          code: 'custom',
          path: ['AUDIT_CEF'],
          message: 'stdout er bare for utvikling (syslog://vert:port eller av)',
        })
      // Without its own key, whoever can write the database can rewrite the chain.
      if (env.AUDIT_NOKKEL === undefined)
        ctx.addIssue({ code: 'custom', path: ['AUDIT_NOKKEL'], message: 'mangler (minst 32 tegn, hemmelig)' })
      else if (env.AUDIT_NOKKEL === DEV_NOKKEL)
        ctx.addIssue({ code: 'custom', path: ['AUDIT_NOKKEL'], message: 'utviklingsnøkkelen er offentlig' })
      // Length alone lets 32 spaces through; a generated secret (openssl rand -base64 32) has ~25.
      else if (new Set(env.AUDIT_NOKKEL).size < 10)
        ctx.addIssue({
          code: 'custom',
          path: ['AUDIT_NOKKEL'],
          message: 'for lite tilfeldig (minst 10 ulike tegn; lag den med openssl rand -base64 32)',
        })
      // Tokens, personidents and case data travel on these: TLS, except to a sidecar on loopback.
      for (const v of HTTPS_VARIABLER) {
        const verdi = env[v]
        if (verdi !== undefined && !sikkerUrl(verdi))
          ctx.addIssue({ code: 'custom', path: [v], message: 'må være https (http bare til loopback)' })
      }
    }
    // One group id for two roles would give one role's rights to the other's members.
    const sett = new Map<string, string>()
    for (const v of GRUPPE_VARIABLER) {
      const verdi = env[v] ?? (trengerSimulator(env) ? DEV_VERDIER[v] : undefined)
      if (verdi === undefined) continue
      const nokkel = verdi.trim().toLowerCase()
      const forste = sett.get(nokkel)
      if (forste !== undefined) ctx.addIssue({ code: 'custom', path: [v], message: `samme gruppe-id som ${forste}` })
      else sett.set(nokkel, v)
    }
    if (env.AUDIT_SJEKKPUNKT_NOKKEL !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_SJEKKPUNKT_NOKKEL'],
        message: 'erstattet av AUDIT_NOKKEL: sett den til samme verdi og fjern denne',
      })
    }
    if (env.OPPSLAG_MAX_TTL_S < env.OPPSLAG_IDLE_TTL_S) {
      ctx.addIssue({ code: 'custom', path: ['OPPSLAG_MAX_TTL_S'], message: 'må være ≥ OPPSLAG_IDLE_TTL_S' })
    }
  })
export type Miljo = z.infer<typeof MiljoSkjema>

/** The group ids, one per role: distinct. */
const GRUPPE_VARIABLER = [
  'GRUPPE_NKS',
  'GRUPPE_STRENGT_FORTROLIG',
  'GRUPPE_FORTROLIG',
  'GRUPPE_EGNE_ANSATTE',
  'GRUPPE_REVISJON',
] as const

/** The URLs the service connects to (the issuer is only compared, never fetched). */
const HTTPS_VARIABLER = UPSTREAM_VARIABLER.filter((v) => v !== 'AZURE_OPENID_CONFIG_ISSUER')

/** https, or http to this host: 127.0.0.0/8, ::1, localhost (NAIS's token sidecar listens there). */
export function sikkerUrl(verdi: string): boolean {
  // A value that is no URL at all is reported by its own check.
  if (!URL.canParse(verdi)) return true
  const url = new URL(verdi)
  if (url.protocol === 'https:') return true
  const vert = url.hostname
  return vert === 'localhost' || vert === '[::1]' || (isIPv4(vert) && vert.startsWith('127.'))
}

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
    /** The chain's key: AUDIT_NOKKEL, or development's DEV_NOKKEL. */
    nokkel: string
    /** `<id>:<hash>` of the unkeyed head to migrate from, or null. */
    migrerUnoklet: string | null
    hodeIntervallMs: number
    skrivefristMs: number
    avvik: { volumFaktor: number; volumMinimum: number; avslagMinimum: number; historikkDager: number }
  }
  oppslag: { idleTtlS: number; maxTtlS: number; maksAntall: number; maksBytes: number; sakMaksAlderManeder: number }
  tidsavbrudd: Record<UpstreamNavn, Tidsavbrudd>
  upstreamMaksTilkoblinger: number
  /** KommuneInfo reused for this long (0: asked on every lookup). */
  kommuneInfoCacheMs: number
  /** GET /api/v1/kommuner's list reused for this long (0: asked on every request). */
  kommunelisteCacheMs: number
  /** A lookup's fetch answers within this; what has not answered by then is UTILGJENGELIG. */
  oppslagFristMs: number
  tilgangFristMs: number
  maksSamtidigeKommuner: number
  /** Digisos cases one lookup fetches (the newest); the rest make their municipality incomplete. */
  maksSaker: number
  /** Fiks documents one lookup fetches at once. */
  maksSamtidigeDokumenter: number
  bryter: { feilPaRad: number; apenMs: number }
  sesjonStore: string | null
  rateLimitPerMinutt: number
  oppslagStartPerMinutt: number
  upstreamMaksMbUnderveis: number
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
  const nais = m.DB_URL === undefined ? null : fraNaisDatabase(m.DB_URL)
  return {
    nodeEnv: m.NODE_ENV,
    port: m.PORT,
    host: m.HOST,
    logLevel: m.LOG_LEVEL,
    loggForesporsler: m.LOGG_FORESPORSLER === 'ja',
    auth: {
      issuer: v('AZURE_OPENID_CONFIG_ISSUER'),
      jwksUri: v('AZURE_OPENID_CONFIG_JWKS_URI'),
      audience: v('AZURE_APP_CLIENT_ID'),
    },
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
    pdl: {
      url: v('PDL_URL'),
      behandlingsnummer:
        m.NODE_ENV === 'production' ? v('PDL_BEHANDLINGSNUMMER') : (m.PDL_BEHANDLINGSNUMMER ?? DEV_BEHANDLINGSNUMMER),
      scope: m.PDL_SCOPE,
    },
    skjerming: { url: v('SKJERMING_URL'), scope: m.SKJERMING_SCOPE },
    nom: { url: v('NOM_URL'), scope: m.NOM_SCOPE },
    tokenEndpoint: v('NAIS_TOKEN_ENDPOINT'),
    auditStore: m.AUDIT_STORE ?? nais ?? AUDIT_STORE_UTVIKLING,
    audit: {
      cef: m.AUDIT_CEF ?? 'stdout',
      retensjonDager: m.AUDIT_RETENSJON_DAGER,
      nokkel: m.AUDIT_NOKKEL ?? DEV_NOKKEL,
      migrerUnoklet: m.AUDIT_MIGRER_UNOKLET ?? null,
      hodeIntervallMs: m.AUDIT_HODE_INTERVALL_S * 1000,
      skrivefristMs: m.AUDIT_SKRIVEFRIST_MS,
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
        m.UPSTREAM_TIDSAVBRUDD[navn] ?? {
          tilkoblingMs: m.UPSTREAM_TILKOBLING_MS,
          hodeMs: m.UPSTREAM_TIDSAVBRUDD_MS,
          kroppMs: m.UPSTREAM_TIDSAVBRUDD_MS,
        },
      ]),
    ) as Record<UpstreamNavn, Tidsavbrudd>,
    upstreamMaksTilkoblinger: m.UPSTREAM_MAKS_TILKOBLINGER,
    kommuneInfoCacheMs: m.KOMMUNEINFO_CACHE_S * 1000,
    kommunelisteCacheMs: m.KOMMUNELISTE_CACHE_S * 1000,
    oppslagFristMs: m.OPPSLAG_FRIST_MS,
    tilgangFristMs: m.TILGANG_FRIST_MS,
    maksSamtidigeKommuner: m.OPPSLAG_MAKS_SAMTIDIGE_KOMMUNER,
    maksSaker: m.OPPSLAG_MAKS_SAKER,
    maksSamtidigeDokumenter: m.OPPSLAG_MAKS_SAMTIDIGE_DOKUMENTER,
    bryter: { feilPaRad: m.BRYTER_FEIL_PA_RAD, apenMs: m.BRYTER_APEN_MS },
    sesjonStore: m.SESJON_STORE === undefined ? nais : m.SESJON_STORE === '' ? null : m.SESJON_STORE,
    rateLimitPerMinutt: m.RATE_LIMIT_PER_MINUTT,
    oppslagStartPerMinutt: m.OPPSLAG_START_PER_MINUTT,
    upstreamMaksMbUnderveis: m.UPSTREAM_MAKS_MB_UNDERVEIS,
    belastningMaksEventLoopMs: m.BELASTNING_MAKS_EVENT_LOOP_MS,
  }
}

/** The audit store outside production when none is named. */
export const AUDIT_STORE_UTVIKLING = 'sqlite:./data/audit.db'

/** NAIS's database URL for node-postgres. It carries libpq's `sslmode=verify-ca` with the
 *  instance's own CA (`sslrootcert`), since the server's certificate names the Cloud SQL instance,
 *  not the private IP connected to. node-postgres reads verify-ca as verify-full (the hostname
 *  checked: every connection refused) unless told to read the modes as libpq does. */
export function fraNaisDatabase(url: string): string {
  const u = new URL(url)
  if (u.searchParams.has('sslmode') && !u.searchParams.has('uselibpqcompat'))
    u.searchParams.set('uselibpqcompat', 'true')
  return u.toString()
}

/** Development and test only (production must name its own): what the simulator accepts. */
export const DEV_BEHANDLINGSNUMMER = 'B123'

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
