import net from 'node:net';

/** Resolves the port a server got when asked to listen on `port` (0: any free one), then frees it. */
function probe(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    // EADDRINUSE, but also EACCES (a privileged port): either way this port cannot be used.
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const got = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(got));
    });
  });
}

export interface PortChoice {
  port: number;
  /** Set when the wanted port was busy and another one was picked. */
  replaced?: number;
}

/**
 * Picks the port a server of the stack will use: the wanted one when it is free, otherwise
 * (or for 0) one the OS hands out. `taken` holds ports already given to other servers of the
 * stack that do not listen yet (children start later), so no two get the same one.
 */
export async function choosePort(wanted: number, host: string, taken: Set<number>): Promise<PortChoice> {
  if (wanted !== 0 && !taken.has(wanted) && (await probe(wanted, host)) === wanted) {
    taken.add(wanted);
    return { port: wanted };
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await probe(0, host);
    if (port !== undefined && !taken.has(port)) {
      taken.add(port);
      return wanted === 0 ? { port } : { port, replaced: wanted };
    }
  }
  throw new Error(`could not find a free port on ${host}`);
}

/** The host to put in URLs: a wildcard address is reached through loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
