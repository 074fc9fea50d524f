/** Leveled log lines on stderr; stdout stays for what a command prints as its result. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** kube-burner's (logrus) level names burn has no level of its own for: fatal and panic log errors only, trace is debug. */
const ALIASES: Record<string, LogLevel> = { fatal: 'error', panic: 'error', warning: 'warn', trace: 'debug' };

export function parseLogLevel(value: string): LogLevel {
  const level = value.toLowerCase();
  if (level in ORDER) return level as LogLevel;
  if (level in ALIASES) return ALIASES[level]!;
  throw new Error(`--log-level must be one of debug, info, warn, error, fatal (kube-burner's levels; also trace, warning, panic), not "${value}"`);
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const logger: Logger = {
    level,
    error: (m) => emit('error', m),
    warn: (m) => emit('warn', m),
    info: (m) => emit('info', m),
    debug: (m) => emit('debug', m),
  };
  function emit(at: LogLevel, message: string): void {
    if (ORDER[at] > ORDER[logger.level]) return;
    write(`${new Date().toISOString()} ${at.padEnd(5)} ${message}\n`);
  }
  return logger;
}
