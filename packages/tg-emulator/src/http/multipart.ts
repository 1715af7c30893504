/** A file part of a multipart upload: the emulator keeps its description, not its bytes. */
export interface UploadedFile {
  filename: string;
  size: number;
  contentType?: string;
}

/**
 * Parses a multipart/form-data body into fields. Text parts become strings, file parts
 * {@link UploadedFile}s. Header names are matched case-insensitively and without requiring a
 * space after the colon, since grammY writes `content-disposition:form-data;name="x"`.
 */
export function parseMultipart(body: Buffer, boundary: string): Record<string, string | UploadedFile> {
  const fields: Record<string, string | UploadedFile> = {};
  const first = Buffer.from(`--${boundary}`);
  // Later delimiters are matched with their leading CRLF, which belongs to the delimiter.
  const separator = Buffer.from(`\r\n--${boundary}`);
  const firstAt = body.indexOf(first);
  if (firstAt < 0) return fields;
  let cursor = firstAt + first.length;
  for (;;) {
    // "--" right after a delimiter ends the body.
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) break;
    const lineEnd = body.indexOf('\r\n', cursor);
    if (lineEnd < 0) break;
    const start = lineEnd + 2;
    const next = body.indexOf(separator, start);
    if (next < 0) break;
    addPart(fields, body.subarray(start, next));
    cursor = next + separator.length;
  }
  return fields;
}

function addPart(fields: Record<string, string | UploadedFile>, part: Buffer): void {
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd < 0) return;
  const headers = parseHeaders(part.subarray(0, headerEnd).toString('utf8'));
  const content = part.subarray(headerEnd + 4);
  const disposition = headers['content-disposition'] ?? '';
  const name = paramOf(disposition, 'name');
  if (name === undefined) return;
  const filename = paramOf(disposition, 'filename');
  if (filename === undefined) {
    fields[name] = content.toString('utf8');
    return;
  }
  const file: UploadedFile = { filename, size: content.length };
  const contentType = headers['content-type'];
  if (contentType !== undefined) file.contentType = contentType;
  fields[name] = file;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A parameter of a header value such as `form-data; name="text"` (quoted or not). */
function paramOf(header: string, param: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
  const match = re.exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '').trim();
}
