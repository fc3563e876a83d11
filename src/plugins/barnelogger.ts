// A request's child logger, made only when the request logs something at an enabled level.
//
// Fastify makes a pino child per request to bind the callId. pino serializes (and, with redaction
// on, redacts) the bindings when the child is made, which was a visible share of a cached read
// that logs nothing at the production level. No library offers a lazy child; this is a small
// adapter over pino's own child and level check, so every line that is written is pino's own.
import type { IncomingMessage } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, Logger } from 'pino'
import { medSporing } from './loggformat.js'

type Niva = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

class LatBarnelogger {
  private ekte: Logger | null = null

  constructor(
    private readonly forelder: Logger,
    private readonly bindinger: Bindings,
    private readonly valg: ChildLoggerOptions,
    private readonly req?: IncomingMessage,
  ) {}

  /** The pino child, made on first use. */
  private barn(): Logger {
    this.ekte ??= this.forelder.child(medSporing(this.bindinger, this.req), this.valg)
    return this.ekte
  }

  /** A level not enabled costs one check and makes no child. A route with a log level of its own
   *  gets its child at once, and a child once made has the last word (its level may be set). */
  private skriv(niva: Niva, args: unknown[]): void {
    // Once made (or given a level of its own), the child decides.
    const logger = this.ekte ?? (this.valg.level === undefined ? this.forelder : this.barn())
    if (!logger.isLevelEnabled(niva)) return
    ;(this.barn()[niva] as (...a: unknown[]) => void)(...args)
  }

  fatal(...args: unknown[]): void {
    this.skriv('fatal', args)
  }
  error(...args: unknown[]): void {
    this.skriv('error', args)
  }
  warn(...args: unknown[]): void {
    this.skriv('warn', args)
  }
  info(...args: unknown[]): void {
    this.skriv('info', args)
  }
  debug(...args: unknown[]): void {
    this.skriv('debug', args)
  }
  trace(...args: unknown[]): void {
    this.skriv('trace', args)
  }
  silent(): void {}

  get level(): string {
    return this.ekte?.level ?? this.valg.level ?? this.forelder.level
  }

  set level(niva: string) {
    this.barn().level = niva
  }

  child(bindinger: Bindings, valg?: ChildLoggerOptions): Logger {
    return this.barn().child(bindinger, valg)
  }
}

/** Fastify's childLoggerFactory (the parent is Fastify's own pino logger). The caller's trace id
 *  is read from the request only when the child is made. */
export function latBarnelogger(
  forelder: FastifyBaseLogger,
  bindinger: Bindings,
  valg: ChildLoggerOptions,
  req?: IncomingMessage,
): FastifyBaseLogger {
  return new LatBarnelogger(forelder as Logger, bindinger, valg, req) as unknown as FastifyBaseLogger
}
