/**
 * `seccomp-policy run POLICY --ask [--ask-answers FILE] -- CMD [ARGS...]`:
 * runs CMD under POLICY, and each call the policy does not simply allow
 * waits while we ask — on the terminal, or from a scripted answers file.
 * The run itself is driver/ask.ts; this file parses and prints.
 */
import { basename } from 'node:path';
import { describeFsError } from '../../driver/files';
import { locateHelper } from '../../driver/helper';
import { AskRun, loadAnswersFile, scriptedAnswerer, terminalAnswerer, type Answerer } from '../../driver/ask';
import { EXIT, traceFailure } from '../../driver/trace';
import { answerText } from '../../trace/ask';
import { UsageError, type Parsed } from '../args';
import type { Io } from '../io';
import { loadValidPolicy } from '../load';
import { LineSink, parsePositive } from './run';

export const ASK_USAGE = `ask mode (run --ask):
  --ask                    run CMD untraced; every call the policy does not simply
                           allow waits, and you answer: [a]llow once (this run),
                           allo[w] always (adds the rule to POLICY), [d]eny [ERRNO]
                           (EPERM by default), [k]ill. Asked once per syscall and
                           values of the arguments the policy looks at; pointer
                           arguments are never read. Asks on /dev/tty.
  --ask-answers FILE       answer from FILE instead: lines 'SYSCALL ANSWER'
                           ('* ANSWER' for the rest; '#' comments), e.g.
                           'mkdirat deny EACCES'; a call with no line kills CMD`;

/** `passFds`: the caller's descriptors, read before we opened any (the program inherits them). */
export async function runAskCommand(args: Parsed, io: Io, passFds: readonly number[]): Promise<number> {
  for (const o of ['permissive', 'only-decisions', 'install', 'max-procs', 'json']) {
    if (args.options.has(o)) throw new UsageError(`--ask runs CMD without tracing it; --${o} does not apply`);
  }
  const path = args.positional[0]!;
  const timeout = args.options.has('timeout') ? parsePositive('timeout', args.options.get('timeout') as string, false) : undefined;
  let answerer: Answerer;
  const answersPath = args.options.get('ask-answers') as string | undefined;
  if (answersPath !== undefined) {
    const answers = loadAnswersFile(answersPath);
    if ('error' in answers) {
      io.err(`seccomp-policy run: --ask-answers: ${answers.error}`);
      return EXIT.usage;
    }
    answerer = scriptedAnswerer(answers);
  } else {
    answerer = terminalAnswerer(basename(path));
  }
  const loaded = loadValidPolicy(path, io, 'run');
  if (!loaded) return EXIT.policy;
  const located = locateHelper();
  if (!located.ok) {
    io.err(`seccomp-policy run: ${located.message}`);
    return EXIT.unsupported;
  }

  let sink: LineSink;
  try {
    sink = new LineSink(io, args.options.get('output') as string | undefined);
  } catch (e) {
    io.err(`seccomp-policy run: cannot write ${args.options.get('output') as string}: ${describeFsError(e)}`);
    return EXIT.usage;
  }
  const added: string[] = [];
  const run = new AskRun({
    helper: located.path, command: args.rest!, policyPath: path, model: loaded.model, program: loaded.program, answerer,
    timeout, forwardSignals: true, passFds,
    onAnswered: (q, a, fresh) => {
      if (!fresh) return;
      sink.push(`ask: pid ${q.pid} ${q.call}: policy ${q.action} (${q.where}) -> ${answerText(a, q.abi)}`);
      sink.flush();
    },
    onPolicyEdit: (_q, r) => {
      if ('added' in r) { added.push(r.added); sink.push(`ask: added to ${path}: ${r.added}`); }
      else if ('unchanged' in r) sink.push(`ask: ${r.unchanged}`);
      else io.err(`seccomp-policy run: ${r.error}`);
      sink.flush();
    },
    onUnanswered: (q) => io.err(`seccomp-policy run: ${answersPath ?? 'the terminal'} has no answer for \`${q.syscall}\` (and no '*' line); killed the program`),
  });
  const result = await run.finished;
  const started = result.hello !== undefined && !result.error;
  if (started) {
    sink.push(`ask: ${result.calls} call${result.calls === 1 ? '' : 's'} answered, ${result.questions} question${result.questions === 1 ? '' : 's'} asked${added.length ? `; ${added.length} rule${added.length === 1 ? '' : 's'} added to ${path}` : ''}`);
  }
  sink.close();
  const unwritten = sink.reportFailure('run');

  const failure = traceFailure(result.outcome, result, located.path);
  if (failure) {
    if (failure.message) io.err(`seccomp-policy run: ${failure.message}`);
    return failure.code;
  }
  if (unwritten) return EXIT.usage;
  const done = result.done!;
  if (done.reason === 'timeout') return done.status;
  return done.program >= 0 ? done.program : done.status;
}
