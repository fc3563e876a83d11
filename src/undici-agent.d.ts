// The type of undici's Agent for its own file (src/sources/http.ts imports only that file); the
// package's types describe it under the package name.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici'
  const AgentKlasse: typeof Agent
  export default AgentKlasse
}
