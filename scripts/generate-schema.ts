/** `npm run schema`: writes schema/popfwd.schema.json from the config's zod schema. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, formatJsonSchema } from './config-json-schema.js';

const target = fileURLToPath(new URL('../schema/popfwd.schema.json', import.meta.url));
await writeFile(target, formatJsonSchema(configJsonSchema()));
process.stdout.write(`wrote ${target}\n`);
