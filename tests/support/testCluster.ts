import { rmSync } from 'node:fs';
import { Cluster, type ClusterOptions } from '../../deploy/cluster/Cluster.js';
import { freePort } from '../../deploy/cluster/ManagedProcess.js';
import { distDir } from './paths.js';
import { tempDir } from './tempDir.js';

/**
 * `npm run cluster`'s topology for a test: HAProxy, server nodes, a PostgreSQL primary and a streaming
 * standby, on free loopback ports, in a throwaway directory (fsync off). Stop it with `stopTestCluster`.
 */
export async function startTestCluster(options: Partial<ClusterOptions> = {}): Promise<Cluster> {
  return Cluster.start({
    host: '127.0.0.1',
    port: await freePort(),
    nodes: 3,
    dataDir: tempDir('holdfast-test-cluster-'),
    primaryPort: await freePort(),
    standbyPort: await freePort(),
    durable: false,
    staticDir: distDir,
    ...options,
  });
}

export async function stopTestCluster(cluster: Cluster | undefined): Promise<void> {
  if (!cluster) return;
  await cluster.stop();
  rmSync(cluster.options.dataDir, { recursive: true, force: true });
}
