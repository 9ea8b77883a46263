/** Types of ./postgres-cluster.mjs, for the TypeScript tests and the benchmark. */
export interface Cluster {
  readonly url: string;
  readonly urlWithoutPassword: string;
  readonly password: string;
  readonly port: number;
  readonly database: string;
  readonly dataDir: string;
  psql(sql: string): Promise<string>;
  pause(): Promise<string>;
  resume(): Promise<string>;
  stop(): Promise<void>;
}
export function postgresBinDir(): string;
export function postgresAvailable(): boolean;
export function startCluster(options?: { database?: string; settings?: Record<string, string> }): Promise<Cluster>;
export function stopCluster(dataDir: string): Promise<void>;
