// The start-up snapshot's transport form, shared by the worker (worker.mjs) and the build
// (build_tools/outputs/snapshot.mjs), so both sides use one implementation.
//
// A Pyodide memory snapshot is a header (48 bytes, then JSON, padded to 16 bytes; its second
// 32-bit word is where the memory image starts) followed by the whole WebAssembly memory. About
// 3 MB of that memory are the wasm binary's own data segments, mostly unchanged after start-up,
// which the browser has anyway: the build XORs the memory image with those segments (so they
// become runs of zeros, which compress to nothing), and the worker XORs them back. The same
// function does both.

function readU32Leb(bytes, at) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at.pos++];
    if (byte === undefined) throw new Error("truncated wasm binary");
    result += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return result;
    shift += 7;
    if (shift > 35) throw new Error("bad LEB128 number in the wasm binary");
  }
}

function readI32Leb(bytes, at) {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at.pos++];
    if (byte === undefined) throw new Error("truncated wasm binary");
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) result |= -1 << shift;
  return result;
}

// [offset, start, length] of each active data segment of memory 0 (offset: a constant address;
// start, length: where its bytes are in `wasm`). Anything else throws: the caller then does
// without the snapshot.
export function dataSegments(wasm) {
  if (!(wasm instanceof Uint8Array) || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new Error("not a wasm binary");
  }
  const at = { pos: 8 };
  const out = [];
  while (at.pos < wasm.length) {
    const id = wasm[at.pos++];
    const size = readU32Leb(wasm, at);
    const end = at.pos + size;
    if (id === 11) {
      const count = readU32Leb(wasm, at);
      for (let i = 0; i < count; i++) {
        const flag = readU32Leb(wasm, at);
        if (flag === 1) {
          at.pos += readU32Leb(wasm, at); // passive: not in memory at start
          continue;
        }
        if (flag === 2 && readU32Leb(wasm, at) !== 0) throw new Error("data segment for another memory");
        if (flag !== 0 && flag !== 2) throw new Error(`unknown data segment kind ${flag}`);
        if (wasm[at.pos++] !== 0x41) throw new Error("data segment offset is not a constant");
        const offset = readI32Leb(wasm, at) >>> 0;
        if (wasm[at.pos++] !== 0x0b) throw new Error("unexpected data segment offset expression");
        const length = readU32Leb(wasm, at);
        out.push([offset, at.pos, length]);
        at.pos += length;
      }
    }
    at.pos = end;
  }
  return out;
}

// XOR the memory image inside `snapshot` (a Uint8Array, changed in place) with the data
// segments of `wasm`. Applying it twice gives back the original.
export function xorDataSegments(snapshot, wasm) {
  if (snapshot.length < 48) throw new Error("snapshot too short");
  const header = new DataView(snapshot.buffer, snapshot.byteOffset, 48);
  const memoryStart = header.getUint32(4, true);
  const memory = snapshot.subarray(memoryStart);
  for (const [offset, start, length] of dataSegments(wasm)) {
    if (offset + length > memory.length) throw new Error("data segment outside the snapshot's memory");
    for (let i = 0; i < length; i++) memory[offset + i] ^= wasm[start + i];
  }
  return snapshot;
}

// The snapshot is stored without its all-zero pages (more than half of the memory image: the
// stack, reserved space, the heap's end), so a repeat visit reads half as much from the
// service worker's cache: "CSNAPPG1", the image's length and the page size (u32, little
// endian), one bit per page (set: the page follows), then the pages that are not all zeros.
const PAGES_MAGIC = "CSNAPPG1";
const PAGE_SIZE = 65536;

// `image` without its all-zero pages (for the build).
export function packPages(image) {
  const count = Math.ceil(image.length / PAGE_SIZE);
  const bitmap = new Uint8Array(Math.ceil(count / 8));
  const kept = [];
  for (let i = 0; i < count; i++) {
    const page = image.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    if (page.some((byte) => byte !== 0)) {
      bitmap[i >> 3] |= 1 << (i & 7);
      kept.push(page);
    }
  }
  const out = new Uint8Array(16 + bitmap.length + kept.reduce((n, page) => n + page.length, 0));
  out.set(new TextEncoder().encode(PAGES_MAGIC));
  const view = new DataView(out.buffer);
  view.setUint32(8, image.length, true);
  view.setUint32(12, PAGE_SIZE, true);
  out.set(bitmap, 16);
  let at = 16 + bitmap.length;
  for (const page of kept) {
    out.set(page, at);
    at += page.length;
  }
  return out;
}

// The whole image back from `packPages`' form; anything that is not exactly that form throws
// (the caller then does without the snapshot).
export function unpackPages(packed) {
  if (packed.length < 16 || new TextDecoder().decode(packed.subarray(0, 8)) !== PAGES_MAGIC) {
    throw new Error("not a paged snapshot");
  }
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const length = view.getUint32(8, true);
  const size = view.getUint32(12, true);
  if (size !== PAGE_SIZE) throw new Error(`unexpected page size ${size}`);
  const count = Math.ceil(length / size);
  const bitmap = packed.subarray(16, 16 + Math.ceil(count / 8));
  const image = new Uint8Array(length);
  let at = 16 + bitmap.length;
  for (let i = 0; i < count; i++) {
    if (!(bitmap[i >> 3] & (1 << (i & 7)))) continue;
    const end = Math.min(length, (i + 1) * size);
    if (at + end - i * size > packed.length) throw new Error("truncated paged snapshot");
    image.set(packed.subarray(at, at + end - i * size), i * size);
    at += end - i * size;
  }
  if (at !== packed.length) throw new Error("trailing bytes after the paged snapshot");
  return image;
}

// Gunzip `bytes` in the browser (one native stream).
export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
