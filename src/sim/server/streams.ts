import type { ServerResponse } from 'node:http';

/** Writes a chunk and, when the socket buffer is full, waits for it to drain (or the client to go). */
export async function writeChunk(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Whether the client went away (an HTTP/2 compatibility response tells through its stream). */
export function responseGone(res: ServerResponse): boolean {
  return res.destroyed === true || (res as unknown as { stream?: { destroyed?: boolean } }).stream?.destroyed === true;
}
