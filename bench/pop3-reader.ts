/**
 * The POP3 client alone, as `npm run bench:pop3` measures it: log in over TLS, UIDL and LIST as a
 * mail fetcher does, RETR every message (pipelined when offered) into a sink that discards the
 * bytes, QUIT. Bundled and run as its own `node` process:
 *   node pop3-reader.mjs HOST PORT CA_FILE USER   (password in POPFWD_BENCH_PASSWORD)
 * Prints {messages, bytes} as one JSON line.
 */
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pop3Client } from '../lambda/pop3/client.js';

const [host, port, caFile, user] = process.argv.slice(2);
const password = process.env.POPFWD_BENCH_PASSWORD;
if (!host || !port || !caFile || !user || !password) {
  process.stderr.write('usage: pop3-reader HOST PORT CA_FILE USER (POPFWD_BENCH_PASSWORD set)\n');
  process.exit(2);
}

let bytes = 0;
const discard = (): Writable =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });

const client = await Pop3Client.connect({
  host,
  port: Number(port),
  security: 'tls',
  ca: await readFile(caFile),
});
await client.login({ kind: 'password', user, password });
// As the engine does: pipelined together when the server allows it.
const [uidls, sizes] = await Promise.all([client.uidl(), client.list()]);
const messages = uidls.map(({ n }) => ({ n, size: sizes.get(n) ?? 0 }));
let count = 0;
for await (const stream of client.retrieve(messages)) {
  await pipeline(stream, discard());
  count += 1;
}
await client.quit();
process.stdout.write(`${JSON.stringify({ messages: count, bytes })}\n`);
