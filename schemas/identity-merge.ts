/** IdentityMerge: one anonymous identity folded into another, as announced to integrating applications. */
import { create, toBinary } from '@bufbuild/protobuf';
import { IdentityMergeSchema, type IdentityMerge as IdentityMergeMessage } from './gen/revisit/v1/identity_merge_pb.ts';
import { parseMessage } from './check-fields.ts';

/** A merge announcement in memory: the generated message type with an epoch-ms number. */
export type IdentityMergeEvent = Omit<IdentityMergeMessage, '$typeName' | '$unknown' | 'mergedAtMs'> & {
  mergedAtMs: number;
};

export function encodeIdentityMerge(m: IdentityMergeEvent): Uint8Array {
  return toBinary(IdentityMergeSchema, create(IdentityMergeSchema, { ...m, mergedAtMs: BigInt(m.mergedAtMs) }));
}

export function decodeIdentityMerge(bytes: Uint8Array): IdentityMergeEvent {
  const fields = parseMessage(IdentityMergeSchema, bytes);
  return { ...fields, mergedAtMs: Number(fields.mergedAtMs) };
}
