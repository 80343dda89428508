/** Wires integrated mode for an API process from the camera worker's upload app, the erasure of the worker and callbacks fed by the sightings topic. */
import { deliverIdentityCallbacks } from '../analytics-api/integration/deliver-identity-callbacks.ts';
import type { IntegrationDeps } from '../analytics-api/integration/integration-routes.ts';
import type { Subscription } from '../common/bus/bus.ts';
import { ObservationPublisher, type FacePipeline } from '../ingest/index.ts';
import { createUploadApp, IdentityCallbacks } from '../ingest/upload/index.ts';
import { DEFAULT_CALLBACK_GROUP, messageLimits } from '../schemas/index.ts';
import type { Runtime } from './open-runtime.ts';

export interface Integration {
  deps: IntegrationDeps;
  /** Stops delivering callbacks. */
  stop(): Promise<void>;
}

/** Starts delivering identity callbacks; the routes' dependencies share the runtime's registry lock with an in-process worker. */
export async function openIntegration(runtime: Runtime, pipeline: FacePipeline): Promise<Integration> {
  const { config, bus, store, clickhouse, registryLock } = runtime;
  const upload = config.ingest.upload;
  const callbacks = new IdentityCallbacks({
    ttlMs: upload.callbackTtlMs,
    maxPending: upload.callbackMaxPending,
    timeoutMs: upload.callbackTimeoutMs,
    policy: { allowHttp: upload.callbackAllowHttp, allowList: upload.callbackAllowList },
  });
  const limits = messageLimits(config);
  const groupId = config.kafka?.callbackGroupId ?? DEFAULT_CALLBACK_GROUP;
  const subscription: Subscription = await deliverIdentityCallbacks(bus, config.topics.sightings, groupId, callbacks);
  return {
    deps: {
      upload: createUploadApp({
        pipeline,
        publisher: new ObservationPublisher(bus, config.topics.observations, limits),
        limits,
        config: config.ingest,
        callbacks,
      }),
      pipeline,
      erasure: { store, clickhouse, registryLock },
    },
    stop: () => subscription.stop(),
  };
}
