#!/usr/bin/env node
// The built CLI (npm ci runs `prepare`, which compiles to dist/).
import { main } from '../dist/lambda/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
