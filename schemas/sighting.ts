/** Sighting: an observation after re-identification, as sunk to ClickHouse and sent to integrators. */
import { create, toBinary } from '@bufbuild/protobuf';
import { SightingSchema, type Sighting as SightingMessage } from './gen/revisit/v1/sighting_pb.ts';
import { parseMessage } from './check-fields.ts';

/** A sighting in memory: the generated message type with epoch-ms numbers. */
export type Sighting = Omit<SightingMessage, '$typeName' | '$unknown' | 'tStartMs' | 'tEndMs'> & {
  tStartMs: number;
  tEndMs: number;
};

export function encodeSighting(s: Sighting): Uint8Array {
  return toBinary(
    SightingSchema,
    create(SightingSchema, { ...s, tStartMs: BigInt(s.tStartMs), tEndMs: BigInt(s.tEndMs) }),
  );
}

export function decodeSighting(bytes: Uint8Array): Sighting {
  const fields = parseMessage(SightingSchema, bytes);
  return { ...fields, tStartMs: Number(fields.tStartMs), tEndMs: Number(fields.tEndMs) };
}
