/** One `vintent verify` thread (see verify-pool.ts): verifies the chunks of files it is sent, in order. */
import { parentPort, workerData } from 'node:worker_threads';
import type { VerifyOptions } from '../verify/types.js';
import { type BundleReport, verifyFile } from './verify.js';
import type { ChunkReply } from './verify-pool.js';

const { options } = workerData as { options: VerifyOptions };

parentPort?.on('message', (msg: { chunk: number; files: string[] }) => {
  void (async () => {
    let reply: ChunkReply;
    try {
      const reports: BundleReport[] = [];
      for (const file of msg.files) reports.push(await verifyFile(file, options));
      reply = { chunk: msg.chunk, reports };
    } catch (e) {
      reply = { chunk: msg.chunk, error: e instanceof Error ? e.message : String(e) };
    }
    parentPort?.postMessage(reply);
  })();
});
