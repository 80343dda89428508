import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApiKeyStoreContract } from '../../test/contracts/api-key-store-contract.ts';
import { FileApiKeyStore } from './file-api-key-store.ts';

runApiKeyStoreContract(
  'file store',
  async () => new FileApiKeyStore(join(mkdtempSync(join(tmpdir(), 'revisit-keys-')), 'api-keys.json')),
);
