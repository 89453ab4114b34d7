/** Resolves when `signal()` is called: lets two flows take turns without sleeping. */
export function latch(): { wait: Promise<void>; signal: () => void } {
  let signal!: () => void;
  const wait = new Promise<void>((resolve) => {
    signal = resolve;
  });
  return { wait, signal };
}

/** Starts `fn` as its own async flow, the way a new request would arrive. */
export function inNewFlow<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => setImmediate(() => fn().then(resolve, reject)));
}
