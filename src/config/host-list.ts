/** One host of a server entry that lists several, with its own port where it gave one. */
export interface HostPort {
  host: string;
  port?: number;
}

/**
 * `host: ['pg1', 'pg2:5433', '[::1]:5434']`, or the same as one comma-separated text
 * (`'pg1,pg2:5433'`, as a multi-host URL writes it): the hosts in order, or what is wrong.
 *
 * @example
 * parseHostList(['pg1', 'pg2:5433']); // [{ host: 'pg1' }, { host: 'pg2', port: 5433 }]
 */
export function parseHostList(value: string | readonly unknown[]): HostPort[] | { problem: string } {
  const items: unknown[] = typeof value === 'string' ? value.split(',') : [...value];
  if (items.length === 0) return { problem: 'an empty list' };
  const hosts: HostPort[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'string' || item.trim() === '') return { problem: `entry ${i} is not a host name` };
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(item.trim());
    if (match === null) return { problem: `entry ${i} is not host or host:port` };
    const port = match[3] === undefined ? undefined : Number(match[3]);
    if (port !== undefined && (port < 1 || port > 65535)) return { problem: `entry ${i} has a port outside 1 to 65535` };
    hosts.push({ host: match[1] ?? match[2], ...(port === undefined ? {} : { port }) });
  }
  return hosts;
}
