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

export function parseLogLevel(value: string): LogLevel {
  if (value in ORDER) return value as LogLevel;
  throw new Error(`--log-level must be one of ${Object.keys(ORDER).join(', ')}, not "${value}"`);
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
