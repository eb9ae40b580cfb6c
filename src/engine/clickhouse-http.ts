/**
 * @module engine/clickhouse-http — a minimal client for ClickHouse's HTTP interface (Node's fetch).
 *
 * No client library: the official `@clickhouse/client` targets current servers (it relies on
 * response headers and settings that ClickHouse 18.16, Debian's package, does not have), while the
 * HTTP interface of every ClickHouse release takes a query in a POST body and settings as URL
 * parameters, which is all reidgate needs. Results come back as TabSeparated (numbers) or
 * JSONCompact (names); per-record sizes are streamed line by line.
 *
 * Credentials come from REIDGATE_CLICKHOUSE_USER / REIDGATE_CLICKHOUSE_PASSWORD or a config file
 * (`--clickhouse-config`, YAML or JSON with `user` and `password`); they travel in an Authorization
 * header only and are never part of a URL, a message, a report or a log line.
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { parse as parseYaml } from 'yaml';
import { q, ReidgateError } from '../errors.js';

/**
 * HTTP for every ClickHouse request: no headers or body timeout. ClickHouse answers a GROUP BY only when
 * it ends (10^8 rows under a 2 GB limit: minutes), past undici's default 300 s; the server itself ends a
 * query on an error or the memory limit, and a lost connection still fails at once.
 */
const DISPATCHER = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** Who to connect as. Never printed. */
export interface ClickHouseCredentials {
  user: string;
  password: string;
}

/** The default shard URLs: the loopback cluster of scripts/clickhouse-cluster.sh. */
export const DEFAULT_CLICKHOUSE_URLS = 'http://127.0.0.1:18123,http://127.0.0.1:18124';

/**
 * Credentials: the config file when given, else the environment, else ClickHouse's `default` user
 * without a password.
 * @param configFile - a YAML/JSON file with `user` and `password` (--clickhouse-config)
 * @param env - the environment (REIDGATE_CLICKHOUSE_USER, REIDGATE_CLICKHOUSE_PASSWORD)
 * @throws ReidgateError('USAGE') when the file cannot be read or lacks a user
 */
export function clickhouseCredentials(
  configFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ClickHouseCredentials {
  if (configFile === undefined) {
    return {
      user: env.REIDGATE_CLICKHOUSE_USER || 'default',
      password: env.REIDGATE_CLICKHOUSE_PASSWORD ?? '',
    };
  }
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch {
    throw new ReidgateError('USAGE', `--clickhouse-config ${q(configFile)}: cannot read the file`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    // Never echo the parser's message: it may quote the password line.
    throw new ReidgateError('USAGE', `--clickhouse-config ${q(configFile)}: not YAML or JSON`);
  }
  const o = (doc ?? {}) as Record<string, unknown>;
  if (
    typeof o.user !== 'string' ||
    o.user === '' ||
    (o.password !== undefined && typeof o.password !== 'string')
  )
    throw new ReidgateError(
      'USAGE',
      `--clickhouse-config ${q(configFile)}: give \`user\` (and \`password\`) as strings`,
    );
  return { user: o.user, password: (o.password as string | undefined) ?? '' };
}

/**
 * Parses one server URL (`http://host:port`, path and query not allowed). Credentials inside the URL
 * are refused without echoing them.
 * @throws ReidgateError('USAGE') for a malformed URL
 */
export function parseServerUrl(raw: string, flag = '--clickhouse-url'): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ReidgateError('USAGE', `${flag}: ${q(raw.replace(/\/\/[^@/]*@/, '//…@'))} is not a URL`);
  }
  if (u.username || u.password)
    throw new ReidgateError(
      'USAGE',
      `${flag}: put credentials in REIDGATE_CLICKHOUSE_USER / REIDGATE_CLICKHOUSE_PASSWORD or --clickhouse-config, not in the URL`,
    );
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ReidgateError('USAGE', `${flag}: ${q(raw)} is not an http:// or https:// URL`);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash)
    throw new ReidgateError('USAGE', `${flag}: ${q(raw)}: give only scheme, host and port`);
  return u;
}

