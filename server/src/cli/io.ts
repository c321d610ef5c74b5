/**
 * What a CLI command writes to: kept apart from main.ts so that the
 * commands and the entry point do not import each other.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Binary standard output (compile --format raw). */
  writeBytes?(data: Uint8Array): void;
  /** Whether standard output is a terminal. */
  isTty?: boolean;
}
