/**
 * The `recurrent` command line, as a function: `run(argv, io)` parses the
 * arguments with commander, runs one command and resolves to the exit code.
 * main.ts calls it with the real process; tests call it in-process with a
 * memory io. No command calls process.exit (a second Ctrl-C ends through
 * `io.exitNow`); errors become one readable message on stderr and a
 * non-zero code (2 for usage, 1 for the rest).
 */
import { Command, CommanderError, Option } from "commander";
import { compareCommand } from "./command-compare.js";
import { exportCommand } from "./command-export.js";
import { gradflowCommand } from "./command-gradflow.js";
import { importCommand } from "./command-import.js";
import { evalCommand, forecastCommand, generateCommand } from "./command-inspect.js";
import { reportCommand } from "./command-report.js";
import { resumeCommand, trainCommand } from "./command-train.js";
import { formatError, TrainerError } from "./errors.js";
import type { TrainerIo } from "./io.js";
import { formatRegistry } from "./list.js";
import { noteCommand } from "./note/command-note.js";
import { registryWith } from "./setup.js";
import { untrainableDatasets } from "./trainable.js";

export interface RunOptions {
  /** How the user calls this program, for hints ("recurrent", "node apps/trainer/dist/main.js"). */
  readonly commandName?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function configOptions(command: Command): Command {
  return command
    .option(
      "--set <path=value>",
      "override any config field (repeatable), e.g. --set train.steps=200",
      collect,
    )
    .option("--steps <n>", 'train.steps ("none" for no step budget)')
    .option("--minutes <m>", "train.minutes: a wall-clock budget")
    .option("--cell <name>", "model.cell (keeps hidden), e.g. gru or example/peephole-lstm")
    .option("--hidden <n>", "model.cell.hidden")
    .option("--layers <n>", "model.layers")
    .option("--dataset <name>", "data.dataset, e.g. moby-dick, first-names-en, noisy-sine")
    .option("--text <file>", "train on your own text file (data.dataset text-file)")
    .option("--lr <x>", "optimizer.lr")
    .option("--batch-size <n>", "train.batchSize")
    .option("--bptt <n>", "train.bptt: truncated BPTT length")
    .option("--seed <n>", "train.seed")
    .option("--threads <n>", 'train.threads: worker threads ("auto": one per core)')
    .option("--clip <x>", 'train.clip: max gradient norm ("none" to turn off)')
    .option("--eval-every <n>", "train.evalEvery")
    .option("--checkpoint-every <n>", "train.checkpointEvery");
}

/** Flags that only steer training: meaningless to eval, so refused rather than ignored. */
const trainingOnly = {
  steps: "--steps",
  minutes: "--minutes",
  lr: "--lr",
  clip: "--clip",
  seed: "--seed",
  evalEvery: "--eval-every",
  checkpointEvery: "--checkpoint-every",
} as const;

function refuseTrainingFlags(command: string, flags: Record<string, unknown>): void {
  const given = Object.entries(trainingOnly)
    .filter(([key]) => flags[key] !== undefined)
    .map(([, flag]) => flag);
  if (given.length > 0) {
    throw new TrainerError(
      "USAGE",
      `${command}: ${given.join(", ")} ${given.length === 1 ? "steers" : "steer"} training and would be ignored here; leave ${given.length === 1 ? "it" : "them"} out`,
    );
  }
}

const pluginOption = () =>
  new Option("--plugin <path or package>", "load a plugin first (repeatable)").argParser(collect);

export function buildProgram(
  io: TrainerIo,
  setCode: (code: number) => void,
  options: RunOptions = {},
): Command {
  const program = new Command("recurrent")
    .description(
      "Train, resume, evaluate and compare sequence models (ar, markov, latent-ar, rnn, lstm, gru, yours).\nWith no command: the main job, an LSTM on Moby Dick for about a minute.",
    )
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  const commandName = options.commandName ?? "recurrent";

  configOptions(
    program
      .command("train")
      .description("train a model from a config file (JSON) and flags")
      .argument("[config]", "config file (JSON); without one, the defaults: an LSTM on Moby Dick")
      .addOption(pluginOption())
      .option("--out <dir>", "run directory (default runs/<time>-<cell>-<dataset>)"),
  ).action(async (config: string | undefined, flags) => {
    setCode(await trainCommand(config, flags, io, { commandName }));
  });

  configOptions(
    program
      .command("resume")
      .description(
        "continue a run from its newest checkpoint (flags extend it, e.g. --steps 4000; changes that cannot take effect are refused)",
      )
      .argument("<run>", "run directory, or a checkpoint file in one")
      .option("--config <file>", "continue with this config (e.g. an edited config.json)")
      .option("--allow-data-change", "continue even though the data differs from the run's")
      .addOption(pluginOption()),
  ).action(async (run: string, flags) => {
    setCode(await resumeCommand(run, flags, io, { commandName }));
  });

  configOptions(
    program
      .command("eval")
      .description("evaluate a checkpoint on the validation or test split")
      .argument("<run>", "run directory (its newest checkpoint) or checkpoint file")
      .option("--split <name>", "validation or test", "validation")
      .option("--config <file>", "build the model from this config instead of the recorded one")
      .option("--json", "print the metrics as JSON")
      .addOption(pluginOption()),
  ).action(async (run: string, flags) => {
    refuseTrainingFlags("eval", flags);
    setCode(await evalCommand(run, flags, io));
  });

  program
    .command("report")
    .description("rebuild a run's report.html from its metrics (e.g. after it was killed)")
    .argument("<run>", "run directory")
    .action(async (run: string) => {
      setCode(await reportCommand(run, io));
    });

  program
    .command("generate")
    .description("write text with a trained language model")
    .argument("<run>", "run directory or checkpoint file")
    .option("--prefix <text>", "start from this text", "")
    .option("--length <n>", "tokens to generate", "200")
    .option("--temperature <t>", "softmax temperature (lower: safer)", "0.8")
    .option("--top-k <k>", "sample from the k most likely tokens only")
    .option("--greedy", "always take the most likely token")
    .option("--seed <n>", "seed of the sampling", "0")
    .option("--count <n>", "how many samples", "1")
    .option("--json", "print JSON lines")
    .option("--config <file>", "build the model from this config instead of the recorded one")
    .option("--set <path=value>", "override a config field (repeatable)", collect)
    .addOption(pluginOption())
    .action(async (run: string, flags) => {
      setCode(await generateCommand(run, flags, io));
    });

  program
    .command("forecast")
    .description("forecast a series with a trained model (values in the series' own units)")
    .argument("<run>", "run directory or checkpoint file")
    .option("--horizon <n>", "steps ahead", "14")
    .option("--at <position>", "forecast after this many values (default: after the last)")
    .option("--context <n>", "values to warm up on (default 4 × bptt)")
    .option("--series <file.csv>", "forecast this CSV column instead of the run's series")
    .option("--column <name or index>", "the CSV column (default the first)")
    .option("--json", "print JSON")
    .option("--config <file>", "build the model from this config instead of the recorded one")
    .option("--set <path=value>", "override a config field (repeatable)", collect)
    .addOption(pluginOption())
    .action(async (run: string, flags) => {
      setCode(await forecastCommand(run, flags, io));
    });

  program
    .command("list")
    .description("what the registry holds: every kind, entry, option and default")
    .option("--kind <kind>", "only this kind (cell, optimizer, schedule, dataset, …)")
    .addOption(pluginOption())
    .action(async (flags: { kind?: string; plugin?: string[] }) => {
      const { registry } = await registryWith(flags.plugin ?? [], io.cwd);
      const notes = new Map<string, string>();
      for (const [name, reason] of await untrainableDatasets(registry)) {
        notes.set(`dataset/${name}`, `not trainable by train: ${reason}`);
      }
      const text = formatRegistry(registry, notes);
      if (flags.kind === undefined) io.stdout.write(`${text}\n`);
      else {
        registry.list(flags.kind); // an unknown kind fails with the list of kinds
        const blocks = text.split(/\n(?=\S)/).filter((b) => b.startsWith(`${flags.kind} — `));
        io.stdout.write(`${blocks.join("\n")}\n`);
      }
      setCode(0);
    });

  configOptions(
    program
      .command("gradflow")
      .description(
        "‖∂L/∂h_t‖ per time step and layer: tanh vs relu RNN vs LSTM vs GRU, with and without clipping",
      )
      .argument(
        "[config]",
        "config file for the data and optimizer (default: Moby Dick, hidden 64)",
      )
      .option(
        "--cells <list>",
        "cells to measure (rnn-tanh, rnn-relu, or any cell name)",
        "rnn-tanh,rnn-relu,lstm,gru",
      )
      .option("--length <n>", "time steps of the measured sequence", "64")
      .option("--batch <n>", "rows of the measured batch", "8")
      .option("--train-steps <n>", "training steps before the second and third measurements", "30")
      .option(
        "--recurrent-gain <g>",
        "initialise W_hh orthogonal × g (above 1, relu gradients explode)",
      )
      .option("--out <dir>", "where to write the report (default runs/<time>-gradflow)")
      .addOption(pluginOption()),
  ).action(async (config: string | undefined, flags) => {
    setCode(await gradflowCommand(config, flags, io));
  });

  configOptions(
    program
      .command("compare")
      .description(
        "train the note's ladder (ar, markov, latent-ar, rnn, lstm, gru, plugin cells) on one task, one budget",
      )
      .argument("[config]", "config file shared by every model (default: Moby Dick, 150 steps)")
      .option("--cells <list>", "comma-separated cells (default: the ladder and every plugin cell)")
      .option("--split <name>", "report the validation or the test split", "validation")
      .option("--out <dir>", "where to write the runs (default runs/<time>-compare-<dataset>)")
      .addOption(pluginOption()),
  ).action(async (config: string | undefined, flags) => {
    setCode(await compareCommand(config, flags, io));
  });

  program
    .command("note")
    .description(
      "the lecture note, measured: every claim's experiment in the note's order, one HTML page and JSON",
    )
    .option("--quick", "reduced budgets (about a minute); the directions of the claims still show")
    .option("--only <sections>", "only these sections (ids or numbers 1–8, comma-separated)")
    .option("--threads <n>", 'train.threads of every experiment ("auto": one per core)')
    .option("--out <dir>", "where to write note.html and note.json (default runs/<time>-note)")
    .option(
      "--reuse <note.json>",
      "take the sections an earlier run measured from its note.json (repeatable)",
      collect,
    )
    .addOption(pluginOption())
    .action(async (flags) => {
      setCode(await noteCommand(flags, io, argvOf(program)));
    });

  program
    .command("export")
    .description("a trained model for ONNX Runtime (--format onnx) or PyTorch (--format pytorch)")
    .argument("<run>", "run directory (its newest checkpoint) or checkpoint file")
    .option("--format <format>", "onnx or pytorch")
    .option("--out <path>", "file (onnx) or folder (pytorch); default inside the run directory")
    .option("--step", "onnx: one time step with the state in and out, for generation")
    .option("--batch <n>", 'onnx: a fixed batch size (default "dynamic")')
    .option("--time <n>", 'onnx: a fixed sequence length (default "dynamic")')
    .option("--sequence-lens", "onnx: add a sequence_lens input for padded batches")
    .option("--config <file>", "build the model from this config instead of the recorded one")
    .option("--set <path=value>", "override a config field (repeatable)", collect)
    .addOption(pluginOption())
    .action(async (run: string, flags) => {
      setCode(await exportCommand(run, flags, io));
    });

  configOptions(
    program
      .command("import")
      .description("a run directory from PyTorch weights (safetensors), for generate, eval, resume")
      .argument("<weights>", "a state_dict saved as safetensors (e.g. model.safetensors)")
      .option("--config <file>", "the config that builds the model the weights fit")
      .option(
        "--optimizer <file>",
        "torch optimizer state as an export writes it (optimizer.safetensors)",
      )
      .option("--out <dir>", "run directory (default runs/<time>-imported-<cell>)")
      .addOption(pluginOption()),
  ).action(async (weights: string, flags) => {
    setCode(await importCommand(weights, flags, io));
  });

  return program;
}

/** The arguments of the running command, for the page's "made by" line. */
function argvOf(program: Command): string[] {
  return program.args.slice(1);
}

/** Run the command line; resolves to the exit code. */
export async function run(
  argv: readonly string[],
  io: TrainerIo,
  options: RunOptions = {},
): Promise<number> {
  let code = 0;
  try {
    if (argv.length === 0) {
      return await trainCommand(undefined, {}, io, {
        showcase: true,
        commandName: options.commandName ?? "recurrent",
      });
    }
    const program = buildProgram(
      io,
      (c) => {
        code = c;
      },
      options,
    );
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; commander already printed what it had to say.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr.write(`${formatError(error)}\n`);
    return error instanceof TrainerError && error.code === "USAGE" ? 2 : 1;
  }
}
