import { type MockInstance, vi } from 'vitest';

/** Captures what is written to stdout as JSON lines (Powertools writes logs and EMF there). */
export const captureStdoutJson = (): {
  lines: () => Record<string, unknown>[];
  restore: () => void;
} => {
  const spy: MockInstance = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return {
    lines: () =>
      spy.mock.calls
        .flatMap((call) => String(call[0]).split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
};
