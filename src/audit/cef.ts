// NAV's CEF convention for audit events (ArcSight): one line per event, to stdout under its own
// logger name, to syslog over TCP, or off. The durable record is the audit store; CEF is the copy
// NAV's security staff read, emitted after the event is committed.
import { connect, type Socket } from 'node:net'
import { hostname } from 'node:os'
import { pino, type DestinationStream, type Logger } from 'pino'
import type { AuditHendelse, Kjedehode } from './port.js'

const APP = 'stonadsoppslag'

/** Header fields: backslash and pipe are escaped; a line break would end the record. */
export function cefHode(verdi: string): string {
  return verdi
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
}

/** Extension values: backslash and equals are escaped, line breaks written as \n and \r. */
export function cefVerdi(verdi: string): string {
  return verdi.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r/g, '\\r').replace(/\n/g, '\\n')
}

const HANDLING_NAVN: Record<AuditHendelse['handling'], string> = {
  OPPSLAG_START: 'Oppslag i sentrale stønadsopplysninger',
  LES: 'Lesing av sentrale stønadsopplysninger',
  AVSLUTT: 'Oppslag avsluttet',
  AUDIT_SOK: 'Søk i revisjonsloggen',
  AUDIT_INNSYN: 'Innsynsrapport fra revisjonsloggen',
  AUDIT_VERIFISER: 'Verifisering av revisjonsloggen',
  AUDIT_AVVIK: 'Avviksrapport fra revisjonsloggen',
  AUDIT_NOKKEL_INNFORT: 'Revisjonsloggens kjede nøklet',
  AUDIT_PROVESKRIVING: 'Prøveskriving til revisjonsloggen',
}

export function tilCef(h: AuditHendelse): string {
  const alvor = h.beslutning === 'Deny' ? 'WARN' : 'INFO'
  const ext: [string, string | null][] = [
    ['end', String(Date.parse(h.tid))],
    ['suid', h.navident],
    ['duid', h.personident],
    // The person's current ident when it is not the one typed (DESIGN §4).
    ['cs4Label', h.gjeldendeIdent != null && h.gjeldendeIdent !== h.personident ? 'GjeldendeIdent' : null],
    ['cs4', h.gjeldendeIdent != null && h.gjeldendeIdent !== h.personident ? h.gjeldendeIdent : null],
    ['sproc', h.callId],
    ['act', h.handling],
    ['flexString1Label', 'Decision'],
    ['flexString1', h.beslutning],
    ['flexString2Label', 'Regel'],
    ['flexString2', h.regel],
    ['cs3Label', 'Kategori'],
    ['cs3', h.kategori],
    ['cs5Label', 'Henvendelse'],
    ['cs5', h.henvendelseId],
    ['cs6Label', 'Kilde'],
    ['cs6', h.kilde === 'upstream' ? `upstream ${h.sporingsIder.join(',')}` : h.kilde],
    ['dvchost', h.instans],
  ]
  const utvidelse = ext
    .filter((e): e is [string, string] => e[1] !== null && e[1] !== '')
    .map(([k, v]) => `${k}=${cefVerdi(v)}`)
    .join(' ')
  return `CEF:0|${APP}|AuditLogger|1.0|audit:access|${cefHode(HANDLING_NAVN[h.handling])}|${alvor}|${utvidelse}`
}

/** The chain's head as a CEF line (`audit:kjedehode`): last id, hash and count, outside the
 *  database, so that a later verification (GET /audit/verifiser?id=&hash=) finds a removed tail. */
export function tilCefHode(hode: Kjedehode, instans: string, tid: number): string {
  const ext = [
    `end=${tid}`,
    'cn1Label=SisteId',
    `cn1=${hode.id}`,
    'cs1Label=Hash',
    `cs1=${hode.hash}`,
    'cn2Label=Antall',
    `cn2=${hode.antall}`,
    `dvchost=${cefVerdi(instans)}`,
  ]
  return `CEF:0|${APP}|AuditLogger|1.0|audit:kjedehode|${cefHode('Revisjonsloggens kjedehode')}|INFO|${ext.join(' ')}`
}

export interface CefSink {
  send(linjer: string[]): void
  lukk(): Promise<void>
}

/** stdout, through a logger of its own (`auditLogger`), apart from the application log, so the log
 *  pipeline routes it to the audit system and never to the application logs. */
export function stdoutSink(strom: DestinationStream = process.stdout): CefSink {
  const audit = pino({ name: 'auditLogger', base: { name: 'auditLogger' } }, strom)
  return {
    send: (linjer) => {
      for (const l of linjer) audit.info(l)
    },
    lukk: async () => {},
  }
}

/** Syslog over TCP, RFC 5424 with octet-counting framing (RFC 6587). Reconnects on failure; lines
 *  written while disconnected wait in a bounded buffer (oldest dropped and counted). */
export function syslogSink(
  vert: string,
  port: number,
  valg: { maksKo?: number; logger?: Pick<Logger, 'warn'> } = {},
): CefSink {
  const maksKo = valg.maksKo ?? 10_000
  const ko: string[] = []
  let sokkel: Socket | null = null
  let tilkoblet = false
  let lukket = false
  let tapt = 0
  const maskin = hostname()

  const ramme = (linje: string) => {
    const pri = linje.includes('|WARN|') ? 12 : 14 // user.warning / user.info
    const melding = `<${pri}>1 ${new Date().toISOString()} ${maskin} ${APP} ${process.pid} audit - ${linje}`
    return `${Buffer.byteLength(melding)} ${melding}`
  }
  const tom = () => {
    while (tilkoblet && sokkel && ko.length > 0) sokkel.write(ko.shift() as string)
  }
  const kobleTil = () => {
    if (lukket) return
    sokkel = connect({ host: vert, port })
    sokkel.on('connect', () => {
      tilkoblet = true
      if (tapt > 0) valg.logger?.warn({ tapt }, 'cef: linjer tapt mens syslog var nede')
      tapt = 0
      tom()
    })
    sokkel.on('error', () => {})
    sokkel.on('close', () => {
      tilkoblet = false
      if (!lukket) setTimeout(kobleTil, 1000).unref()
    })
  }
  kobleTil()
  return {
    send: (linjer) => {
      for (const l of linjer) {
        if (ko.length >= maksKo) {
          ko.shift()
          tapt++
        }
        ko.push(ramme(l))
      }
      tom()
    },
    lukk: async () => {
      lukket = true
      await new Promise<void>((ok) => {
        if (!sokkel || !tilkoblet) return ok()
        sokkel.end(ok)
      })
      sokkel?.destroy()
    },
  }
}

/** `stdout` | `av` | `syslog://host:port` */
export function lagCefSink(
  spesifikasjon: string,
  logger: Pick<Logger, 'warn'>,
  strom?: DestinationStream,
): CefSink | null {
  if (spesifikasjon === 'av') return null
  if (spesifikasjon === 'stdout') return stdoutSink(strom)
  const u = new URL(spesifikasjon)
  return syslogSink(u.hostname, Number(u.port || 601), { logger })
}
