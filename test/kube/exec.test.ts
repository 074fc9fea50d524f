/**
 * pods/exec over a real WebSocket on 127.0.0.1: a small server speaking the API server's side of
 * the channel protocol (v5.channel.k8s.io: a channel byte, then stdout/stderr/status), and burn's
 * client and serviceLatency's checker against it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { execInPod, execPath, ExecError, type ExecConnection } from '../../src/kube/exec.js';
import { InClusterServiceChecker } from '../../src/measure/svc-checker.js';
import type { MeasurementClient } from '../../src/measure/types.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const head = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}

const channel = (n: number, text: string) => frame(0x2, Buffer.concat([Buffer.from([n]), Buffer.from(text)]));

interface Seen {
  path: string;
  authorization?: string;
  protocols?: string;
}

function exitStatus(code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({ metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: exit code ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });
}

describe('pods/exec over WebSocket', () => {
  let server: Server;
  let conn: ExecConnection;
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket: Socket) => {
      sockets.add(socket);
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, protocols: req.headers['sec-websocket-protocol'] as string });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.includes('/pods/forbidden/')) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
        return;
      }
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`);
      const command = url.searchParams.getAll('command').join(' ');
      // The "container": nc succeeds towards 10.96.0.1 only; `hang` never answers.
      if (command.includes('hang')) return;
      const code = command.includes('10.96.0.1 ') || command === 'echo hi' ? 0 : 1;
      if (command === 'echo hi') socket.write(channel(1, 'hi\n'));
      if (code !== 0) socket.write(channel(2, 'nc: connect timed out\n'));
      socket.write(channel(3, exitStatus(code)));
      socket.write(frame(0x8, Buffer.from([0x03, 0xe8])));
      socket.on('data', () => socket.end());
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    conn = { origin: `http://127.0.0.1:${port}`, basePath: '', tls: { rejectUnauthorized: true }, credential: { authorization: 'Bearer s3cret', extraHeaders: {}, refreshAtMs: Infinity } };
  });

  afterAll(async () => {
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => server.close(r));
  });

  it('sends the command, container and streams as kubectl does, with the credential and channel subprotocols', async () => {
    const result = await execInPod(conn, { namespace: 'ns', pod: 'p', container: 'c', command: ['echo', 'hi'], timeoutMs: 10_000 });
    expect(result).toEqual({ exitCode: 0, stdout: 'hi\n', stdoutBytes: Buffer.from('hi\n'), stderr: '' });
    const last = seen.at(-1)!;
    expect(last.path).toBe('/api/v1/namespaces/ns/pods/p/exec?command=echo&command=hi&container=c&stdout=true&stderr=true&stdin=false&tty=false');
    expect(last.authorization).toBe('Bearer s3cret');
    expect(last.protocols).toBe('v5.channel.k8s.io, v4.channel.k8s.io');
    expect(execPath({ namespace: 'a b', pod: 'p', command: ['bash', '-c', 'x && y'] })).toBe('/api/v1/namespaces/a%20b/pods/p/exec?command=bash&command=-c&command=x%20%26%26%20y&stdout=true&stderr=true&stdin=false&tty=false');
  });

  it('returns the exit code of a failed command from its Failure status', async () => {
    const result = await execInPod(conn, { namespace: 'ns', pod: 'p', command: ['false'], timeoutMs: 10_000 });
    expect(result).toEqual({ exitCode: 1, stdout: '', stdoutBytes: Buffer.alloc(0), stderr: 'nc: connect timed out\n' });
  });

  it('fails with a message naming the pod when the upgrade is refused or the stream never ends', async () => {
    await expect(execInPod(conn, { namespace: 'ns', pod: 'forbidden', command: ['true'], timeoutMs: 10_000 })).rejects.toThrow(/exec in pod ns\/forbidden could not open its stream/);
    const hang = execInPod(conn, { namespace: 'ns', pod: 'p', command: ['hang'], timeoutMs: 300 });
    await expect(hang).rejects.toBeInstanceOf(ExecError);
    await expect(hang).rejects.toMatchObject({ timedOut: true });
  });

  it('is how serviceLatency\'s checker tests a Service: nc in the svc-checker pod until it connects', async () => {
    const client: MeasurementClient = { onRequest: () => undefined, watchResources: () => ({ synced: Promise.resolve(), stop: () => undefined }), exec: (req) => execInPod(conn, req) };
    const checker = new InClusterServiceChecker(client);
    await checker.connect('10.96.0.1', 80, 2000);
    expect(seen.at(-1)!.path).toContain('/api/v1/namespaces/kube-burner-service-latency/pods/svc-checker/exec?command=bash&command=-c&command=');
    expect(decodeURIComponent(seen.at(-1)!.path)).toContain('nc -w 0.1s -z 10.96.0.1 80');
    await expect(checker.connect('10.96.0.9', 80, 1000)).rejects.toThrow('10.96.0.9:80 did not accept a connection within 1000ms (nc: connect timed out)');
  });
});
