import http from 'node:http';

/**
 * The ingest baseline: the smallest useful webhook endpoint in plain `node:http`. It reads the
 * body (as any webhook must) and answers 200 "ok". Run as its own process:
 * `node bench/dist/raw-http/server.js --port 9000`.
 */

function portArg(argv: readonly string[]): number {
  const at = argv.indexOf('--port');
  const port = Number(at >= 0 ? argv[at + 1] : Number.NaN);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    console.error('usage: server.js --port N');
    process.exit(2);
  }
  return port;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/livez') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(portArg(process.argv), '127.0.0.1');
const close = () => server.close(() => process.exit(0));
process.once('SIGTERM', close);
process.once('SIGINT', close);
