#!/usr/bin/env -S npx tsx
/**
 * `onemap <command> [options]`: dispatches to `./<command>-command.ts`, which exports
 * `run(argv: string[]): Promise<number>` (the exit code). Errors print one line
 * `error ONEMAP_ERR_<NAME>: <what> (file:line field)` and exit non-zero.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ResolverError } from '../errors.ts';

const here = dirname(fileURLToPath(import.meta.url));

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(
      'usage: onemap <command> [options]\n\ncommands:\n  resolve   resolve a file of records into entities (onemap resolve --help)',
    );
    return command ? 0 : 1;
  }
  if (!/^[a-z][a-z-]*$/.test(command))
    throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `unknown command "${command}"` });
  const file = join(here, `${command}-command.ts`);
  if (!existsSync(file)) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `unknown command "${command}"` });
  const mod = (await import(pathToFileURL(file).href)) as { run: (argv: string[]) => Promise<number> };
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof ResolverError) console.error(e.toLine());
    else console.error(new ResolverError('ONEMAP_ERR_INTERNAL', { detail: (e as Error)?.stack ?? String(e) }).toLine());
    process.exitCode = 2;
  },
);