/** The first line of a ClickHouse exception, its code, record values blanked. */
export function clickhouseMessage(body: string): { code: number | null; text: string } {
  const m =
    /^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/.exec(
      body.trim(),
    );
  const code = m ? Number(m[1]) : null;
  let text = (m ? m[2] : body).split('\n')[0].trim();
  // Parse errors quote the data after "before:"/"at row": never echo record values.
  text = text.replace(/(before|at row \d+|at position \d+)\s*:.*$/i, '$1: …').replace(/'[^']*'/g, "'…'");
  if (text.length > 240) text = `${text.slice(0, 239)}…`;
  return { code, text };
}

/** ClickHouse error codes for a table or database that does not exist. */
const NOT_FOUND = new Set([60, 81]);
/** … for wrong credentials (wrong password, unknown user, not allowed from this address). */
const AUTH = new Set([192, 193, 194, 195, 516]);
/** … for a memory limit. */
const MEMORY = new Set([241, 173]);

/** One ClickHouse server reached over HTTP. */
export class ClickHouseServer {
  /** `host:port`, for messages. */
  readonly where: string;
  private readonly auth: string;

  /**
   * @param url - the server's HTTP interface
   * @param creds - user and password
   * @param settings - settings sent with every query (e.g. max_memory_usage)
   */
  constructor(
    readonly url: URL,
    creds: ClickHouseCredentials,
    private readonly settings: Record<string, string>,
  ) {
    this.where = url.host;
    this.auth = `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
  }

  /** The ReidgateError for a failed request (never the credentials, never record values). */
  failure(status: number | null, body: string, doing: string, cause?: unknown): ReidgateError {
    const at = `--engine clickhouse (${this.where})`;
    if (status === null) {
      const c = (cause as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } })
        ?.cause;
      const why =
        c?.code ??
        c?.errors?.[0]?.code ??
        c?.message ??
        (cause instanceof Error ? cause.message : String(cause));
      return new ReidgateError('ENGINE', `${at}: cannot reach the server while ${doing} (${why})`);
    }
    const { code, text } = clickhouseMessage(body);
    if (status === 401 || status === 403 || (code !== null && AUTH.has(code)))
      return new ReidgateError(
        'USAGE',
        `${at}: the server refused the credentials (check REIDGATE_CLICKHOUSE_USER / REIDGATE_CLICKHOUSE_PASSWORD or --clickhouse-config)`,
      );
    if (code !== null && NOT_FOUND.has(code))
      return new ReidgateError('INPUT_NOT_FOUND', `${at}: ${text} (while ${doing})`);
    if (code !== null && MEMORY.has(code))
      return new ReidgateError('ENGINE', `${at}: out of memory (max_memory_usage) while ${doing} (${text})`);
    return new ReidgateError(
      'ENGINE',
      `${at}: failed while ${doing} (${code !== null ? `code ${code}: ` : ''}${text})`,
    );
  }

  /** Sends one query; returns the response (status 200) or throws. */
  private async send(
    sql: string,
    doing: string,
    body?: string,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const params = new URLSearchParams({ ...this.settings, ...extra });
    let res: Response | undefined;
    if (body !== undefined) params.set('query', sql);
    // A kept-alive connection the server closed while idle (its keep_alive_timeout, 3 s by default,
    // is shorter than fetch's) fails before the request is read: such a request is sent once more.
    // Inserts are not: a lost insert shows as a row count that does not match (clickhouse-load.ts).
    for (let attempt = 0; !res; attempt++) {
      try {
        res = await fetch(`${this.url.origin}/?${params}`, {
          method: 'POST',
          headers: { Authorization: this.auth },
          body: body ?? sql,
          dispatcher: DISPATCHER,
        });
      } catch (e) {
        const code = (e as { cause?: { code?: string } }).cause?.code;
        const stale = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
        if (!stale || attempt > 0 || body !== undefined) throw this.failure(null, '', doing, e);
      }
    }
    if (res.status !== 200) throw this.failure(res.status, await res.text().catch(() => ''), doing);
    return res;
  }

  /** Runs a statement that returns nothing (DDL, INSERT … SELECT). */
  async exec(sql: string, doing: string, extra?: Record<string, string>): Promise<void> {
    const res = await this.send(sql, doing, undefined, extra);
    await this.checkedText(res, doing);
  }

  /** Inserts TabSeparated text: `INSERT INTO relation FORMAT TabSeparated`. */
  async insert(relation: string, tsv: string, doing: string, extra?: Record<string, string>): Promise<void> {
    const res = await this.send(`INSERT INTO ${relation} FORMAT TabSeparated`, doing, tsv, extra);
    await this.checkedText(res, doing);
  }

  /** Reads a response body; an exception written after the 200 header (mid-stream) becomes an error. */
  private async checkedText(res: Response, doing: string): Promise<string> {
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw this.failure(null, '', doing, e);
    }
    const tail = /Code: \d+, e\.displayText\(\)[\s\S]*$/.exec(text.slice(-4096));
    if (tail) throw this.failure(500, tail[0], doing);
    return text;
  }

  /** Rows of a query as strings (TabSeparated, unescaped). */
  async rows(sql: string, doing: string): Promise<string[][]> {
    const text = await this.checkedText(await this.send(`${sql} FORMAT TabSeparated`, doing), doing);
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t').map(unescapeTsv));
  }

  /** Rows of a numeric query. */
  async numbers(sql: string, doing: string): Promise<number[][]> {
    return (await this.rows(sql, doing)).map((r) => r.map(Number));
  }

  /**
   * Streams a numeric query's first two columns (row, value) into `out[row] = value`.
   * @returns the number of lines read
   */
  async streamPairs(
    sql: string,
    out: Int32Array | Float64Array,
    doing: string,
    extra?: Record<string, string>,
  ): Promise<number> {
    return this.streamLines(
      sql,
      doing,
      (line) => {
        // (row, value, then any further columns, which are ignored)
        const tab = line.indexOf('\t');
        const end = line.indexOf('\t', tab + 1);
        const row = Number(line.slice(0, tab));
        const value = Number(line.slice(tab + 1, end === -1 ? undefined : end));
        if (tab < 0 || !Number.isInteger(row) || row < 0 || row >= out.length || Number.isNaN(value))
          throw this.unexpected(line, doing);
        out[row] = value;
      },
      extra,
    );
  }

  /** The error for a line of output that is not what the query should give (or an exception mid-stream). */
  unexpected(line: string, doing: string): ReidgateError {
    return this.failure(
      500,
      line.startsWith('Code:') ? line : 'Code: 0, e.displayText() = DB::Exception: unexpected output',
      doing,
    );
  }

  /**
   * Streams a query's TabSeparated lines (still escaped) to `take`, which throws on a line it cannot read.
   * @returns the number of lines read
   */
  async streamLines(
    sql: string,
    doing: string,
    take: (line: string) => void,
    extra?: Record<string, string>,
  ): Promise<number> {
    const res = await this.send(`${sql} FORMAT TabSeparated`, doing, undefined, extra);
    const decoder = new TextDecoder();
    let rest = '';
    let lines = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        rest += decoder.decode(chunk, { stream: true });
        let nl = rest.indexOf('\n');
        let from = 0;
        while (nl !== -1) {
          take(rest.slice(from, nl));
          lines++;
          from = nl + 1;
          nl = rest.indexOf('\n', from);
        }
        rest = rest.slice(from);
      }
    } catch (e) {
      if (e instanceof ReidgateError) throw e;
      throw this.failure(null, '', doing, e);
    }
    if (rest !== '') {
      take(rest);
      lines++;
    }
    return lines;
  }
}

/** Undoes TabSeparated escaping (`\t`, `\n`, `\\` …). */
export function unescapeTsv(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) =>
    c === 't'
      ? '\t'
      : c === 'n'
        ? '\n'
        : c === 'r'
          ? '\r'
          : c === '0'
            ? '\0'
            : c === 'b'
              ? '\b'
              : c === 'f'
                ? '\f'
                : c,
  );
}

/** TabSeparated escaping of one field. */
export function escapeTsv(s: string): string {
  return s.replace(/[\\\t\n\r\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0',
  );
}
