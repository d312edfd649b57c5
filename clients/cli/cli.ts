/**
 * `mlp`: the platform from a terminal. Builds the commander program and runs it, turning every
 * failure into one line on stderr and an exit code (exit-codes.ts), never a stack.
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerDatasets } from './commands/datasets.ts';
import { registerLogin } from './commands/login.ts';
import { registerModels } from './commands/models.ts';
import { registerPredict } from './commands/predict.ts';
import { registerTrain } from './commands/train.ts';
import { ConfigStore, configDirectory } from './config-store.ts';
import type { CliContext } from './context.ts';
import { describeFailure, EXIT, type ExitCode } from './exit-codes.ts';
import type { CliIo } from './output.ts';

const EXIT_CODES_HELP = `
Exit codes: 0 done; 1 refused or failed (the message says why); 2 bad command line;
3 not signed in or credential refused; 4 not found; 5 platform unavailable (retry).
Credentials: ${'$'}MLP_CONFIG_DIR, else ${'$'}XDG_CONFIG_HOME/mlp, else ~/.config/mlp (credentials.json, mode 0600).`;

function buildProgram(context: CliContext): Command {
  const program = new Command('mlp')
    .description('The ML platform from a terminal: datasets, training, models and predictions.')
    .version(packageJson.version)
    .option('--profile <name>', 'which saved sign-in to use (default: "default")')
    .option('--json', 'print JSON for scripts instead of tables')
    // Options before a command are mlp's, after it the command's: `predict --json` can be the rows.
    .enablePositionalOptions()
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
      // Commander's error and its "Did you mean" suggestion, on one line.
      outputError: (text, write) => write(`${text.trim().split('\n').join(' ')}\n`),
    });
  registerLogin(program, context);
  registerDatasets(program, context);
  registerTrain(program, context);
  registerModels(program, context);
  registerPredict(program, context);
  // Every command: usage errors throw (mapped to exit 2) instead of exiting the process, and each
  // one that runs takes --profile and --json after its name too.
  const configure = (command: Command) => {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    command.showSuggestionAfterError(true);
    if (command !== program && command.commands.length === 0) {
      const names = new Set(command.options.map((option) => option.attributeName()));
      if (!names.has('profile')) command.option('--profile <name>', 'which saved sign-in to use');
      if (!names.has('json')) command.option('--json', 'print JSON for scripts instead of tables');
    }
    for (const sub of command.commands) configure(sub);
  };
  configure(program);
  return program;
}

/**
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<ExitCode> {
  const context: CliContext = { io, store: new ConfigStore(configDirectory(io.env)) };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { message, exitCode } = describeFailure(error);
    io.stderr.write(`mlp: ${message}\n`);
    return exitCode;
  }
}
