/**
 * Start a server on the loopback interface and wait until it listens (or fails to).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listen on 127.0.0.1 (port 0: any free port); resolves the port, rejects with the listen error.
 * @example const port = await listenOnLoopback(createServer(app), 3000);
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
