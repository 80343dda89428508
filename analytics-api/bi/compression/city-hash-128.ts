/** CityHash128 as of CityHash 1.0.2: the checksum of ClickHouse's compressed blocks (later CityHash versions differ). */

const M = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;
const K3 = 0xc949d7c7509e6557n;
const KMUL = 0x9ddfea08eb382d69n;

const mul = (a: bigint, b: bigint) => (a * b) & M;
const add = (a: bigint, b: bigint) => (a + b) & M;
const rotate = (v: bigint, s: number) => (s === 0 ? v : ((v >> BigInt(s)) | (v << BigInt(64 - s))) & M);
const shiftMix = (v: bigint) => v ^ (v >> 47n);

function hashLen16(u: bigint, v: bigint): bigint {
  let a = mul(u ^ v, KMUL);
  a ^= a >> 47n;
  let b = mul(v ^ a, KMUL);
  b ^= b >> 47n;
  return mul(b, KMUL);
}

class Reader {
  constructor(private readonly b: Buffer) {}
  u64 = (at: number) => this.b.readBigUInt64LE(at);
  u32 = (at: number) => BigInt(this.b.readUInt32LE(at));
  u8 = (at: number) => BigInt(this.b[at]);
}

function hashLen0to16(r: Reader, s: number, len: number): bigint {
  const n = BigInt(len);
  if (len > 8) {
    const a = r.u64(s);
    const b = r.u64(s + len - 8);
    return hashLen16(a, rotate(add(b, n), len)) ^ b;
  }
  if (len >= 4) return hashLen16(add(n, (r.u32(s) << 3n) & M), r.u32(s + len - 4));
  if (len > 0) {
    const y = r.u8(s) + (r.u8(s + (len >> 1)) << 8n);
    const z = n + (r.u8(s + len - 1) << 2n);
    return mul(shiftMix(mul(y, K2) ^ mul(z, K3)), K2);
  }
  return K2;
}

function weakHashLen32WithSeeds(r: Reader, s: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const [w, x, y, z] = [r.u64(s), r.u64(s + 8), r.u64(s + 16), r.u64(s + 24)];
  let a = add(a0, w);
  let b = rotate(add(add(b0, a), z), 21);
  const c = a;
  a = add(add(a, x), y);
  b = add(b, rotate(a, 44));
  return [add(a, z), add(b, c)];
}

function cityMurmur(r: Reader, s: number, len: number, seedLo: bigint, seedHi: bigint): [bigint, bigint] {
  let a = seedLo;
  let b = seedHi;
  let c: bigint;
  let d: bigint;
  let l = len - 16;
  if (l <= 0) {
    a = mul(shiftMix(mul(a, K1)), K1);
    c = add(mul(b, K1), hashLen0to16(r, s, len));
    d = shiftMix(add(a, len >= 8 ? r.u64(s) : c));
  } else {
    c = hashLen16(add(r.u64(s + len - 8), K1), a);
    d = hashLen16(add(b, BigInt(len)), add(c, r.u64(s + len - 16)));
    a = add(a, d);
    do {
      a ^= mul(shiftMix(mul(r.u64(s), K1)), K1);
      a = mul(a, K1);
      b ^= a;
      c ^= mul(shiftMix(mul(r.u64(s + 8), K1)), K1);
      c = mul(c, K1);
      d ^= c;
      s += 16;
      l -= 16;
    } while (l > 0);
  }
  a = hashLen16(a, c);
  b = hashLen16(d, b);
  return [a ^ b, hashLen16(b, a)];
}

function cityHash128WithSeed(r: Reader, s: number, len: number, seedLo: bigint, seedHi: bigint): [bigint, bigint] {
  if (len < 128) return cityMurmur(r, s, len, seedLo, seedHi);
  let x = seedLo;
  let y = seedHi;
  let z = mul(BigInt(len), K1);
  const v: [bigint, bigint] = [0n, 0n];
  v[0] = add(mul(rotate(y ^ K1, 49), K1), r.u64(s));
  v[1] = add(mul(rotate(v[0], 42), K1), r.u64(s + 8));
  const w: [bigint, bigint] = [add(mul(rotate(add(y, z), 35), K1), x), mul(rotate(add(x, r.u64(s + 88)), 53), K1)];
  let vv = v;
  let ww = w;
  const round = () => {
    x = mul(rotate(add(add(add(x, y), vv[0]), r.u64(s + 16)), 37), K1);
    y = mul(rotate(add(add(y, vv[1]), r.u64(s + 48)), 42), K1);
    x ^= ww[1];
    y ^= vv[0];
    z = rotate(z ^ ww[0], 33);
    vv = weakHashLen32WithSeeds(r, s, mul(vv[1], K1), add(x, ww[0]));
    ww = weakHashLen32WithSeeds(r, s + 32, add(z, ww[1]), y);
    [z, x] = [x, z];
    s += 64;
  };
  do {
    round();
    round();
    len -= 128;
  } while (len >= 128);
  y = add(y, add(mul(rotate(ww[0], 37), K0), z));
  x = add(x, mul(rotate(add(vv[0], z), 49), K0));
  for (let done = 0; done < len; ) {
    done += 32;
    y = add(mul(rotate((y - x) & M, 42), K0), vv[1]);
    ww[0] = add(ww[0], r.u64(s + len - done + 16));
    x = add(mul(rotate(x, 49), K0), ww[0]);
    ww[0] = add(ww[0], vv[0]);
    vv = weakHashLen32WithSeeds(r, s + len - done, vv[0], vv[1]);
  }
  x = hashLen16(x, vv[0]);
  y = hashLen16(y, ww[0]);
  return [add(hashLen16(add(x, vv[1]), ww[1]), y), hashLen16(add(x, ww[1]), add(y, vv[1]))];
}

/** CityHash128 (v1.0.2) of `data`: [low 64 bits, high 64 bits]. */
export function cityHash128(data: Buffer): [bigint, bigint] {
  const r = new Reader(data);
  const len = data.length;
  if (len >= 16) return cityHash128WithSeed(r, 16, len - 16, r.u64(0) ^ K3, r.u64(8));
  if (len >= 8) return cityHash128WithSeed(r, 0, 0, r.u64(0) ^ mul(BigInt(len), K0), r.u64(len - 8) ^ K1);
  return cityHash128WithSeed(r, 0, len, K0, K1);
}
