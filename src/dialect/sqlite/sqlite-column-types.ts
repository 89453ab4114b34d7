/** SQLite's type affinity rules (section 3.1 of its datatype page), plus date-like names kept as text. */
export function sqliteColumnType(type: string): string {
  if (type.includes('int')) return 'number';
  if (type.includes('char') || type.includes('clob') || type.includes('text')) return 'string';
  if (type === '') return 'unknown';
  if (type.includes('blob')) return 'Uint8Array';
  if (type.includes('real') || type.includes('floa') || type.includes('doub')) return 'number';
  if (type.includes('date') || type.includes('time')) return 'string';
  return 'number';
}
