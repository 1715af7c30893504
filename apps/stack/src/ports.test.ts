import net from 'node:net';
import { choosePort, urlHost } from './ports';

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('choosing ports', () => {
  it('keeps a free wanted port and replaces a busy one', async () => {
    const busy = await listenOn(0);
    try {
      const busyPort = (busy.address() as net.AddressInfo).port;
      const taken = new Set<number>();
      const replaced = await choosePort(busyPort, '127.0.0.1', taken);
      expect(replaced.replaced).toBe(busyPort);
      expect(replaced.port).not.toBe(busyPort);

      const free = await choosePort(0, '127.0.0.1', taken);
      expect(free.replaced).toBeUndefined();
      // Ports handed out are remembered, so the next server of the stack gets another one.
      expect(taken.has(replaced.port) && taken.has(free.port)).toBe(true);
      const again = await choosePort(free.port, '127.0.0.1', taken);
      expect(again.port).not.toBe(free.port);
      expect(again.replaced).toBe(free.port);
    } finally {
      busy.close();
    }
  });

  it('shows wildcard hosts as loopback in URLs', () => {
    expect(urlHost('0.0.0.0')).toBe('127.0.0.1');
    expect(urlHost('::')).toBe('[::1]');
    expect(urlHost('192.168.1.2')).toBe('192.168.1.2');
  });
});
