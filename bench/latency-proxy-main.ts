/**
 * The latency proxy as its own process (bench/lib/latency-proxy.ts), so its timers never compete
 * with the benchmark's other servers: `node latency-proxy.mjs TARGET_PORT DELAY_MS`. Prints the
 * port it listens on as one JSON line, then runs until SIGTERM.
 */
import { startLatencyProxy } from './lib/latency-proxy.js';

const [targetPort, delayMs] = process.argv.slice(2).map(Number);
if (!Number.isInteger(targetPort) || !Number.isFinite(delayMs)) {
  process.stderr.write('usage: latency-proxy TARGET_PORT DELAY_MS\n');
  process.exit(2);
}
const proxy = await startLatencyProxy({
  targetHost: '127.0.0.1',
  targetPort: targetPort as number,
  delayMs: delayMs as number,
});
process.stdout.write(`${JSON.stringify({ port: proxy.port })}\n`);
process.once('SIGTERM', () => {
  void proxy.close().then(() => process.exit(0));
});
