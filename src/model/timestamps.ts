/** The time a timestamp column gets: whole seconds, which every engine's DATETIME keeps exactly. */
export function timestampNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}
