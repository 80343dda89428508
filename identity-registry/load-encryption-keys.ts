/** Where the centroid keys come from: the configuration, or the key file outside the data directory. */
import type { RevisitConfig } from '../common/config.ts';
import { CentroidCipher } from './centroid-cipher.ts';
import { KeyFileError, openKeyFile, warnOfLegacyKeyFile } from './open-key-file.ts';

/**
 * Builds the cipher from `encryption.keys` (shared by every process of a distributed
 * deployment), else from `encryption.keysFile` (created on first use; see openKeyFile).
 */
export function loadCentroidCipher(config: Pick<RevisitConfig, 'encryption' | 'dataDir'>): CentroidCipher {
  const { keys, activeKeyId, keysFile } = config.encryption;
  if (!keys && !keysFile) {
    throw new KeyFileError(
      'no encryption keys: set REVISIT_ENCRYPTION_KEYS, or REVISIT_KEYS_FILE to a key file outside the data directory (there is no HOME or XDG_CONFIG_HOME to put one in)',
    );
  }
  if (keys) warnOfLegacyKeyFile(config.dataDir);
  const source = keys
    ? { keys, activeKeyId: activeKeyId ?? Object.keys(keys)[0] }
    : openKeyFile(keysFile!, config.dataDir);
  const opened = Object.fromEntries(Object.entries(source.keys).map(([kid, b64]) => [kid, Buffer.from(b64, 'base64')]));
  return new CentroidCipher(opened, source.activeKeyId);
}
