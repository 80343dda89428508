/** The API-key store contract, implemented on Redis (distributed) and on a file (embedded). */
import type { ApiKeyRecord, ApiRole } from '../../schemas/api-key.schema.ts';

export interface CreateApiKey {
  tenant: string;
  role: ApiRole;
  sites: '*' | string[];
  label?: string;
}

export interface ApiKeyStore {
  /** Creates a key; the returned secret is never stored and cannot be shown again. */
  create(input: CreateApiKey, nowMs?: number): Promise<{ record: ApiKeyRecord; key: string }>;
  list(tenant?: string): Promise<ApiKeyRecord[]>;
  /** Every key with the sha256 of its secret, revoked ones included: what a ClickHouse server's BI users are made from. */
  listStored(): Promise<StoredApiKey[]>;
  /** Marks the key revoked (kept for audit); false for an unknown id. */
  revoke(id: string, nowMs?: number): Promise<boolean>;
  /** The live record a presented key belongs to, or null (unknown, malformed, revoked). */
  verify(key: string): Promise<ApiKeyRecord | null>;
  close(): Promise<void>;
}

/** A stored key: its record and the sha256 of the secret. */
export interface StoredApiKey {
  record: ApiKeyRecord;
  sha256: string;
}
