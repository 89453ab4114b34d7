#!/usr/bin/env node
import { runCli } from './run-cli.js';

// `so-db ... | head`: a reader that stops early closes the pipe. That ends the output, as it
// ends any Unix tool's, instead of crashing on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await runCli(process.argv.slice(2));
