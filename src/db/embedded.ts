import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A PostgreSQL (PGlite) served on loopback for the embedded default mode. */
export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder for the database files; undefined keeps the database in memory. */
  dataDir?: string;
  /**
   * Connections the socket server admits. PGlite is one session; the server queues queries
   * of all connections, so this only has to cover every pool in the process.
   */
  maxConnections?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PGlite must never be opened by two processes at once: that corrupts its files. */
function takeLock(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'service.lock');
  if (fs.existsSync(lockFile)) {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`The embedded database in ${dataDir} is in use by process ${pid}`);
    }
  }
  fs.writeFileSync(lockFile, String(process.pid));
  return () => fs.rmSync(lockFile, { force: true });
}

export async function startEmbeddedPostgres(
  options: EmbeddedOptions = {},
): Promise<EmbeddedPostgres> {
  let releaseLock = (): void => undefined;
  let db: PGlite;
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    releaseLock = takeLock(options.dataDir);
    db = await PGlite.create(path.join(options.dataDir, 'pg'));
  } else {
    db = await PGlite.create();
  }
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections ?? 40,
  });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  let closed = false;
  return {
    url,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      await db.close();
      releaseLock();
    },
  };
}
