#!/usr/bin/env node
/** The `mlp` command (package.json `bin`; `npx mlp` in this repository). */
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
