/** Reads the usual fields off whatever a driver threw. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : code === undefined || code === null ? undefined : String(code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorField(error: unknown, field: string): unknown {
  return error !== null && typeof error === 'object' ? (error as Record<string, unknown>)[field] : undefined;
}
