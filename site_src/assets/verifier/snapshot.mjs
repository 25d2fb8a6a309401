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


// Write the files of an uncompressed ("stored") zip archive under `dir` in Pyodide's file
// system. The snapshot's small archive of files not yet loaded (verifier-rest.zip) is such a
// zip, compressed as a whole in transfer (by the host, or as its .gz copy), so this only copies
// bytes, instead of Python inflating each file (several hundred milliseconds on a cold start).
// Other compression methods, and names that climb out of `dir`, throw.
export function unpackStoredZip(FS, bytes, dir) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error("not a zip archive");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const made = new Set();
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error("damaged zip directory");
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (name.endsWith("/")) continue;
    if (method !== 0) throw new Error(`compressed entry ${name} in a stored zip`);
    if (name.startsWith("/") || name.split("/").some((part) => part === ".." || part === "" || part === ".")) {
      throw new Error(`unsafe name in zip: ${name}`);
    }
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const folder = `${dir}/${name}`.slice(0, `${dir}/${name}`.lastIndexOf("/"));
    if (!made.has(folder)) {
      FS.mkdirTree(folder);
      made.add(folder);
    }
    FS.writeFile(`${dir}/${name}`, bytes.subarray(start, start + size));
  }
}

// Gunzip `bytes` in the browser (one native stream).
export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
