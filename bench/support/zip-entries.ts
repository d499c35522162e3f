/**
 * The files of a zip archive, as a function's package holds them: names and contents, read from
 * the central directory (stored or deflated entries, no ZIP64, which a Lambda package never
 * needs).
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** The uncompressed bytes. */
  contents: Buffer;
}

const endOfCentralDirectory = 0x06054b50;
const centralFileHeader = 0x02014b50;
const localFileHeader = 0x04034b50;

/** Every file of the archive at `file`, in the order of its central directory. */
export function zipEntries(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  // The end record is the last 22 bytes, unless a comment (at most 64 KiB) follows it.
  let end = zip.length - 22;
  while (end >= Math.max(0, zip.length - 22 - 0xffff) && zip.readUInt32LE(end) !== endOfCentralDirectory)
    end--;
  if (end < 0 || zip.readUInt32LE(end) !== endOfCentralDirectory)
    throw new Error(`${file} is not a zip archive`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(at) !== centralFileHeader) throw new Error(`${file}: broken central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (zip.readUInt32LE(localOffset) !== localFileHeader) throw new Error(`${file}: broken entry ${name}`);
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${file}: ${name} uses compression method ${method}`);
    entries.push({ name, contents: method === 8 ? inflateRawSync(data) : Buffer.from(data) });
  }
  return entries;
}
