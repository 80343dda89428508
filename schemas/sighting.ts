/** Sighting: an observation after re-identification, as sunk to ClickHouse and sent to integrators. */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { SightingSchema, type Sighting as SightingMessage } from './gen/revisit/v1/sighting_pb.ts';
import { ContractError } from './check-fields.ts';

/** A sighting in memory: the generated message type with epoch-ms numbers. */
export type Sighting = Omit<SightingMessage, '$typeName' | '$unknown' | 'tStartMs' | 'tEndMs'> & {
  tStartMs: number;
  tEndMs: number;
};

export function encodeSighting(s: Sighting): Uint8Array {
  return toBinary(SightingSchema, create(SightingSchema, { ...s, tStartMs: BigInt(s.tStartMs), tEndMs: BigInt(s.tEndMs) }));
}

export function decodeSighting(bytes: Uint8Array): Sighting {
  let msg: SightingMessage;
  try {
    msg = fromBinary(SightingSchema, bytes);
  } catch (err) {
    throw new ContractError('malformed', `not a Sighting: ${(err as Error).message}`);
  }
  const { $typeName: _t, $unknown: _u, ...fields } = msg;
  return { ...fields, tStartMs: Number(msg.tStartMs), tEndMs: Number(msg.tEndMs) };
}
