/**
 * @module cli/progress — progress of a run at the terminal, on stderr (stdout carries only the final summary).
 *
 * - On a TTY: a small live block redrawn in place (at most ~10 times a second): one line per attack with its
 *   kernel tasks done of those submitted so far, a bar, its elapsed time and an estimate of the time left
 *   (elapsed / done × remaining tasks: a rough figure, since an attack submits its phases one after the other and
 *   the total grows); a header line with the run's elapsed time and the largest estimate.
 * - Not a TTY (CI logs, pipes): quiet and line-oriented: one line per attack when it finishes, is skipped or
 *   errors. Nothing is printed while inputs load, so a bad input gives exactly one line (the error).
 * - `--quiet`: nothing.
 */
import type { Progress } from '../run/run-trial.js';

/** A progress sink and a stop function that draws the last frame and releases the timer. */
export interface ProgressPrinter {
  progress: Progress;
  stop(): void;
}

type Status = 'running' | 'done' | 'skipped' | 'error';
interface AttackState {
  id: string;
  status: Status;
  start: number;
  seconds?: number;
  done: number;
  total: number;
  detail?: string;
}

/** Something progress can be written to (process.stderr, or a fake in tests). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function secs(s: number): string {
  return s < 10
    ? `${s.toFixed(1)} s`
    : s < 120
      ? `${Math.round(s)} s`
      : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function bar(done: number, total: number, width = 16): string {
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** Estimated seconds left for a running attack, or undefined before its first task finished. */
function eta(a: AttackState, now: number): number | undefined {
  if (a.status !== 'running' || a.done === 0 || a.total <= a.done) return undefined;
  return (((now - a.start) / 1000) * (a.total - a.done)) / a.done;
}

/**
 * Renders the live block (exported for tests).
 * @param attacks - attack states in order of appearance
 * @param stage - what the run is doing outside attacks (loading, writing)
 * @param elapsed - seconds since the run started
 * @param now - the current time (ms, performance.now())
 * @returns the lines of the block
 */
export function renderBlock(
  attacks: readonly AttackState[],
  stage: string,
  elapsed: number,
  now: number,
): string[] {
  const etas = attacks.map((a) => eta(a, now)).filter((x): x is number => x !== undefined);
  const left = etas.length > 0 ? ` · ~${secs(Math.max(...etas))} left` : '';
  const lines = [`reidgate ${secs(elapsed)}${left}${stage ? ` · ${stage}` : ''}`];
  const w = Math.max(10, ...attacks.map((a) => a.id.length));
  for (const a of attacks) {
    const name = a.id.padEnd(w);
    if (a.status === 'running') {
      const e = eta(a, now);
      const tasks = a.total > 0 ? `${bar(a.done, a.total)} ${a.done}/${a.total} tasks` : 'starting';
      lines.push(
        `  ${name}  ${tasks}  ${secs((now - a.start) / 1000)}${e !== undefined ? ` · ~${secs(e)} left` : ''}`,
      );
    } else if (a.status === 'done')
      lines.push(`  ${name}  done in ${secs(a.seconds ?? 0)} (${a.done} tasks)`);
    else lines.push(`  ${name}  ${a.status}${a.detail ? `: ${a.detail}` : ''}`);
  }
  return lines;
}

/**
 * Makes the progress printer of a command.
 * @param quiet - --quiet: print nothing
 * @param stream - where to write (default process.stderr)
 * @returns the progress callback and a stop function (call it when the run ends, also on error)
 */
export function progressPrinter(quiet: boolean, stream: ProgressStream = process.stderr): ProgressPrinter {
  if (quiet) return { progress: () => {}, stop: () => {} };
  if (!stream.isTTY) {
    return {
      progress: (e) => {
        if (!e.attack || e.stage === 'task' || e.stage === 'attack') return;
        const what =
          e.stage === 'done'
            ? `done in ${(e.seconds ?? 0).toFixed(2)} s`
            : e.stage === 'skip'
              ? `skipped: ${e.detail ?? ''}`
              : `${e.stage}: ${e.detail ?? ''}`;
        stream.write(`reidgate: ${e.attack} ${what}\n`);
      },
      stop: () => {},
    };
  }
  const t0 = performance.now();
  const attacks = new Map<string, AttackState>();
  let stage = 'loading inputs';
  let drawn = 0;
  let last = 0;
  let stopped = false;
  const draw = () => {
    const now = performance.now();
    last = now;
    const width = Math.max(20, (stream.columns ?? 100) - 1);
    const lines = renderBlock([...attacks.values()], stage, (now - t0) / 1000, now).map((l) =>
      l.length > width ? `${l.slice(0, width - 1)}…` : l,
    );
    let s = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const l of lines) s += `\r\x1b[2K${l}\n`;
    for (let i = lines.length; i < drawn; i++) s += '\r\x1b[2K\n';
    if (drawn > lines.length) s += `\x1b[${drawn - lines.length}A`;
    stream.write(s);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    progress: (e) => {
      if (stopped) return;
      const now = performance.now();
      if (e.attack) {
        let a = attacks.get(e.attack);
        if (!a) {
          a = { id: e.attack, status: 'running', start: now, done: 0, total: 0 };
          attacks.set(e.attack, a);
        }
        if (e.stage === 'task') {
          a.done = e.done ?? a.done;
          a.total = e.total ?? a.total;
        } else if (e.stage === 'done') {
          a.status = 'done';
          a.seconds = e.seconds;
        } else if (e.stage === 'skip' || e.stage === 'error') {
          a.status = e.stage === 'skip' ? 'skipped' : 'error';
          a.detail = e.detail;
        }
        stage = [...attacks.values()].some((x) => x.status === 'running') ? '' : stage;
      } else if (e.stage === 'load') stage = `loading ${e.detail ?? ''}`.trim();
      else if (e.stage === 'write') stage = 'writing reports';
      // Redraw at most ~10 times a second; state changes other than task counts draw at once.
      if (e.stage !== 'task' || now - last > 100) draw();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (drawn > 0 || attacks.size > 0) {
        stage = 'finished';
        draw();
      }
    },
  };
}
