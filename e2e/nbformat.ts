// Validates a notebook against the official nbformat 4.5 JSON schema (draft-04, vendored in app/notebook).
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';

const schema = JSON.parse(readFileSync(new URL('../app/notebook/nbformat.v4.5.schema.json', import.meta.url), 'utf8'));

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** The schema's complaints about `notebook` (none when it is valid nbformat 4.5). */
export function nbformatErrors(notebook: unknown): string[] {
  if (validate(notebook)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
