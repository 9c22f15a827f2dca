// coreforge-runtime: dispatches to the classify and serve commands. Returns an exit code; bin/ exits.
export interface RuntimeIO {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `usage: coreforge-runtime <command> [options]

commands:
  classify   classify one image and print the top results
  serve      run the HTTP inference service

run "coreforge-runtime <command> --help" for the options of a command`;

export async function main(argv: readonly string[], io: RuntimeIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'classify':
      return (await import('./classify-command.js')).classifyCommand(rest, io);
    case 'serve':
      return (await import('./serve-command.js')).serveCommand(rest, io);
    case undefined:
    case '-h':
    case '--help':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`error: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}
