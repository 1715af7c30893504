import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Bot API server that misbehaves on purpose, for what the emulator never does: a getFile that
 * under-reports the size, a download that keeps coming, a download that fails.
 */
export async function startFakeBotApi(file: {
  announcedSize?: number;
  status?: number;
  body: Buffer;
  contentLength?: boolean;
}): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url?.includes('/getFile')) {
      const result = { file_id: 'x', file_unique_id: 'u', file_path: 'documents/file_0.bin' };
      const body = JSON.stringify({
        ok: true,
        result: file.announcedSize === undefined ? result : { ...result, file_size: file.announcedSize },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (file.contentLength) headers['content-length'] = file.body.length;
    res.writeHead(file.status ?? 200, headers);
    // In pieces, like a slow network, so a cap can stop it half way.
    let at = 0;
    const next = () => {
      if (at >= file.body.length || res.destroyed) return res.end();
      res.write(file.body.subarray(at, at + 1024), () => setImmediate(next));
      at += 1024;
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
