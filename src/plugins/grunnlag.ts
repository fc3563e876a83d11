// What the resource plugins are built from: passed to each as options, so that a plugin's inputs
// are visible where it is registered.
import type { Config } from '../config.js'
import type { Malinger } from './metrics.js'

export interface Grunnlag {
  config: Config
  /** The clock for sessions, caches, breakers, tokens and retention; tests move it. */
  na: () => number
  /** This replica (host:pid), in audit events and the shared stores. */
  instans: string
  malinger: Malinger
}
