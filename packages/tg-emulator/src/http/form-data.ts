import type { IncomingMessage } from 'node:http';
import { readBody } from './body';

/** A file part of a multipart form, with its bytes. */
export interface FormFile {
  data: Buffer;
  /** The file name the browser sent, if any. */
  name?: string;
  /** The part's content type, if the sender gave one. */
  type?: string;
}

export interface FormBody {
  fields: Record<string, string>;
  files: Record<string, FormFile>;
}

/**
 * Reads a multipart/form-data body with its file contents (the Bot API's own multipart parser
 * keeps only descriptions of uploads). Parsing is the platform's: the WHATWG `Request.formData()`.
 */
export async function readFormData(req: IncomingMessage, limit: number): Promise<FormBody> {
  const body = await readBody(req, limit);
  const request = new Request('http://emulator.local/', {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type'] ?? '' },
    body,
  });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Error('tg-emulator: the multipart/form-data body cannot be parsed');
  }
  const out: FormBody = { fields: {}, files: {} };
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      out.fields[name] = value;
      continue;
    }
    const file: FormFile = { data: Buffer.from(await value.arrayBuffer()) };
    if (value.name) file.name = value.name;
    if (value.type) file.type = value.type;
    out.files[name] = file;
  }
  return out;
}
