/** API keys in a JSON file under the data dir: the embedded default, safe to edit while the API runs. */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { apiKeyRecordSchema, type ApiKeyRecord } from '../../schemas/api-key.schema.ts';
import { apiKeyId, generateApiKey, hashApiKey } from './api-key-string.ts';
import type { ApiKeyStore, CreateApiKey, StoredApiKey } from './api-key-store.ts';

const fileSchema = z.object({ keys: z.array(z.object({ record: apiKeyRecordSchema, sha256: z.string() })) });

export class FileApiKeyStore implements ApiKeyStore {
  private cache: { mtimeMs: number; keys: StoredApiKey[] } | null = null;

  constructor(private readonly path: string) {}

  // Re-read when another process (`revisit keys`) changed the file: no restart needed.
  private read(): StoredApiKey[] {
    if (!existsSync(this.path)) return [];
    const { mtimeMs } = statSync(this.path);
    if (this.cache?.mtimeMs !== mtimeMs) {
      this.cache = { mtimeMs, keys: fileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8'))).keys };
    }
    return this.cache.keys;
  }

  // Write-then-rename: a reader never sees half a file.
  private write(keys: StoredApiKey[]): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ keys }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
    this.cache = null;
  }

  async create(input: CreateApiKey, nowMs = Date.now()) {
    const { id, key } = generateApiKey();
    const record = apiKeyRecordSchema.parse({ id, ...input, label: input.label ?? '', createdAtMs: nowMs });
    this.write([...this.read(), { record, sha256: hashApiKey(key) }]);
    return { record, key };
  }

  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    return this.read()
      .map((k) => k.record)
      .filter((r) => tenant === undefined || r.tenant === tenant);
  }

  async listStored(): Promise<StoredApiKey[]> {
    return this.read().map((k) => ({ record: k.record, sha256: k.sha256 }));
  }

  async revoke(id: string, nowMs = Date.now()): Promise<boolean> {
    const keys = this.read();
    const found = keys.find((k) => k.record.id === id);
    if (!found) return false;
    this.write(
      keys.map((k) =>
        k === found ? { ...k, record: { ...k.record, revokedAtMs: k.record.revokedAtMs ?? nowMs } } : k,
      ),
    );
    return true;
  }

  async verify(key: string): Promise<ApiKeyRecord | null> {
    const id = apiKeyId(key);
    if (!id) return null;
    const found = this.read().find((k) => k.record.id === id);
    return found && found.sha256 === hashApiKey(key) && !found.record.revokedAtMs ? found.record : null;
  }

  async close(): Promise<void> {}
}
