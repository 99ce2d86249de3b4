/**
 * Reads a flat BSON document whose values are all strings — the shape of every geocoding and
 * carrier file — into key/value pairs. `bson.deserialize` builds an object with tens of thousands
 * of integer-like keys, which V8 stores as slow dictionary elements, and one `Buffer#toString`
 * per field costs about as much; decoding each file once as latin1 and slicing that string is
 * several times faster. Returns undefined for any other shape so the caller can fall back to `bson`.
 */
export function readStringPairs(buf: Buffer): Array<[string, string]> | undefined {
  const end = buf.length - 1;
  if (buf.length < 5 || int32(buf, 0) !== buf.length || buf[end] !== 0) return undefined;
  const text = buf.toString('latin1'); // one char per byte, so string offsets are byte offsets
  const pairs: Array<[string, string]> = [];
  let i = 4;
  while (i < end) {
    if (buf[i] !== 0x02) return undefined; // 0x02 = UTF-8 string element
    let keyEnd = i + 1;
    while (keyEnd < end && buf[keyEnd] !== 0) keyEnd++;
    const start = keyEnd + 5;
    const stop = start + int32(buf, keyEnd + 1) - 1; // the size counts the trailing NUL
    if (stop < start || stop >= end || buf[stop] !== 0) return undefined;
    pairs.push([text.slice(i + 1, keyEnd), isAscii(buf, start, stop) ? text.slice(start, stop) : buf.toString('utf8', start, stop)]);
    i = stop + 1;
  }
  return i === end ? pairs : undefined;
}

function int32(buf: Buffer, at: number): number {
  return buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24);
}

function isAscii(buf: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (buf[k] > 0x7f) return false;
  return true;
}
