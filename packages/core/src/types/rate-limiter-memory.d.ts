// rate-limiter-flexible's in-memory limiter, imported by its own file: the package's index also
// loads its cluster, database and Redis limiters, which need Node built-ins (the Web build has none).
declare module 'rate-limiter-flexible/lib/RateLimiterMemory.js' {
  import { RateLimiterMemory } from 'rate-limiter-flexible';
  export default RateLimiterMemory;
}
