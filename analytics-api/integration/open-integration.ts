/** Wires integrated mode for an API process: upload app, erasure, and callbacks fed by the sightings topic. */
import type { Subscription } from '../../common/bus/bus.ts';
import type { Runtime } from '../../common/open-runtime.ts';
import { ObservationPublisher, type FacePipeline } from '../../ingest/index.ts';
import { createUploadApp, IdentityCallbacks } from '../../ingest/upload/index.ts';
import { messageLimits } from '../../schemas/index.ts';
import { deliverIdentityCallbacks } from './deliver-identity-callbacks.ts';
import type { IntegrationDeps } from './integration-routes.ts';

export interface Integration {
  deps: IntegrationDeps;
  /** Stops delivering callbacks. */
  stop(): Promise<void>;
}

export async function openIntegration(runtime: Runtime, pipeline: FacePipeline): Promise<Integration> {
  const { config, bus, store, clickhouse } = runtime;
  const upload = config.ingest.upload;
  const callbacks = new IdentityCallbacks({
    ttlMs: upload.callbackTtlMs,
    maxPending: upload.callbackMaxPending,
    timeoutMs: upload.callbackTimeoutMs,
    policy: { allowHttp: upload.callbackAllowHttp, allowList: upload.callbackAllowList },
  });
  const limits = messageLimits(config);
  const subscription: Subscription = await deliverIdentityCallbacks(bus, config.topics.sightings, callbacks);
  return {
    deps: {
      upload: createUploadApp({ pipeline, publisher: new ObservationPublisher(bus, config.topics.observations, limits), limits, config: config.ingest, callbacks }),
      pipeline,
      erasure: { store, clickhouse },
    },
    stop: () => subscription.stop(),
  };
}
