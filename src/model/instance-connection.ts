/**
 * The connection `Model.on(name)` gave an instance (read or created there), where its own
 * writes go. Kept beside the model rather than in its state: only such instances pay for it,
 * never the rows an ordinary query hydrates.
 */
const connections = new WeakMap<object, string>();

/** The instance's `on()` connection, or undefined for its class's. */
export function instanceConnection(model: object): string | undefined {
  return connections.get(model);
}

export function setInstanceConnection(model: object, name: string | undefined): void {
  if (name === undefined) connections.delete(model);
  else connections.set(model, name);
}
